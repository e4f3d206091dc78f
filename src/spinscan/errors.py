"""Exception types raised where input enters spinscan.

Every message says what was expected, what was found and how to fix it, so the
CLI and the HTTP API can show it as is, without a traceback.
"""

from __future__ import annotations


class SpinscanError(Exception):
    """Base class of all errors spinscan raises on purpose."""


class InputError(SpinscanError):
    """A text or file given to analyse cannot be used (empty, binary, not UTF-8, too big)."""


class UnsupportedLanguageError(InputError):
    """The text is in a language spinscan does not analyse."""


class DataError(SpinscanError):
    """A data folder or label file does not follow the official SemEval-2023 Task 3 layout."""


class ModelError(SpinscanError):
    """A model directory is missing, incomplete or of an unknown kind."""


class ScorerError(SpinscanError):
    """An official scorer could not be found or did not produce a score."""

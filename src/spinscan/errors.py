"""Exception types raised where input enters spinscan, each with a stable ``code``.

Every message says what was expected, what was found and how to fix it, so the CLI
and the HTTP API can show it as is, without a traceback. The ``code`` is the one
the CLI's ``--json`` error objects, the API's error bodies and batch error rows all
use. Library messages do not name command-line flags: an error that a setting can
fix names that setting in ``setting`` (``"lang"``, ``"max_bytes"``, ``"model"``), and
the CLI adds the flag as a hint of its own.
"""

from __future__ import annotations


class SpinscanError(Exception):
    """Base class of all errors spinscan raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting  # the library parameter that would fix it, if any


class InputError(SpinscanError):
    """A text or file given to analyse cannot be used (empty, binary, not UTF-8, too big)."""

    code = "invalid_input"


class UnsupportedLanguageError(InputError):
    """The text is in a language spinscan does not analyse."""

    code = "unsupported_language"


class OutputError(SpinscanError):
    """A file or folder to write results to cannot be written (missing folder, a folder, a file)."""

    code = "invalid_output"


class DataError(SpinscanError):
    """A data folder or label file does not follow the official SemEval-2023 Task 3 layout."""

    code = "invalid_data"


class ModelError(SpinscanError):
    """A model directory is missing, incomplete or of an unknown kind."""

    code = "model_error"


class ScorerError(SpinscanError):
    """An official scorer could not be found or did not produce a score."""

    code = "scorer_error"


class InternalError(SpinscanError):
    """A bug of ours, caught where it must not end a run (a batch of thousands goes on)."""

    code = "internal_error"


def error_code(e: BaseException) -> str:
    """The stable code of any exception: a spinscan error's own, else ``internal_error``."""
    return e.code if isinstance(e, SpinscanError) else InternalError.code


def error_dict(e: BaseException) -> dict[str, str]:
    """``{"code", "message"}``, the error object of the CLI's JSON, the API and batch rows."""
    return {"code": error_code(e), "message": str(e)}

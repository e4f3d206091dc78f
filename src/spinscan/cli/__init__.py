"""The `spinscan` command: a thin layer over the library; nothing imports it.

``main`` (the group), ``common`` (errors, progress, output checks), one module per command
group (``analyze``: analyze/extract/serve/prepare, ``compare``, ``train``, ``languages``,
``annotate``: learn/suggest, ``official``: predict/evaluate/labels, ``corpus``: batch/stats,
``watch``) and ``report`` (the terminal report).
"""

from . import analyze, annotate, compare, corpus, languages, official, train, watch  # noqa: F401 (commands)
from .main import main

__all__ = ["main"]

"""spinscan: genre, framing and persuasion techniques in news articles."""

from __future__ import annotations

__version__ = "0.10.0"

from .analysis import analyze, default_model_path, get_model  # noqa: E402
from .types import Analysis, Article, Paragraph, Span  # noqa: E402

__all__ = [
    "__version__",
    "analyze",
    "get_model",
    "default_model_path",
    "Analysis",
    "Article",
    "Paragraph",
    "Span",
]

"""The one interface every model kind implements, and loading by directory.

A model is a directory: ``config.json`` (with ``kind``), ``labels.json``, weights of
our own making, ``metrics.json`` (validation scores) and a short ``README.md``.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..labels import TRAIN_LANGUAGES
from ..spans import whole_paragraph_spans
from ..types import Article, Span

log = logging.getLogger(__name__)

_KINDS: dict[str, type[Model]] = {}
# where the built-in kinds live, imported by name when a model of theirs is loaded: this module
# defines the interface they implement and so never imports them
BUILT_IN = {"lexical": "spinscan.models.lexical", "encoder": "spinscan.models.encoder"}
# the models shipped inside the package (the default model and its lexical partner)
PRETRAINED = Path(__file__).resolve().parents[1] / "pretrained"


@dataclass
class Prediction:
    """A model's output for one article, paragraphs in the order of ``article.paragraphs``."""

    genre: str = ""
    genre_scores: dict[str, float] = field(default_factory=dict)
    frames: list[str] = field(default_factory=list)
    frame_scores: dict[str, float] = field(default_factory=dict)
    paragraph_techniques: list[list[str]] = field(default_factory=list)
    paragraph_scores: list[dict[str, float]] = field(default_factory=list)
    # per paragraph, the technique spans located in it; empty lists when the model has no span head
    paragraph_spans: list[list[Span]] = field(default_factory=list)
    # SemEval-2025 Task 10 narratives, where the model has the heads (else empty)
    narratives: list[str] = field(default_factory=list)
    subnarratives: list[str] = field(default_factory=list)
    narrative_scores: dict[str, float] = field(default_factory=dict)
    # SemEval-2025 Task 10 entity roles: one dict per entity (see ``models.roles``)
    entities: list[dict[str, Any]] = field(default_factory=list)
    # why the genre: the paragraphs' subjectivity and satire cues (see ``models.cues``), where learnt
    genre_evidence: dict[str, Any] = field(default_factory=dict)

    def spans_by_paragraph(self, article: Article) -> list[list[Span]]:
        """The spans of each paragraph; for a model without a span head, each chosen technique
        spans its whole (trimmed) paragraph."""
        if self.paragraph_spans:
            return self.paragraph_spans
        return [
            whole_paragraph_spans(p, techs, scores)
            for p, techs, scores in zip(article.paragraphs, self.paragraph_techniques, self.paragraph_scores)
        ]


def trained_languages(config: dict[str, Any], where: str = "config.json") -> tuple[str, ...]:
    """A model's training languages: config ``train.languages`` (the encoder recipe's) or
    ``languages`` (the lexical model's), else the six SemEval training languages; with those of
    its language members (``spinscan learn``)."""
    train = config.get("train")
    found = train.get("languages") if isinstance(train, dict) else None
    found = config.get("languages") if found is None else found
    if found is None:
        return TRAIN_LANGUAGES
    if not isinstance(found, list | tuple) or not all(isinstance(x, str) for x in found):
        raise ModelError(f"{where}: expected the training languages as a list of codes, found {found!r}")
    taught = [lang for m in config.get("language_members") or [] for lang in m.get("languages", [])]
    return tuple(dict.fromkeys([*found, *taught]))  # (a language member's languages trained it too)


def article_head_languages(config: dict[str, Any], where: str = "config.json") -> tuple[str, ...]:
    """The languages whose articles trained the genre and frame heads: the training languages
    without those only a language member taught (``learn`` teaches the techniques and spans)."""
    return trained_languages({k: v for k, v in config.items() if k != "language_members"}, where)


class Model(ABC):
    """Analyses articles for all three subtasks."""

    kind: str = "abstract"

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @property
    def name(self) -> str:
        return str(self.config.get("name", self.kind))

    @property
    def version(self) -> str:
        return str(self.config.get("version", "0"))

    @property
    def trained_languages(self) -> tuple[str, ...]:
        """The languages whose articles trained the model; any other covered language is
        analysed zero-shot."""
        return trained_languages(self.config)

    def zero_shot_heads(self, lang: str | None) -> list[str]:
        """The heads that read ``lang``'s articles zero-shot: all three for a language no article
        trained, genre and frames for one taught only its techniques (``spinscan learn``)."""
        if not lang:
            return []
        if lang not in self.trained_languages:
            return ["genre", "frames", "techniques"]
        return [] if lang in article_head_languages(self.config) else ["genre", "frames"]

    def narrative_languages(self) -> tuple[str, ...]:
        """The languages whose articles trained the narrative heads (none: no such heads)."""
        return tuple((self.config.get("narratives") or {}).get("languages") or ())

    @abstractmethod
    def predict(self, articles: list[Article], subtasks: tuple[int, ...] = (1, 2, 3)) -> list[Prediction]:
        """Predict genre (1), frames (2) and paragraph techniques (3); ``article.lang`` must be set.

        Subtasks not asked for are left empty in the result, and cost nothing.
        """

    @abstractmethod
    def save(self, path: Path) -> None:
        """Write the model directory."""

    @classmethod
    @abstractmethod
    def load(cls, path: Path) -> Model:
        """Read a model directory written by :meth:`save`."""


def register(kind: str):
    """Class decorator: make a model kind loadable by :func:`load_model`."""

    def deco(cls: type[Model]) -> type[Model]:
        cls.kind = kind
        _KINDS[kind] = cls
        return cls

    return deco


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ModelError(
            f"{path}: missing; a model directory needs config.json, labels.json and its weights "
            "(rebuild it with `spinscan train`)"
        ) from e
    except json.JSONDecodeError as e:
        raise ModelError(f"{path}: not valid JSON ({e.msg}, line {e.lineno})") from e
    except (UnicodeDecodeError, ValueError, RecursionError, OSError) as e:  # bytes, deep nesting, a folder
        raise ModelError(f"{path}: not a readable JSON file ({type(e).__name__})") from e


def read_json_object(path: Path) -> dict[str, Any]:
    """A model file that must hold a JSON object."""
    obj = read_json(path)
    if not isinstance(obj, dict):
        raise ModelError(f"{path}: expected a JSON object, found {type(obj).__name__}; rebuild the model")
    return obj


def check_thresholds(path: Path, thresholds: Any) -> dict[str, Any]:
    """thresholds.json: head -> language (or '*') -> label -> number (a model may have none for
    a head it decides otherwise: the genre is the likeliest of three)."""
    ok = isinstance(thresholds, dict) and all(
        isinstance(by_lang, dict)
        and all(
            isinstance(row, dict)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in row.values())
            for row in by_lang.values()
        )
        for by_lang in thresholds.values()
    )
    if not ok:
        raise ModelError(f"{path}: expected head -> language -> label -> number; rebuild the model")
    return thresholds


def write_json(path: Path, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_dir(
    path: Path, config: dict[str, Any], labels: Any, thresholds: Any, tensors: dict[str, np.ndarray]
) -> None:
    """Write the files every model directory has: config, labels, thresholds, weights."""
    from safetensors.numpy import save_file

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    write_json(path / "config.json", config)
    write_json(path / "labels.json", labels)
    write_json(path / "thresholds.json", thresholds)
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(path / "weights.safetensors"))


def read_model_dir(path: Path) -> tuple[dict[str, Any], Any, Any, dict[str, np.ndarray]]:
    """Read what :func:`write_model_dir` wrote; any missing or broken file is a ModelError."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(path)
    config = read_json_object(path / "config.json")
    labels = read_json_object(path / "labels.json")
    thresholds = check_thresholds(path / "thresholds.json", read_json(path / "thresholds.json"))
    try:
        tensors = load_file(str(path / "weights.safetensors"))
    except (OSError, SafetensorError) as e:
        raise ModelError(
            f"{path}/weights.safetensors: cannot read ({e}); rebuild the model with `spinscan train`"
        ) from e
    return config, labels, thresholds, tensors


def load_model(path: str | Path) -> Model:
    """Load any model directory by the ``kind`` in its config.json."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing file must fail, not download
    path = Path(path)
    if not path.is_dir():
        raise ModelError(
            f"{path}: no such model directory; give a model directory (or train one)", setting="model"
        )
    config = read_json_object(path / "config.json")
    kind = config.get("kind")
    if isinstance(kind, str) and kind in BUILT_IN and kind not in _KINDS:
        importlib.import_module(BUILT_IN[kind])  # (it registers itself; the encoder's torch parts load later)
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ModelError(
            f"{path}/config.json: unknown model kind {kind!r}; known kinds: "
            + ", ".join(sorted({*_KINDS, *BUILT_IN}))
        )
    log.info("loading %s model from %s", kind, path)
    try:
        return _KINDS[kind].load(path)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as e:
        # a file of the right kind with a shape no check foresaw: still one line, never a traceback
        raise ModelError(
            f"{path}: a model file has an unexpected shape ({type(e).__name__}: {str(e)[:120]}); "
            "rebuild the model with `spinscan train`"
        ) from e

"""Span decoding settings: a typed, validated form of a model config's ``spans`` entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from ..labels import TECHNIQUES

MODES = ("filtered", "independent")
FIELDS = ("threshold", "mode", "gap", "words", "whole", "units", "content", "thresholds")


@dataclass(frozen=True)
class SpanSettings:
    """How token scores become spans.

    ``mode`` ``filtered``: spans only of the paragraph's chosen techniques, at least one each;
    ``independent``: every run over the threshold. ``threshold`` is the token score a run needs,
    ``thresholds`` a technique's own; runs at most ``gap`` tokens apart are joined; ``words``
    grows runs to whole words; techniques in ``whole`` span their whole paragraph when chosen,
    those in ``units`` the paragraph's sentence or clause that their token scores favour;
    ``content`` drops token runs made only of function words (a lone "the"), keeping for each
    chosen technique its best run that holds a content word.
    """

    threshold: float = 0.5
    mode: str = "filtered"
    gap: int = 1
    words: bool = False
    whole: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    content: bool = True
    thresholds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None, where: str = "spans") -> SpanSettings:
        """Read and check a config entry; any bad field is a ModelError naming it."""
        if d is None:
            return cls()
        if not isinstance(d, dict):
            raise ModelError(f"{where}: expected an object of span settings, found {type(d).__name__}")
        unknown = sorted(set(d) - set(FIELDS))
        if unknown:
            raise ModelError(f"{where}: unknown span setting(s) {', '.join(unknown)}")
        s = cls(
            threshold=d.get("threshold", 0.5),
            mode=d.get("mode", "filtered"),
            gap=d.get("gap", 1),
            words=d.get("words", False),
            whole=tuple(d.get("whole", ())),
            units=tuple(d.get("units", ())),
            content=d.get("content", True),
            thresholds=dict(d.get("thresholds", {})),
        )
        s.check(where)
        return s

    def check(self, where: str = "spans") -> None:
        def bad(what: str, found: Any) -> ModelError:
            return ModelError(f"{where}: expected {what}, found {found!r}")

        if not _is_prob(self.threshold):
            raise bad("threshold: a number in [0, 1]", self.threshold)
        if self.mode not in MODES:
            raise bad(f"mode: one of {', '.join(MODES)}", self.mode)
        if not isinstance(self.gap, int) or isinstance(self.gap, bool) or self.gap < 0:
            raise bad("gap: a whole number >= 0", self.gap)
        if not isinstance(self.words, bool):
            raise bad("words: true or false", self.words)
        if not isinstance(self.content, bool):
            raise bad("content: true or false", self.content)
        for t in (*self.whole, *self.units, *self.thresholds):
            if t not in TECHNIQUES:
                raise bad("technique names (whole, units, thresholds)", t)
        both = sorted(set(self.whole) & set(self.units))
        if both:
            raise bad("each technique in at most one of whole and units", both)
        for t, v in self.thresholds.items():
            if not _is_prob(v):
                raise bad(f"thresholds.{t}: a number in [0, 1]", v)

    def threshold_of(self, technique: str) -> float:
        return self.thresholds.get(technique, self.threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "mode": self.mode,
            "gap": self.gap,
            "words": self.words,
            "whole": list(self.whole),
            "units": list(self.units),
            "content": self.content,
            "thresholds": dict(self.thresholds),
        }


def _is_prob(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and 0.0 <= x <= 1.0

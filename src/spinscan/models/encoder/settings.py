"""The encoder model's settings: a typed, validated form of its config.json, checked at load.

A bad entry fails when the model loads, naming the entry and what it should be, not in
the middle of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ...errors import ModelError
from ...labels import TECHNIQUES, TRAIN_LANGUAGES
from ...spans import SpanSettings
from ..base import article_head_languages, trained_languages

BLENDS = ("techniques", "genre", "frames")
GENRE_FEATURES = ("state", "style", "cues")


def per_language_ok(value, ok) -> bool:
    """``value`` is one setting ``ok`` accepts, or such settings by language with a ``"*"``."""
    return ok(value) or (isinstance(value, dict) and "*" in value and all(ok(v) for v in value.values()))


def per_language_map(value, fn):
    """``fn`` of one setting, or of each language's."""
    return {k: fn(v) for k, v in value.items()} if isinstance(value, dict) else fn(value)


def for_language(value, lang: str | None):
    """A setting for ``lang``'s articles: one for all, or the language's own, else ``"*"``'s."""
    return value.get(lang or "", value["*"]) if isinstance(value, dict) else value


@dataclass(frozen=True)
class ZeroShotSettings:
    """What an article of a language outside the model's training languages gets, chosen by
    leaving each trained language out (``scripts/zero_shot.py``); absent: what the others get."""

    techniques_weight: float | None = None  # the encoder's share beside the lexical partner
    techniques_shift: float = 0.0  # added to every technique threshold
    frames_weight: float | None = None
    frames_shift: float = 0.0
    spans_shift: float = 0.0  # added to the span decoder's token thresholds

    @classmethod
    def from_dict(cls, d: Any, where: str) -> ZeroShotSettings:
        if d is None:
            return cls()
        if not isinstance(d, dict) or set(d) - {f for f in cls.__dataclass_fields__}:
            raise ModelError(
                f"{where}: expected an object with {', '.join(cls.__dataclass_fields__)}, found {d!r}"
            )
        for k, v in d.items():
            lo, hi = (0.0, 1.0) if k.endswith("weight") else (-0.5, 0.5)
            ok = isinstance(v, int | float) and not isinstance(v, bool) and lo <= v <= hi
            if not ok and not (v is None and k.endswith("weight")):
                raise ModelError(f"{where}: {k} should be a number in [{lo}, {hi}], found {v!r}")
        return cls(**{k: (None if v is None else float(v)) for k, v in d.items()})


@dataclass(frozen=True)
class EncoderSettings:
    """What inference needs from an encoder model's config.json."""

    n_frozen: int
    max_tokens: int
    labels: tuple[str, ...]  # the techniques, in the order of the heads' outputs
    members: int  # fine-tuned tops in the weights file
    # the encoder's weight beside the lexical partner per head: one number, or by language ("*": the rest)
    ensemble: dict[str, float | dict[str, float]] = field(default_factory=dict)
    # language | "*" -> one weight per member; absent: members averaged equally
    member_weights: dict[str, tuple[float, ...]] = field(default_factory=dict)
    spans: SpanSettings = field(default_factory=SpanSettings)
    spans_by_language: dict[str, SpanSettings] = field(default_factory=dict)
    lexical: str | None = None  # the lexical partner's directory, relative to the model's
    # what the genre head reads: the article vector ("state") and/or the style features
    genre_features: tuple[str, ...] = ("state",)
    # applied to the blended genre probabilities (calibration): one, or by language ("*": the rest)
    genre_temperature: float | dict[str, float] = 1.0
    # each genre's probability scaled (then renormalised) before the temperature: class priors,
    # per language where chosen for it ("*": the others)
    genre_class_weights: tuple[float, ...] | dict[str, tuple[float, ...]] = (1.0, 1.0, 1.0)
    trained: tuple[str, ...] = TRAIN_LANGUAGES  # the languages whose articles trained the model
    # those whose articles trained the genre and frame heads (not a language member's only)
    trained_articles: tuple[str, ...] = TRAIN_LANGUAGES
    zero_shot: ZeroShotSettings = field(default_factory=ZeroShotSettings)

    @classmethod
    def from_config(
        cls, config: dict[str, Any], n_members: int, where: str = "config.json", layers: int = 12
    ) -> EncoderSettings:
        """Read and check ``config``; ``n_members`` is how many tops the weights hold, ``layers``
        how many layers the backbone has."""

        def need(key: str, kind: type) -> Any:
            v = config.get(key)
            if not isinstance(v, kind) or isinstance(v, bool):
                raise ModelError(f"{where}: expected {key!r} as {kind.__name__}, found {v!r}")
            return v

        n_frozen, max_tokens = need("n_frozen", int), need("max_tokens", int)
        if not 0 <= n_frozen < layers:
            raise ModelError(f"{where}: n_frozen {n_frozen} is not a layer of the backbone (0-{layers - 1})")
        if max_tokens < 8:
            raise ModelError(f"{where}: max_tokens {max_tokens} is too small to read a paragraph")
        labels = tuple(need("labels", list))
        if set(labels) != set(TECHNIQUES) or len(labels) != len(TECHNIQUES):
            raise ModelError(f"{where}: 'labels' must list the {len(TECHNIQUES)} techniques once each")
        ensemble = dict(config.get("ensemble") or {})

        def weight(w) -> bool:
            return isinstance(w, int | float) and not isinstance(w, bool) and 0 <= w <= 1

        for k, w in ensemble.items():
            if k not in BLENDS or not per_language_ok(w, weight):
                raise ModelError(
                    f"{where}: ensemble {k!r}: expected a head of {BLENDS} with a weight in [0, 1], "
                    'or such weights by language with a "*" for the others'
                )
        table = {}
        for lang, w in (config.get("member_weights") or {}).items():
            ok = isinstance(w, list) and all(isinstance(x, int | float) for x in w)
            if not ok or len(w) != n_members or min(w) < 0 or sum(w) <= 0:
                raise ModelError(
                    f"member_weights for {lang!r}: {w} does not fit {n_members} member(s); config.json "
                    "needs one non-negative weight per member, not all 0"
                )
            table[lang] = tuple(float(x) for x in w)
        spans = SpanSettings.from_dict(
            config.get("spans", {"threshold": 0.5, "mode": "filtered", "gap": 1}), f"{where}: spans"
        )
        by_lang = {
            lang: SpanSettings.from_dict(d, f"{where}: spans_by_language.{lang}")
            for lang, d in (config.get("spans_by_language") or {}).items()
        }
        lexical = config.get("lexical")
        if lexical is not None and not isinstance(lexical, str):
            raise ModelError(f"{where}: expected 'lexical' as a directory name, found {lexical!r}")
        genre_features = tuple(config.get("genre_features") or ("state",))
        if not genre_features or not set(genre_features) <= set(GENRE_FEATURES):
            raise ModelError(
                f"{where}: genre_features {list(genre_features)}: expected a list of {GENRE_FEATURES}"
            )
        t = config.get("genre_temperature", 1.0)

        def temp(v) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool) and 0.05 <= v <= 20

        if not per_language_ok(t, temp):
            raise ModelError(
                f"{where}: expected genre_temperature as a number in [0.05, 20], or such numbers by "
                f'language with a "*" for the others, found {t!r}'
            )
        cw = config.get("genre_class_weights", [1.0, 1.0, 1.0])

        def three(x) -> bool:
            return (
                isinstance(x, list) and len(x) == 3 and all(isinstance(v, int | float) and v > 0 for v in x)
            )

        if not per_language_ok(cw, three):
            raise ModelError(
                f"{where}: expected genre_class_weights as 3 positive numbers (opinion, reporting, "
                f'satire), or such lists by language with a "*" for the others, found {cw!r}'
            )
        return cls(
            n_frozen,
            max_tokens,
            labels,
            n_members,
            ensemble,
            table,
            spans,
            by_lang,
            lexical or None,
            genre_features,
            per_language_map(t, float),
            per_language_map(cw, lambda v: tuple(float(x) for x in v)),
            trained_languages(config, where),
            article_head_languages(config, where),
            ZeroShotSettings.from_dict(config.get("zero_shot"), f"{where}: zero_shot"),
        )

    def genre_temperature_for(self, lang: str | None) -> float:
        """The genre temperature of a language: its own where chosen, else ``"*"``."""
        return for_language(self.genre_temperature, lang)

    def genre_weights_for(self, lang: str | None) -> tuple[float, ...]:
        """The genre class weights of a language: its own where chosen, else ``"*"``."""
        return for_language(self.genre_class_weights, lang)

    def member_weights_for(self, lang: str | None) -> tuple[float, ...]:
        """Each member's weight in the average for paragraphs of ``lang`` (they sum to 1)."""
        w = self.member_weights.get(lang or "", self.member_weights.get("*"))
        if w is None:
            return (1.0 / self.members,) * self.members
        return tuple(float(x) / sum(w) for x in w)

    def spans_for(self, lang: str | None) -> SpanSettings:
        """The span settings of a language: its own where chosen for it (a language member's
        probabilities are calibrated apart), else the model's (token thresholds moved as chosen
        for a language analysed zero-shot)."""
        own = self.spans_by_language.get(lang or "")
        if own is not None:
            return own
        d = self.zero_shot.spans_shift if self.unseen(lang) else 0.0
        if not d:
            return self.spans
        moved = {t: round(v + d, 3) for t, v in self.spans.thresholds.items()}
        return replace(self.spans, threshold=round(self.spans.threshold + d, 3), thresholds=moved)

    def unseen(self, lang: str | None, head: str = "techniques") -> bool:
        """Whether ``head`` reads ``lang``'s articles zero-shot (none of them trained it)."""
        return bool(lang) and lang not in (self.trained if head == "techniques" else self.trained_articles)

    def blend(self, head: str, lang: str | None = None) -> float:
        """The encoder's weight beside the lexical partner for ``head`` (for ``lang``'s articles)."""
        z = {"techniques": self.zero_shot.techniques_weight, "frames": self.zero_shot.frames_weight}.get(head)
        if z is not None and self.unseen(lang, head):
            return z
        return float(for_language(self.ensemble.get(head, 1.0), lang))

    def shift(self, head: str, lang: str | None) -> float:
        """What is added to ``head``'s thresholds for ``lang``'s articles (0 but zero-shot)."""
        if not self.unseen(lang, head):
            return 0.0
        return {"techniques": self.zero_shot.techniques_shift, "frames": self.zero_shot.frames_shift}.get(
            head, 0.0
        )

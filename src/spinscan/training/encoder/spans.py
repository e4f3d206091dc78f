"""Span decoding settings chosen on held-out articles, and held-out span scores.

Settings are chosen per technique (its own token threshold, the whole labelled paragraph, or
the paragraph's sentence or clause its token scores favour)
by coordinate ascent on the sum of each language's technique-aware and agnostic F1; reported
scores are cross-fitted over two halves of the held-out articles.
"""

from __future__ import annotations

import logging

import numpy as np

from ...labels import TECHNIQUES
from ...spans import SpanSettings, locate_spans, span_prf
from .run import EncoderRun

log = logging.getLogger(__name__)

SPAN_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)  # per-technique span choices
# annotated on a word or two (median 5% of a paragraph): a whole paragraph would not show a reader
# which words, whatever a noisy held-out objective says
WORD_LEVEL = ("Loaded_Language", "Name_Calling-Labeling")


class HeldoutSpans:
    """Spans of the held-out paragraphs decoded with given settings, and their scores per language.

    ``token_probs`` and ``decisions`` (paragraph labels) are per held-out row of ``run``.
    """

    def __init__(
        self, run: EncoderRun, token_probs: list[np.ndarray], decisions: np.ndarray, tt=None
    ) -> None:
        tab, self.tt = run.data.paragraphs, tt if tt is not None else run.data.token_table()
        self.hi = np.flatnonzero(run.data.heldout())
        self.tp = token_probs
        self.labels = list(TECHNIQUES)
        self.chosen = [[self.labels[j] for j in np.flatnonzero(decisions[k])] for k in range(len(self.hi))]
        known = self.tt.known or [True] * len(self.tt.ids)  # (rows with paragraph labels only: no span gold)
        self.arts = sorted({self.tt.ids[i] for i in self.hi if known[i]})
        self.lang_of = {self.tt.ids[i]: str(tab.langs[i]) for i in self.hi}
        self.gold = [(a, t, s, e) for a in self.arts for t, s, e in self.tt.gold[a]]

    def predict(self, cfg: dict | SpanSettings) -> list[tuple[str, str, int, int]]:
        """Spans of the held-out rows decoded with ``cfg`` (settings, or their config dict)."""
        settings = cfg if isinstance(cfg, SpanSettings) else SpanSettings.from_dict(cfg)
        tt, rows = self.tt, []
        arts = set(self.arts)
        for k, i in enumerate(self.hi):
            if tt.ids[i] not in arts:
                continue
            args = (
                tt.starts[i],
                tt.ends[i],
                self.labels,
                self.chosen[k],
                settings,
                tt.bounds[i],
                tt.texts[tt.ids[i]],
                None,
                self.lang_of[tt.ids[i]],
            )
            for sp in locate_spans(self.tp[k], *args):
                rows.append((tt.ids[i], sp.technique, sp.start, sp.end))
        return rows

    def f1(self, pred, sel, aware=True) -> float:
        gold = [g for g in self.gold if g[0] in sel]
        return span_prf([r for r in pred if r[0] in sel], gold, aware)["f1"]

    def by_lang(self, pred, sel=None) -> dict:
        sel = set(self.arts) if sel is None else sel
        out = {}
        for aware in (True, False):
            f = {"all": self.f1(pred, sel, aware)}
            for lang in sorted(set(self.lang_of.values())):
                f[lang] = self.f1(pred, {a for a in sel if self.lang_of[a] == lang}, aware)
            out["aware" if aware else "agnostic"] = {k: round(v, 4) for k, v in f.items()}
        return out

    def choose(self, sel: set[str]) -> dict:
        """Threshold and mode by grid, then per technique: its own threshold or the whole paragraph.

        The objective is aware + agnostic F1 of each language of the articles ``sel``, summed
        (pooled F1 let the large languages decide for all): some techniques (Doubt,
        Appeal_to_Fear-Prejudice, ...) are annotated on whole sentences, which token runs miss,
        and word-level ones (Loaded_Language, Name_Calling) want a threshold of their own.
        """
        lang_of, labels = self.lang_of, self.labels
        by = [{a for a in sel if lang_of[a] == lang} for lang in sorted({lang_of[a] for a in sel})]

        def objective(cfg: dict) -> float:
            pred = self.predict(cfg)
            return sum(self.f1(pred, part, aware) for part in by for aware in (True, False))

        # token runs are not bridged (gap 0) and grow to whole words: on the held-out articles
        # of 0.2.1 that raised aware F1 in every language (.264 -> .277 with the same settings)
        grid = [
            {"threshold": float(t), "mode": m, "gap": 0, "words": True, "whole": [], "units": []}
            | {"thresholds": {}}
            for m in ("filtered", "independent")
            for t in np.round(np.arange(0.1, 0.51, 0.05), 2)
        ]
        scores = [objective(c) for c in grid]
        best, score = grid[int(np.argmax(scores))], max(scores)
        counts = {t: sum(t in c for c in self.chosen) for t in labels}
        options = [*SPAN_THRESHOLDS, "whole", "units"]
        for _ in range(2):  # coordinate ascent over the techniques, twice
            for t in sorted(labels, key=lambda t: -counts[t]):
                if not counts[t]:
                    continue
                for opt in options:
                    if opt in ("whole", "units") and t in WORD_LEVEL:
                        continue
                    cand = _with_option(best, t, opt)
                    if cand == best:
                        continue
                    s2 = objective(cand)
                    if s2 > score + 1e-4:
                        best, score = cand, s2
        return best

    def cross_fitted(self, seed: int) -> list[tuple[str, str, int, int]]:
        """Spans of each half of the articles decoded with the settings the other half chose."""
        half = set(np.random.RandomState(seed).permutation(self.arts)[: len(self.arts) // 2].tolist())
        cross = []
        for fit in (half, set(self.arts) - half):
            cross += [r for r in self.predict(self.choose(fit)) if r[0] not in fit]
        return cross


def _with_option(cfg: dict, t: str, opt) -> dict:
    """``cfg`` with technique ``t`` decoded by ``opt``: a token threshold, "whole" or "units"."""
    whole = [w for w in cfg["whole"] if w != t] + ([t] if opt == "whole" else [])
    units = [w for w in cfg.get("units", []) if w != t] + ([t] if opt == "units" else [])
    thr = {k: v for k, v in cfg["thresholds"].items() if k != t}
    if opt not in ("whole", "units") and opt != cfg["threshold"]:
        thr[t] = opt
    return dict(cfg, whole=sorted(whole), units=sorted(units), thresholds=dict(sorted(thr.items())))


def spans(run: EncoderRun, epoch: int, decisions: np.ndarray) -> tuple[dict, dict]:
    """Span decoding settings chosen on held-out articles, and the held-out span scores.

    ``decisions`` are the held-out paragraph labels (cross-fitted). Scores reported for the
    chosen setting are cross-fitted over two halves of the held-out articles.
    """
    hs = HeldoutSpans(run, run.heldout_token_probs(epoch), decisions)
    tt, hi, chosen = hs.tt, hs.hi, hs.chosen
    best = hs.choose(set(hs.arts))
    whole = [
        (tt.ids[i], t, *tt.bounds[i]) for k, i in enumerate(hi) for t in chosen[k]
    ]  # the baseline: paragraph labels as whole-paragraph spans
    metrics = {
        "chosen": best,
        "heldout": hs.by_lang(hs.cross_fitted(run.cfg.seed)),
        "heldout_in_sample": hs.by_lang(hs.predict(best)),
        "whole_paragraph_baseline": hs.by_lang(whole),
    }
    log.info("spans held-out: %s", metrics)
    return best, metrics

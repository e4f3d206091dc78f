"""What a language no article of which trained the model should get, chosen by leaving each
trained language out and treating it as unseen.

Techniques: the encoder recipe's held-out train articles (never trained on; English = the PTC
dev articles) are read by the shipped encoder; the lexical partner is refitted twice, on the
other articles of all six languages ("trained") and on the other articles of the five others,
its vocabulary too ("unseen"). For an unseen language the candidates are the encoder's weight
beside the lexical partner and a shift of every technique threshold; the choice is the best mean
over the six languages as unseen, kept only when the choice made on five languages beats the
trained languages' settings on the sixth, on average (nested; reported beside it). The encoder's
fine-tuned layers saw the other articles of the left-out language (refitting them six times is
about five hours here), so the unseen scores lean optimistic by what those layers learnt of it.

Frames: both heads refitted without the language (the article vector is the mean state after
the frozen layers, which never trained on anything of ours: honest), the blend weight and a
threshold shift chosen the same way. Spans follow the paragraph labels, with the decoder's
settings as shipped.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..labels import FRAMES, TECHNIQUES
from ..models.base import read_json
from ..models.heads import StandardisedHead, thresholds_for
from ..models.lexical import Featurizer
from ..spans import locate_spans, span_prf
from ..types import Article
from .lexical import fit_head
from .selection import micro_f1, reliability_row

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
TECHNIQUE_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # the encoder's share of the blend
FRAME_WEIGHTS = (0.2, 0.4, 0.6, 0.8, 1.0)
SHIFTS = (-0.075, -0.05, -0.025, 0.0, 0.025, 0.05, 0.075)  # added to every threshold
LANGS = ("en", "fr", "ge", "it", "po", "ru")


@dataclass
class Readings:
    """Per held-out paragraph: language, article, gold, encoder and both lexical probabilities,
    and what the span decoder needs."""

    langs: np.ndarray
    ids: list[str]
    y: np.ndarray
    enc: np.ndarray
    lex_trained: np.ndarray
    lex_unseen: np.ndarray
    tokens: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    bounds: list[tuple[int, int]] = field(default_factory=list)
    windows: list[list] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    gold: dict[str, list[tuple[str, str, int, int]]] = field(default_factory=dict)


def technique_readings(
    data_dir: str | Path, model, lexical_dir: str | Path, progress: Progress | None = None
):
    """The held-out paragraphs read by ``model``'s encoder, with the lexical partner refitted
    with and without each language (see the module's docstring)."""
    from .encoder.run import EncoderRun

    lex_cfg = read_json(Path(lexical_dir) / "config.json")["features"]
    c = read_json(Path(lexical_dir) / "metrics.json")["chosen"]["techniques"]["C"]
    with tempfile.TemporaryDirectory() as work:
        run = EncoderRun(data_dir, work)
        tab, held = run.data.paragraphs, run.data.heldout()
        langs = np.asarray(tab.langs)

        def lexical(train: np.ndarray, test: np.ndarray, what: str) -> np.ndarray:
            if progress:
                progress(what, 0, 1)
            feat = Featurizer.fit([t for t, k in zip(tab.texts, train) if k], lex_cfg)
            x = feat.transform(tab.texts)
            return fit_head(x[train], tab.y[train], c, list(TECHNIQUES)).proba(x[test])

        trained = lexical(~held, held, "lexical partner, six languages")
        unseen = np.zeros_like(trained)
        hl = langs[held]
        for lang in LANGS:
            unseen[hl == lang] = lexical(
                ~held & (langs != lang), held & (langs == lang), f"lexical without {lang}"
            )
        ids = set(tab.groups[held].tolist())
        arts = [
            a
            for lang in run.cfg.languages  # the table's row order
            for a in run.ds.articles(lang, "train", 3)
            if a.techniques is not None and a.id in ids
        ]
    r = Readings(hl, [], tab.y[held], np.zeros_like(trained), trained, unseen)
    k = 0
    for n, a in enumerate(arts, start=1):
        enc = model.encode_paragraphs(a.paragraphs, [a.lang] * len(a.paragraphs))
        for i, p in enumerate(a.paragraphs):
            r.enc[k] = enc.probs[i]
            r.ids.append(a.id)
            r.tokens.append((enc.token_probs[i], enc.starts[i], enc.ends[i]))
            r.bounds.append(p.trimmed)
            r.windows.append(enc.windows[i])
            k += 1
        r.texts[a.id] = a.text
        r.gold[a.id] = [(a.id, s.technique, s.start, s.end) for s in a.spans or []]
        if progress:
            progress("reading the held-out articles", n, len(arts))
    if k != len(r.y):
        raise RuntimeError("held-out paragraphs and the table disagree; the data changed during the run")
    return r


def decisions(p: np.ndarray, base: np.ndarray, shift: float) -> np.ndarray:
    """Labels at or over their thresholds moved by ``shift``."""
    return p >= np.clip(base + shift, 0.01, 0.99)


def language_scores(y: np.ndarray, pred: np.ndarray, langs: np.ndarray) -> dict[str, float]:
    return {lang: round(micro_f1(y[langs == lang], pred[langs == lang]), 4) for lang in LANGS}


def choose(
    scores: dict[tuple, dict[str, float]], default: tuple
) -> tuple[tuple, dict[str, float], dict[str, float]]:
    """The candidate with the best mean over the languages (ties: the default, then the first),
    its scores, and each language's score with the choice made on the five others (nested).

    The default (a trained language's settings) stays unless the nested mean beats it: a change
    is kept only when choosing it on five languages helps the sixth, on average."""

    def mean(cand, skip=None) -> float:
        return float(np.mean([v for k, v in scores[cand].items() if k != skip]))

    def best(skip=None):
        return max(scores, key=lambda cand: (round(mean(cand, skip), 4), cand == default))

    nested = {lang: scores[best(lang)][lang] for lang in LANGS}
    chosen = best() if np.mean(list(nested.values())) > mean(default) else default
    return chosen, scores[chosen], nested


def shipped_scores(chosen: tuple, default: tuple, unseen: dict, nested: dict) -> dict[str, float]:
    """What an unseen language can expect from what ships: the default's scores when it stayed
    (nothing was chosen on them), else the nested ones (the choice made without the language)."""
    return unseen if chosen == default else nested


def technique_choice(r: Readings, thresholds: dict, trained_weight: float) -> dict[str, Any]:
    """Scores as trained, as unseen with the settings of a trained language (what 0.4.0 did with
    ``--lang``), and as unseen with the chosen weight and shift."""
    base = thresholds_for(thresholds, "*", list(TECHNIQUES))
    table = {}
    for w in TECHNIQUE_WEIGHTS:
        p = w * r.enc + (1 - w) * r.lex_unseen
        for s in SHIFTS:
            table[(w, s)] = language_scores(r.y, decisions(p, base, s), r.langs)
    (w, s), unseen, nested = choose(table, (trained_weight, 0.0))
    trained = trained_weight * r.enc + (1 - trained_weight) * r.lex_trained
    return {
        "weight": w,
        "shift": s,
        "trained": language_scores(r.y, decisions(trained, base, 0.0), r.langs),
        "unseen_as_trained": table[(trained_weight, 0.0)],
        "unseen_chosen": unseen,
        "unseen_nested": nested,
        "unseen_shipped": shipped_scores((w, s), (trained_weight, 0.0), unseen, nested),
        "grid": {f"{a} {b:+.3f}": v for (a, b), v in table.items()},
    }


def span_scores(r: Readings, pred: np.ndarray, settings, weight: float, blended: np.ndarray, base) -> dict:
    """SemEval-2020 T11 span F1 (technique-aware) per language of the spans decoded for ``pred``."""
    labels = list(TECHNIQUES)
    rows: dict[str, list] = {lang: [] for lang in LANGS}
    for k, (tp, st, en) in enumerate(r.tokens):
        chosen = [labels[j] for j in np.flatnonzero(pred[k])]
        if not chosen:
            continue
        units = window_units(r.windows[k], blended[k], r.enc[k], weight, base, chosen)
        art = r.ids[k]
        lang = str(r.langs[k])
        for sp in locate_spans(tp, st, en, labels, chosen, settings, r.bounds[k], r.texts[art], units, lang):
            rows[str(r.langs[k])].append((art, sp.technique, sp.start, sp.end))
    out = {}
    for lang in LANGS:
        arts = {a for a, g in zip(r.ids, r.langs) if g == lang}
        gold = [g for a in arts for g in r.gold[a]]
        out[lang] = round(span_prf(rows[lang], gold, True)["f1"], 4)
    return out


def window_units(wins, blended, enc_p, w: float, base: np.ndarray, chosen: list[str]):
    """As the model's ``_window_units``: per chosen technique, the windows that have it."""
    if not wins:
        return {}
    labels = list(TECHNIQUES)
    units: dict[str, list[tuple[int, int]]] = {t: [] for t in chosen}
    for s, e, pw in wins:
        row = blended + w * (pw - enc_p)
        for t in chosen:
            if row[labels.index(t)] >= base[labels.index(t)]:
                units[t].append((s, e))
    for t in chosen:
        if not units[t]:
            j = labels.index(t)
            s, e, _ = max(wins, key=lambda it: it[2][j])
            units[t] = [(s, e)]
    return units


SPAN_SHIFTS = (-0.1, -0.05, 0.0, 0.05, 0.1)  # added to the span decoder's token thresholds


def shifted_spans(settings, shift: float):
    """Span settings with every token threshold moved by ``shift`` (as inference moves them)."""
    import dataclasses

    moved = {t: round(v + shift, 3) for t, v in settings.thresholds.items()}
    return dataclasses.replace(settings, threshold=round(settings.threshold + shift, 3), thresholds=moved)


def spans_of_choice(r: Readings, thresholds: dict, settings, choice: dict, trained_weight: float) -> dict:
    """Span F1 per language: trained, unseen as a trained language, unseen with the chosen
    paragraph settings; and the span decoder's token thresholds moved for unseen languages,
    kept by the same rule as the others (``shift``)."""
    base = thresholds_for(thresholds, "*", list(TECHNIQUES))
    out: dict[str, Any] = {}
    for name, lex, w, s in (
        ("trained", r.lex_trained, trained_weight, 0.0),
        ("unseen_as_trained", r.lex_unseen, trained_weight, 0.0),
        ("unseen_chosen", r.lex_unseen, choice["weight"], choice["shift"]),
    ):
        p = w * r.enc + (1 - w) * lex
        out[name] = span_scores(r, decisions(p, base, s), settings, w, p, np.clip(base + s, 0.01, 0.99))
    w, s = choice["weight"], choice["shift"]
    p = w * r.enc + (1 - w) * r.lex_unseen
    pred, moved = decisions(p, base, s), np.clip(base + s, 0.01, 0.99)
    grid = {(d,): span_scores(r, pred, shifted_spans(settings, d), w, p, moved) for d in SPAN_SHIFTS}
    (shift,), _, nested = choose(grid, (0.0,))
    out.update(shift=shift, unseen_nested=nested, grid={f"{d:+.2f}": v for (d,), v in grid.items()})
    out["unseen_shipped"] = shipped_scores((shift,), (0.0,), grid[(shift,)], nested)
    return out


def frame_choice(
    data_dir: str | Path,
    model,
    model_dir: str | Path,
    lexical_dir: str | Path,
    cache=None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Frames as trained (grouped 5-fold CV over the six languages) and as unseen (both heads
    refitted without the language), with the blend weight and threshold shift chosen for unseen."""
    from ..semeval.data import Dataset
    from .selection import group_folds
    from .states import cached_article_states
    from .tables import build_tables

    tab = build_tables(Dataset(data_dir), LANGS)["frames"]
    langs = np.asarray(tab.langs)
    arts = [Article(id=str(g), text=t, lang=str(lg)) for t, lg, g in zip(tab.texts, langs, tab.groups)]
    v = cached_article_states(model, arts, cache, progress, "article vectors for frames")
    lex_cfg = read_json(Path(lexical_dir) / "config.json")["features"]
    lex_c = read_json(Path(lexical_dir) / "metrics.json")["chosen"]["frames"]["C"]
    enc_c = read_json(Path(model_dir) / "metrics.json")["frames_cv"]["C"]
    trained_weight = model.settings.blend("frames")

    def heads(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, scale = v[train].mean(0), v[train].std(0) + 1e-6
        h = fit_head((v[train] - mean) / scale, tab.y[train], enc_c, list(FRAMES))
        enc = StandardisedHead(list(FRAMES), h.coef, h.intercept, False, mean, scale).proba(v[test])
        feat = Featurizer.fit([t for t, k in zip(tab.texts, train) if k], lex_cfg)
        x = feat.transform(tab.texts)
        return enc, fit_head(x[train], tab.y[train], lex_c, list(FRAMES)).proba(x[test])

    enc_u, lex_u = np.zeros(tab.y.shape), np.zeros(tab.y.shape)
    for n, lang in enumerate(LANGS, start=1):
        m = langs == lang
        enc_u[m], lex_u[m] = heads(~m, m)
        if progress:
            progress("frames, each language left out", n, len(LANGS))
    enc_t, lex_t = np.zeros(tab.y.shape), np.zeros(tab.y.shape)
    for n, (tr, te) in enumerate(group_folds(tab.groups, 5, 13), start=1):
        a, b = np.zeros(len(langs), bool), np.zeros(len(langs), bool)
        a[tr], b[te] = True, True
        enc_t[b], lex_t[b] = heads(a, b)
        if progress:
            progress("frames, grouped 5-fold CV", n, 5)
    th = model.thresholds["frames"]
    table = {}
    base = thresholds_for(th, "*", list(FRAMES))
    for w in FRAME_WEIGHTS:
        p = w * enc_u + (1 - w) * lex_u
        for s in SHIFTS:
            table[(w, s)] = language_scores(tab.y, decisions(p, base, s), langs)
    (w, s), unseen, nested = choose(table, (trained_weight, 0.0))
    p_t = trained_weight * enc_t + (1 - trained_weight) * lex_t
    trained = {
        lang: round(
            micro_f1(tab.y[langs == lang], p_t[langs == lang] >= thresholds_for(th, lang, list(FRAMES))), 4
        )
        for lang in LANGS
    }
    return {
        "weight": w,
        "shift": s,
        "trained": trained,
        "unseen_as_trained": table[(trained_weight, 0.0)],
        "unseen_chosen": unseen,
        "unseen_nested": nested,
        "unseen_shipped": shipped_scores((w, s), (trained_weight, 0.0), unseen, nested),
    }


def reliability_by_label(r: Readings, thresholds: dict, choice: dict) -> dict[str, dict[str, Any]]:
    """Per technique, precision and recall of the marks made as unseen (all six languages pooled)."""
    base = thresholds_for(thresholds, "*", list(TECHNIQUES))
    w, s = choice["weight"], choice["shift"]
    pred = decisions(w * r.enc + (1 - w) * r.lex_unseen, base, s)
    return {
        t: reliability_row(
            int(pred[:, j].sum()), int((pred[:, j] & (r.y[:, j] == 1)).sum()), int(r.y[:, j].sum())
        )
        for j, t in enumerate(TECHNIQUES)
    }

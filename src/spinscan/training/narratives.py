"""The narrative heads (SemEval-2025 Task 10 subtask 2) learnt from the article vector.

Both heads read what the genre and frame heads read, the mean frozen-layer state of the
article's paragraphs (so they cost a matrix product at inference): one-vs-rest logistic
regressions over the 21 narratives and the 95 subnarratives of the two taxonomies (the Ukraine
war, climate change). The decision follows the taxonomy: the narratives over their threshold
(else ``Other``); under each, its subnarratives over theirs (else ``<narrative>: Other``).

Validation folds are by text (the release holds one text under several ids), five of them over
all languages together; the C and the two thresholds are chosen on the out-of-fold
probabilities for the mean over languages of the narrative and subnarrative samples-F1, and the
same folds give the majority baseline (the training folds' most frequent label set, per language).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..models.heads import StandardisedHead
from ..models.narratives import decide_narratives
from ..semeval.t10 import OTHER, T10Article, samples_f1, text_folds
from .lexical import fit_head

log = logging.getLogger(__name__)

C_GRID = (0.03, 0.1, 0.3)
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.1, 0.75, 0.05))


@dataclass
class Taxonomy:
    narratives: list[str]  # without Other
    subnarratives: list[str]  # without Other and the "<narrative>: Other" entries

    @classmethod
    def from_files(cls, labels_dir: str | Path) -> Taxonomy:
        d = Path(labels_dir)
        narr = [x.strip() for x in (d / "subtask2_narratives.txt").read_text(encoding="utf-8").splitlines()]
        sub = [x.strip() for x in (d / "subtask2_subnarratives.txt").read_text(encoding="utf-8").splitlines()]
        narr = [x for x in narr if x and x != OTHER]
        sub = [x for x in sub if x and x != OTHER and not x.endswith(": Other")]
        return cls(narr, sub)


def decide(
    tax: Taxonomy, pn: np.ndarray, ps: np.ndarray, tn: float, ts: float
) -> tuple[list[str], list[str]]:
    """Narratives and subnarratives of one article from their probabilities (see the module)."""
    return decide_narratives(tax.narratives, tax.subnarratives, pn, ps, tn, ts)


def targets(tax: Taxonomy, arts: list[T10Article]) -> tuple[np.ndarray, np.ndarray]:
    yn = np.array([[n in (a.narratives or []) for n in tax.narratives] for a in arts], dtype=np.int8)
    ys = np.array([[s in (a.subnarratives or []) for s in tax.subnarratives] for a in arts], dtype=np.int8)
    return yn, ys


def _fit(x: np.ndarray, y: np.ndarray, c: float, labels: list[str]) -> StandardisedHead:
    mean, scale = x.mean(0), x.std(0) + 1e-6
    h = fit_head((x - mean) / scale, y, c, labels)
    return StandardisedHead(
        labels, h.coef, h.intercept, False, mean.astype(np.float32), scale.astype(np.float32)
    )


def by_language(arts: list[T10Article], pred: dict[str, tuple[list[str], list[str]]]) -> dict[str, Any]:
    """Samples-F1 of narratives and subnarratives of the articles in ``pred``, per language and
    their mean."""
    out: dict[str, Any] = {}
    for lang in sorted({a.lang for a in arts if a.id in pred}):
        mine = [a for a in arts if a.lang == lang and a.id in pred]
        n = samples_f1({a.id: a.narratives or [] for a in mine}, {i: p[0] for i, p in pred.items()})
        s = samples_f1({a.id: a.subnarratives or [] for a in mine}, {i: p[1] for i, p in pred.items()})
        out[lang] = {"narratives": round(n, 4), "subnarratives": round(s, 4)}
    out["mean"] = {
        k: round(float(np.mean([v[k] for v in out.values()])), 4) for k in ("narratives", "subnarratives")
    }
    return out


def scores(tax, arts, pn, ps, tn, ts) -> dict[str, Any]:
    """Samples-F1 per language of the decisions at thresholds ``tn`` and ``ts``."""
    return by_language(arts, {a.id: decide(tax, pn[i], ps[i], tn, ts) for i, a in enumerate(arts)})


def majority(arts: list[T10Article], folds: np.ndarray) -> dict[str, Any]:
    """Each held-out article given its language's most frequent label sets in the other folds."""
    pred = {}
    for f in sorted(set(folds.tolist())):
        train = [a for a, g in zip(arts, folds) if g != f]
        for a, g in zip(arts, folds):
            if g == f:
                same = [b for b in train if b.lang == a.lang]
                n = Counter(tuple(b.narratives or []) for b in same).most_common(1)[0][0]
                s = Counter(tuple(b.subnarratives or []) for b in same).most_common(1)[0][0]
                pred[a.id] = (list(n), list(s))
    return by_language(arts, pred)


def choose(
    tax: Taxonomy, arts: list[T10Article], x: np.ndarray
) -> tuple[dict[str, Any], StandardisedHead, StandardisedHead]:
    """C and thresholds by out-of-fold samples-F1; the heads refitted on every article."""
    arts_x = [(a, v) for a, v in zip(arts, x) if a.narratives is not None]
    arts, x = [a for a, _ in arts_x], np.stack([v for _, v in arts_x])
    yn, ys = targets(tax, arts)
    folds = text_folds(arts)
    best: tuple[float, Any] | None = None
    for c in C_GRID:
        pn, ps = np.zeros(yn.shape, np.float32), np.zeros(ys.shape, np.float32)
        for f in range(folds.max() + 1):
            tr, te = folds != f, folds == f
            pn[te] = _fit(x[tr], yn[tr], c, tax.narratives).proba(x[te])
            ps[te] = _fit(x[tr], ys[tr], c, tax.subnarratives).proba(x[te])
        for tn in THRESHOLDS:
            for ts in THRESHOLDS:
                s = scores(tax, arts, pn, ps, tn, ts)["mean"]
                obj = s["narratives"] + s["subnarratives"]
                if best is None or obj > best[0]:
                    best = (
                        obj,
                        {"c": c, "narrative_threshold": tn, "subnarrative_threshold": ts, "pn": pn, "ps": ps},
                    )
        log.info("narratives: C %s done, best so far %.4f", c, best[0] if best else 0)
    assert best is not None
    chosen = best[1]
    tn, ts = chosen["narrative_threshold"], chosen["subnarrative_threshold"]
    report = {
        "c": chosen["c"],
        "narrative_threshold": chosen["narrative_threshold"],
        "subnarrative_threshold": chosen["subnarrative_threshold"],
        "articles": len(arts),
        "folds": "5, by text (one text under several ids stays in one fold)",
        "cross_validated": scores(tax, arts, chosen["pn"], chosen["ps"], tn, ts),
        "majority_baseline": majority(arts, folds),
    }  # fmt: skip
    hn = _fit(x, yn, chosen["c"], tax.narratives)
    hs = _fit(x, ys, chosen["c"], tax.subnarratives)
    return report, hn, hs


def add_task10_heads(
    model_dir: str | Path,
    release_dir: str | Path,
    out_dir: str | Path,
    state_cache: str | Path | None = None,
    progress=None,
    max_articles: int | None = None,
) -> dict[str, Any]:
    """Write a copy of the encoder model at ``model_dir`` with narrative and entity-role heads
    learnt from a SemEval-2025 Task 10 release (``<LANG>/raw-documents``, its subtask-1 and
    subtask-2 annotations, and the taxonomy's ``labels/`` in it or beside it); returns the
    validation report (also in metrics.json and the card)."""
    from ..errors import DataError
    from ..models.base import load_model, read_json, write_json
    from ..models.roles import FINE_ROLES
    from ..semeval.t10 import CODES, read_release
    from ..types import Article
    from .cards import NARRATIVES_HEADING, ROLES_HEADING, narratives_section, roles_section
    from .genre import replace_section
    from .roles import choose as choose_roles
    from .roles import mention_sentence_articles
    from .states import cached_paragraph_states

    release_dir, out_dir = Path(release_dir), Path(out_dir)
    labels_dir = next(
        (d for d in (release_dir / "labels", release_dir.parent / "labels") if d.is_dir()), None
    )
    if labels_dir is None:
        raise DataError(f"{release_dir}: no labels/ folder (the taxonomy) in it or beside it")
    tax = Taxonomy.from_files(labels_dir)
    model = load_model(model_dir)
    arts = read_release(release_dir)
    if max_articles:  # the first N of each language (a quick run)
        arts = [
            a
            for lang in sorted({a.lang for a in arts})
            for a in [b for b in arts if b.lang == lang][:max_articles]
        ]
    docs = [Article(a.id, a.text.replace("\r", ""), CODES.get(a.lang, a.lang.lower())) for a in arts]
    states = cached_paragraph_states(model, docs, state_cache, progress)
    arts = [a for a in arts if a.id in states]
    x = np.stack([states[a.id][0].mean(0) for a in arts]).astype(np.float32)
    report, hn, hs = choose(tax, arts, x)
    languages = sorted({CODES.get(a.lang, a.lang.lower()) for a in arts})
    report["languages"] = languages
    sentences = mention_sentence_articles(arts, states)
    sentence_cache = Path(state_cache).with_name("mention-sentences.npz") if state_cache else None
    sentence_states = cached_paragraph_states(
        model,
        list({a.id: a for a in sentences.values()}.values()),
        sentence_cache,
        progress,
        "reading the mentions' sentences",
    )
    roles, heads = choose_roles(arts, x, states, list(FINE_ROLES), sentence_states, sentences)
    roles["languages"] = languages
    model.article_heads["narratives"], model.article_heads["subnarratives"] = hn, hs
    model.roles = heads
    model.config["narratives"] = {
        "languages": languages,
        "narrative_threshold": report["narrative_threshold"],
        "subnarrative_threshold": report["subnarrative_threshold"],
        "c": report["c"],
        "trained_on": "SemEval-2025 Task 10 training release (research use only)",
    }
    model.config["roles"] = {
        "languages": languages,
        "fine_threshold": roles["fine_threshold"],
        "c": roles["c"],
        "features": roles["features"],
    }
    model.save(out_dir)
    src = Path(model_dir)
    metrics = read_json(src / "metrics.json") if (src / "metrics.json").is_file() else {}
    metrics["narratives"], metrics["entity_roles"] = report, roles
    write_json(out_dir / "metrics.json", metrics)
    card = (src / "README.md").read_text(encoding="utf-8") if (src / "README.md").is_file() else ""
    for heading in (NARRATIVES_HEADING, ROLES_HEADING):  # (a model that had the heads: replaced)
        card = replace_section(card, "", heading).rstrip()
    card = card.rstrip() + "\n" + narratives_section(report) + roles_section(roles)
    (out_dir / "README.md").write_text(card, encoding="utf-8")
    return {"narratives": report, "entity_roles": roles}

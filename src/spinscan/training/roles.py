"""Entity-role heads (SemEval-2025 Task 10 subtask 1): who is cast as protagonist, antagonist or
innocent, and in which of the 22 fine roles.

A mention is read through what the model already computes: the frozen-layer state of the
paragraph it stands in, the article's mean state, and the entity's own record (the share of each
main role its name had in the training articles, smoothed; none for an unknown name). A softmax
regression chooses the main role; one-vs-rest regressions the fine roles, of which the best of the
chosen main role is always given and the others of that main role where over a threshold.

The names seen in at least two training articles make the gazetteer that finds mentions in any
text at inference (no NER model fits the budget offline); the given mentions of the official
files need none. Validation: five folds by text; the record of a name counts only the other
folds' articles; the majority baseline (each language's most frequent main role and fine-role
set in the other folds) on the same folds.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from ..models.roles import MAIN_ROLES, RoleHeads, mention_sentences, name_key, prior_of
from ..semeval.t10 import CODES, T10Article, text_folds
from ..types import Article
from .lexical import fit_head

log = logging.getLogger(__name__)

C_GRID = (0.003, 0.01, 0.03)
FINE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 1.01)  # 1.01: the best fine role alone
MIN_ARTICLES = 2  # a name in the gazetteer was seen in at least this many training articles


def mention_sentence_articles(arts: list[T10Article], paragraph_states) -> dict[tuple[str, int], Article]:
    """Per mention with a role, (article id, its start): the sentence holding it as a
    one-paragraph Article keyed ``<id>:<sentence start>`` (what the model reads at inference;
    offsets of the text without its CRs)."""
    out = {}
    for a in arts:
        if a.id not in paragraph_states:
            continue
        text = a.text.replace("\r", "")
        bounds = [(int(x), int(y)) for x, y in paragraph_states[a.id][1]]
        ms = [m for m in a.mentions if m.main_role]
        starts = [m.start - a.text.count("\r", 0, m.start) for m in ms]
        for m, (x, y) in zip(ms, mention_sentences(text, starts, bounds)):
            out[(a.id, m.start)] = Article(f"{a.id}:{x}", text[x:y], CODES.get(a.lang, a.lang.lower()))
    return out


def mention_rows(arts: list[T10Article], paragraph_states, sentence_states=None, sentences=None):
    """(article index, mention, its state row) of every mention with a role: the state of the
    paragraph holding its start (offsets of the text without its CRs, as the model read it),
    after its sentence's (``sentence_states`` by the keys of ``sentences``) where given."""
    rows = []
    for i, a in enumerate(arts):
        if a.id not in paragraph_states:
            continue
        states, bounds = paragraph_states[a.id]
        for m in a.mentions:
            if not m.main_role:
                continue
            s = m.start - a.text.count("\r", 0, m.start)
            k = int(np.searchsorted(bounds[:, 0], s, side="right")) - 1
            row = np.asarray(states[max(0, k)], dtype=np.float32)
            if sentence_states is not None:
                sid = sentences[(a.id, m.start)].id
                row = np.concatenate([np.asarray(sentence_states[sid][0][0], dtype=np.float32), row])
            rows.append((i, m, row))
    return rows


def records(arts: list[T10Article], rows, keep) -> dict[str, Counter]:
    """Main-role counts per entity name over the rows whose article index is in ``keep``."""
    rec: dict[str, Counter] = defaultdict(Counter)
    for i, m, _ in rows:
        if i in keep:
            rec[name_key(m.entity)][m.main_role] += 1
    return rec


def features(article_means: np.ndarray, rows, rec: dict[str, Counter]) -> np.ndarray:
    return np.stack(
        [np.concatenate([p, article_means[i], prior_of(rec.get(name_key(m.entity)))]) for i, m, p in rows]
    ).astype(np.float32)


def _fit(x, y, c, labels, softmax: bool):
    mean, scale = x.mean(0), x.std(0) + 1e-6
    h = fit_head((x - mean) / scale, y, c, labels, sample_weight=np.ones(len(x)) if softmax else None)
    return h, mean, scale


def choose(
    arts: list[T10Article], article_means: np.ndarray, paragraph_states, fine_labels: list[str],
    sentence_states=None, sentences=None,
):  # fmt: skip
    """C and the fine-role threshold by out-of-fold accuracy + exact match; the heads refitted
    on everything; the report with per-language scores and the majority baseline. With
    ``sentence_states`` (of :func:`mention_sentence_articles`' ``sentences``) a mention is also
    read through its own sentence."""
    rows = mention_rows(arts, paragraph_states, sentence_states, sentences)
    folds = text_folds(arts)
    fold_of_row = np.array([folds[i] for i, _, _ in rows])
    y_main = np.array([MAIN_ROLES.index(m.main_role) for _, m, _ in rows])
    y_fine = np.array([[f in m.fine_roles for f in fine_labels] for _, m, _ in rows], dtype=np.int8)
    best = None
    for c in C_GRID:
        pm = np.zeros((len(rows), len(MAIN_ROLES)), np.float32)
        pf = np.zeros((len(rows), len(fine_labels)), np.float32)
        for f in range(5):
            tr, te = fold_of_row != f, fold_of_row == f
            keep = {i for i, g in enumerate(folds) if g != f}
            x = features(article_means, rows, records(arts, rows, keep))
            h, mu, sd = _fit(x[tr], y_main[tr], c, list(MAIN_ROLES), True)
            pm[te] = h.proba((x[te] - mu) / sd)
            h, mu, sd = _fit(x[tr], y_fine[tr], c, fine_labels, False)
            pf[te] = h.proba((x[te] - mu) / sd)
        for t in FINE_THRESHOLDS:
            s = scores(arts, rows, pm, pf, fine_labels, t)["mean"]
            if best is None or s["main_role_accuracy"] + s["fine_role_emr"] > best[0]:
                best = (s["main_role_accuracy"] + s["fine_role_emr"], c, t, pm.copy(), pf.copy())
        log.info("roles: C %s done", c)
    assert best is not None
    _, c, t, pm, pf = best
    rec = records(arts, rows, set(range(len(arts))))
    x = features(article_means, rows, rec)
    hm, mu, sd = _fit(x, y_main, c, list(MAIN_ROLES), True)
    hf, _, _ = _fit(x, y_fine, c, fine_labels, False)
    seen: dict[str, set] = defaultdict(set)
    for i, m, _ in rows:
        seen[name_key(m.entity)].add(i)
    names = {n: dict(rec[n]) for n, ids in seen.items() if len(ids) >= MIN_ARTICLES and len(n) >= 2}
    heads = RoleHeads(hm, hf, mu, sd, t, names, sentence_states is not None)
    reads = (["sentence"] if sentence_states is not None else []) + ["paragraph", "article", "record"]
    report = {
        "c": c, "fine_threshold": t, "mentions": len(rows), "gazetteer_names": len(names),
        "features": reads,
        "folds": "5, by text (one text under several ids stays in one fold); a name's record from the "
        "other folds",
        "cross_validated": scores(arts, rows, pm, pf, fine_labels, t),
        "majority_baseline": majority(arts, rows, folds),
    }  # fmt: skip
    return report, heads


def scores(arts, rows, pm, pf, fine_labels, t) -> dict[str, Any]:
    from ..models.roles import decide_roles

    hits: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for (i, m, _), a, b in zip(rows, pm, pf):
        main, fine = decide_roles(a, b, fine_labels, t)
        hits[arts[i].lang].append((main == m.main_role, set(fine) == set(m.fine_roles)))
    return _summary(hits)


def majority(arts, rows, folds) -> dict[str, Any]:
    hits: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for f in range(5):
        train = [(arts[i].lang, m) for i, m, _ in rows if folds[i] != f]
        for i, m, _ in rows:
            if folds[i] == f:
                same = [x for lang, x in train if lang == arts[i].lang]
                main = Counter(x.main_role for x in same).most_common(1)[0][0]
                fine = Counter(tuple(sorted(x.fine_roles)) for x in same).most_common(1)[0][0]
                hits[arts[i].lang].append((main == m.main_role, set(fine) == set(m.fine_roles)))
    return _summary(hits)


def _summary(hits: dict[str, list[tuple[bool, bool]]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        lang: {
            "main_role_accuracy": round(float(np.mean([h[0] for h in v])), 4),
            "fine_role_emr": round(float(np.mean([h[1] for h in v])), 4),
            "mentions": len(v),
        }
        for lang, v in sorted(hits.items())
    }
    out["mean"] = {
        k: round(float(np.mean([v[k] for v in out.values()])), 4)
        for k in ("main_role_accuracy", "fine_role_emr")
    }
    return out

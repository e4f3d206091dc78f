#!/usr/bin/env python
"""Span shapes on the held-out train articles: before and after, per language and technique group.

The shipped encoder model reads the encoder recipe's 196 held-out train articles (never trained
on; English = the 75 PTC dev articles); its paragraph labels blend the encoder with a lexical
model refitted on the other articles (as ``scripts/span_targets.py`` does), so nothing seen in
training decides a label. Then the spans are decoded

- as spinscan 0.2.4 did (``content`` off: token runs of function words allowed),
- with the content rule (no span made only of function words),
- with sentence-level techniques moved from "whole paragraph" to their best sentence or clause
  where that wins on the articles that choose it (cross-fitted over two halves),

and scored with the SemEval-2020 T11 metric (aware / agnostic). It also reports how often the
train spans of sentence-level techniques begin and end on a sentence or clause boundary, and the
precision and recall of whole-paragraph spans against their focus sentence.

Usage: python scripts/span_shapes.py [--data DIR] [--cache FILE]   (about 5 minutes; --cache
keeps the readings for the next run)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from spinscan.labels import TECHNIQUES  # noqa: E402
from spinscan.models.base import load_model  # noqa: E402
from spinscan.models.heads import decide  # noqa: E402
from spinscan.models.lexical import Featurizer  # noqa: E402
from spinscan.spans import SpanSettings, locate_spans, span_prf  # noqa: E402
from spinscan.spans.stopwords import has_content  # noqa: E402
from spinscan.spans.units import candidates  # noqa: E402
from spinscan.training.encoder.finish import heldout_lexical_probs  # noqa: E402
from spinscan.training.encoder.run import EncoderRun  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PRETRAINED = ROOT / "src" / "spinscan" / "pretrained"
WORD_GROUP = (
    "Loaded_Language",
    "Name_Calling-Labeling",
    "Repetition",
    "Slogans",
    "Exaggeration-Minimisation",
)
LANGS = ("en", "fr", "ge", "it", "po", "ru")


def readings(data: str, model_dir: Path, lexical_dir: Path) -> list[dict]:
    """Per held-out article: text, gold spans and per paragraph the model's token readings."""
    with tempfile.TemporaryDirectory() as work:
        run = EncoderRun(data, work)
        tab, held = run.data.paragraphs, run.data.heldout()
        lex = load_model(lexical_dir)
        feat = Featurizer.fit([t for t, h in zip(tab.texts, held) if not h], lex.config["features"])
        c = json.loads((lexical_dir / "metrics.json").read_text())["chosen"]["techniques"]["C"]
        plex = heldout_lexical_probs(run, feat, c)
        hi = np.flatnonzero(held)
        ids = set(tab.groups[hi].tolist())
        arts = [
            a
            for lang in sorted(set(tab.langs[hi].tolist()))
            for a in run.ds.articles(lang, "train", 3)
            if a.id in ids and a.techniques is not None
        ]
    model = load_model(model_dir)
    w, labels, out, k = model.settings.blend("techniques"), list(TECHNIQUES), [], 0
    for a in arts:
        enc = model.encode_paragraphs(a.paragraphs, [a.lang] * len(a.paragraphs))
        paras = []
        for i, p in enumerate(a.paragraphs):
            blended = w * enc.probs[i] + (1 - w) * plex[k]
            k += 1
            _, chosen = decide(model.thresholds["techniques"], a.lang, labels, blended)
            units = model._window_units(enc.windows[i], blended, enc.probs[i], w, a.lang, labels, chosen)
            paras.append(
                {"bounds": p.trimmed, "tp": enc.token_probs[i], "starts": enc.starts[i]}
                | {"ends": enc.ends[i], "chosen": chosen, "units": units}
                | {"truth": list((a.techniques or {}).get(p.line_no, []))}
            )
        gold = [(a.id, s.technique, s.start, s.end) for s in a.spans or []]
        out.append({"id": a.id, "lang": a.lang, "text": a.text, "paras": paras, "gold": gold})
    return out


def decode(arts: list[dict], settings: SpanSettings, sel: set[str] | None = None) -> list:
    rows = []
    for a in arts:
        if sel is not None and a["id"] not in sel:
            continue
        for p in a["paras"]:
            args = (p["starts"], p["ends"], list(TECHNIQUES), p["chosen"], settings, p["bounds"])
            for s in locate_spans(p["tp"], *args, a["text"], p["units"], a["lang"]):
                rows.append((a["id"], s.technique, s.start, s.end, s))
    return rows


def scores(arts: list[dict], rows: list, techs=None, sel=None) -> dict:
    """Aware and agnostic F1 per language (and all), over the techniques ``techs``."""
    out = {}
    for aware in (True, False):
        d = {}
        for lang in ("all", *LANGS):
            ids = {a["id"] for a in arts if lang in ("all", a["lang"]) and (sel is None or a["id"] in sel)}
            pred = [r[:4] for r in rows if r[0] in ids and (techs is None or r[1] in techs)]
            gold = [g for a in arts if a["id"] in ids for g in a["gold"] if techs is None or g[1] in techs]
            d[lang] = round(span_prf(pred, gold, aware)["f1"], 4)
        out["aware" if aware else "agnostic"] = d
    return out


def objective(arts, settings, sel) -> float:
    s = scores(arts, decode(arts, settings, sel), sel=sel)
    return sum(v for k in s for lang, v in s[k].items() if lang != "all")


def choose_units(arts: list[dict], base: SpanSettings, sel: set[str]) -> SpanSettings:
    """Per sentence-level technique: its best sentence or clause instead of its current shape,
    kept when the objective (aware + agnostic F1 summed over languages) on ``sel`` rises."""
    best, score = base, objective(arts, base, sel)
    for t in TECHNIQUES:
        if t in WORD_GROUP[:2]:
            continue
        cand = dataclasses.replace(
            best,
            whole=tuple(w for w in best.whole if w != t),
            units=tuple(sorted({*best.units, t})),
            thresholds={k: v for k, v in best.thresholds.items() if k != t},
        )
        s = objective(arts, cand, sel)
        if s > score + 1e-4:
            best, score = cand, s
    return best


def boundary_habits(arts: list[dict]) -> dict:
    """Share of gold spans of sentence-level techniques that begin / end within 2 characters of
    a sentence or clause boundary of their paragraph."""
    starts = ends = n = 0
    for a in arts:
        for p in a["paras"]:
            s0, e0 = p["bounds"]
            cands = candidates(a["text"], s0, e0)
            bs, be = {s for s, _ in cands}, {e for _, e in cands}
            for _, t, s, e in a["gold"]:
                if t in WORD_GROUP or not (s0 <= s and e <= e0):
                    continue
                n += 1
                starts += any(abs(s - b) <= 2 for b in bs)
                ends += any(abs(e - b) <= 2 for b in be)
    n = max(n, 1)
    return {"spans": n, "start_on_boundary": round(starts / n, 3), "end_on_boundary": round(ends / n, 3)}


def focus_precision(arts: list[dict], rows: list) -> dict:
    """Whole-paragraph spans against their focus: technique-aware precision / recall of each."""
    by_art = defaultdict(list)
    for a in arts:
        by_art[a["id"]] = a["gold"]
    whole = [r[:4] for r in rows if r[4].focus_start is not None]
    focus = [(r[0], r[1], r[4].focus_start, r[4].focus_end) for r in rows if r[4].focus_start is not None]
    techs = {r[1] for r in whole}
    gold = [g for a in arts for g in a["gold"] if g[1] in techs]
    res = {}
    for name, pred in (("whole paragraph", whole), ("focus", focus)):
        m = span_prf(pred, gold, True)
        res[name] = {k: round(m[k], 3) for k in ("precision", "recall", "f1", "n_pred")}
    return res


def arguments(description: str) -> argparse.ArgumentParser:
    """The options of the scripts that read the held-out articles this way (this one and
    ``label_reliability.py``)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval2023"))
    ap.add_argument("--model", default=str(PRETRAINED / "encoder-0.2"))
    ap.add_argument("--lexical", default=str(PRETRAINED / "lexical-0.1"))
    ap.add_argument("--cache", help="a file to keep the readings in between runs (shared by both scripts)")
    return ap


def load_readings(args: argparse.Namespace) -> list[dict]:
    """The readings, from ``--cache`` when it holds them (written there otherwise)."""
    if args.cache and Path(args.cache).is_file():
        return pickle.loads(Path(args.cache).read_bytes())
    arts = readings(args.data, Path(args.model), Path(args.lexical))
    if args.cache:
        Path(args.cache).write_bytes(pickle.dumps(arts))
    return arts


def main() -> None:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    arts = load_readings(args)
    shipped = load_model(args.model).settings.spans
    before = dataclasses.replace(shipped, content=False)
    after = dataclasses.replace(shipped, content=True)
    ids = sorted(a["id"] for a in arts)
    half = set(np.random.RandomState(0).permutation(ids)[: len(ids) // 2].tolist())
    crossed, chosen = [], []
    for fit in (half, set(ids) - half):
        s = choose_units(arts, after, fit)
        chosen.append(sorted(s.units))
        crossed += [r for r in decode(arts, s) if r[0] not in fit]
    on_all = choose_units(arts, after, set(ids))
    txt = {a["id"]: (a["text"], a["lang"]) for a in arts}
    out = {}
    for name, rows in (("0.2.4 decoder", decode(arts, before)), ("content rule", decode(arts, after))) + (
        ("content rule + units (cross-fitted)", crossed),
    ):
        stop = sum(not has_content(txt[r[0]][0][r[2] : r[3]], txt[r[0]][1]) for r in rows)
        out[name] = {
            "all techniques": scores(arts, rows),
            "word/phrase group": scores(arts, rows, set(WORD_GROUP)),
            "sentence group": scores(arts, rows, set(TECHNIQUES) - set(WORD_GROUP)),
            "spans": len(rows),
            "function-word-only spans": stop,
            "spans of <= 3 characters": sum(r[3] - r[2] <= 3 for r in rows),
        }
    out["units chosen per half"] = chosen
    out["units chosen on all"] = sorted(on_all.units)
    out["focus vs whole paragraph (technique-aware)"] = focus_precision(arts, decode(arts, after))
    out["train-span boundaries (sentence group, held-out articles)"] = boundary_habits(arts)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

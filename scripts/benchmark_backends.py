#!/usr/bin/env python
"""The default model on its two backends, side by side in one run: held-out scores and speed.

The held-out articles are the encoder recipe's (15% of each language's train articles by seed;
English: the PTC dev articles), never trained on. Both backends use the model's thresholds and
span settings, so any difference is the backend's. Usage:
  python scripts/benchmark_backends.py [--data ../shared/data/semeval2023] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spinscan.analysis import get_model  # noqa: E402
from spinscan.labels import TECHNIQUES  # noqa: E402
from spinscan.spans import span_scores  # noqa: E402
from spinscan.training.encoder.run import EncoderRun  # noqa: E402
from spinscan.training.selection import micro_f1  # noqa: E402


def heldout_articles(data: str, subtask: int = 3):
    """The encoder recipe's held-out train articles, as the folder of ``subtask`` has them."""
    with tempfile.TemporaryDirectory() as work:
        run = EncoderRun(data, work)
        ids = set(run.data.paragraphs.groups[run.data.heldout()].tolist())
        return [
            a for lang in run.cfg.languages for a in run.ds.articles(lang, "train", subtask) if a.id in ids
        ]


def score(model, arts) -> dict:
    t0 = time.perf_counter()
    preds = [p for i in range(0, len(arts), 16) for p in model.predict(arts[i : i + 16])]
    seconds = time.perf_counter() - t0
    out: dict = {
        "seconds": round(seconds, 1),
        "paragraphs_per_s": 0.0,
        "st3": {},
        "spans_aware": {},
        "spans_agnostic": {},
    }
    n_par = 0
    for lang in sorted({a.lang for a in arts}):
        y, d, pred_spans, gold_spans = [], [], [], []
        for a, p in zip(arts, preds):
            if a.lang != lang:
                continue
            for par, techs in zip(a.paragraphs, p.paragraph_techniques):
                gold = set((a.techniques or {}).get(par.line_no, []))
                y.append([t in gold for t in TECHNIQUES])
                d.append([t in techs for t in TECHNIQUES])
            pred_spans += [(a.id, s.technique, s.start, s.end) for ps in p.spans_by_paragraph(a) for s in ps]
            gold_spans += [(a.id, s.technique, s.start, s.end) for s in a.spans or []]
        n_par += len(y)
        out["st3"][lang] = round(micro_f1(np.array(y), np.array(d)), 4)
        s = span_scores(pred_spans, gold_spans)
        out["spans_aware"][lang] = round(s["aware"]["f1"], 4)
        out["spans_agnostic"][lang] = round(s["agnostic"]["f1"], 4)
    out["paragraphs_per_s"] = round(n_par / seconds, 1)
    out["paragraphs"] = n_par
    return out, preds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval2023"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    arts = heldout_articles(args.data)
    res, preds = {}, {}
    for backend in ("torch", "onnx"):
        model = get_model(backend=backend)
        model.predict(arts[:1])  # build and warm up outside the timing
        res[backend], preds[backend] = score(model, arts)
    same = [
        a == b
        for pt, po in zip(preds["torch"], preds["onnx"])
        for a, b in zip(pt.paragraph_techniques, po.paragraph_techniques)
    ]
    decisions = [
        (t in a) == (t in b)
        for pt, po in zip(preds["torch"], preds["onnx"])
        for a, b in zip(pt.paragraph_techniques, po.paragraph_techniques)
        for t in TECHNIQUES
    ]
    res["agreement"] = {
        "paragraph_labels_equal": round(float(np.mean(same)), 4),
        "paragraph_technique_decisions_equal": round(float(np.mean(decisions)), 5),
        "genre_equal": round(
            float(np.mean([a.genre == b.genre for a, b in zip(preds["torch"], preds["onnx"])])), 4
        ),
        "frames_equal": round(
            float(np.mean([a.frames == b.frames for a, b in zip(preds["torch"], preds["onnx"])])), 4
        ),
    }
    res["articles"] = len(arts)
    print(json.dumps(res, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()

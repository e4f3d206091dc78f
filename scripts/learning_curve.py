#!/usr/bin/env python
"""The learning curve of `spinscan learn`, and what one round costs.

Articles no part of the default encoder trained on: the encoder recipe's held-out train
articles of one language (English: the 75 SemEval-2020 dev articles). A fixed set of them is
kept for scoring; from the others, 10, 25, 50 (as many as there are) are written as a Label
Studio export (spans as regions, offsets in UTF-16 units) and taught with `spinscan learn`
(default settings) in a subprocess, timed with its peak memory. The base and each taught model
then analyse the scoring set: paragraph technique micro-F1 and technique-aware span F1.

The language trained the base model, so this measures what the team's own articles add on top of
a trained language; a new language starts lower and has more to gain.

Usage: python scripts/learning_curve.py [--lang en] [--sizes 10 25 50] [--score 25] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def heldout_articles(data: str, lang: str) -> list:
    import tempfile

    from spinscan.training.encoder.run import EncoderRun

    with tempfile.TemporaryDirectory() as work:
        run = EncoderRun(data, work)
        tab, held = run.data.paragraphs, run.data.heldout()
        ids = set(tab.groups[held & (tab.langs == lang)].tolist())
        return [a for a in run.ds.articles(lang, "train", 3) if a.id in ids and a.techniques is not None]


def label_studio_export(articles: list, path: Path) -> None:
    from spinscan.annotations.label_studio import points_to_utf16

    tasks = []
    for n, a in enumerate(articles, start=1):
        result = [
            {"id": f"r{k}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": points_to_utf16(a.text, s.start), "end": points_to_utf16(a.text, s.end),
                       "text": a.text[s.start : s.end], "labels": [s.technique]}}
            for k, s in enumerate(a.spans or [])
        ]  # fmt: skip
        ann = [{"id": 1, "was_cancelled": False, "result": result}]
        tasks.append({"id": n, "data": {"text": a.text, "id": a.id, "lang": a.lang}, "annotations": ann})
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")


def score(model_dir: str, articles: list) -> dict:
    import numpy as np

    from spinscan.analysis import analyze, get_model
    from spinscan.labels import TECHNIQUES
    from spinscan.spans import span_prf
    from spinscan.training.selection import micro_f1

    m = get_model(model_dir)
    ys, ps, pred_spans, gold_spans = [], [], [], []
    for a in articles:
        r = analyze(a.text, lang=a.lang, model=m, id=a.id, keep_clutter=True)
        got = {p.line_no: p for p in r.paragraphs}
        for p in a.paragraphs:
            ys.append([t in a.techniques.get(p.line_no, []) for t in TECHNIQUES])
            ps.append([t in got[p.line_no].techniques for t in TECHNIQUES])
            pred_spans += [(a.id, s.technique, s.start, s.end) for s in got[p.line_no].spans]
        gold_spans += [(a.id, s.technique, s.start, s.end) for s in a.spans or []]
    return {
        "techniques": round(micro_f1(np.array(ys), np.array(ps)), 4),
        "spans": round(span_prf(pred_spans, gold_spans, True)["f1"], 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval2023"))
    ap.add_argument("--lang", default="en")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50])
    ap.add_argument("--score", type=int, default=25, help="articles kept for scoring")
    ap.add_argument("--work", default=str(ROOT / "runs" / "learning_curve"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    arts = heldout_articles(args.data, args.lang)
    random.Random(13).shuffle(arts)
    scoring, pool = arts[: args.score], arts[args.score :]
    print(
        f"{args.lang}: {len(arts)} held-out articles; {len(scoring)} for scoring, {len(pool)} to teach with"
    )
    base = score(str(ROOT / "src" / "spinscan" / "pretrained" / "encoder-0.2"), scoring)
    print("| taught with | paragraph techniques micro-F1 | span F1 (aware) | learn: s | peak MB | written |")
    print("|---|---|---|---|---|---|")
    print(f"| 0 (the default model) | {base['techniques']:.3f} | {base['spans']:.3f} | | | |", flush=True)
    for n in args.sizes:
        if n > len(pool):
            continue
        export = work / f"teach-{n}.json"
        label_studio_export(pool[:n], export)
        out = work / f"model-{n}"
        for d in (out, work / f"model-{n}.work"):
            subprocess.run(["rm", "-rf", str(d)], check=True)
        t0 = time.time()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        cmd = [sys.executable, "-m", "spinscan", "learn", str(export), "--out", str(out), "--json", "--force"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.time() - t0
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        if r.returncode != 0:
            print(f"| {n} | failed: {r.stderr.strip()[-300:]} |")
            continue
        report = json.loads(r.stdout.strip().splitlines()[-1])
        got = score(str(out), scoring)
        print(f"| {n} | {got['techniques']:.3f} | {got['spans']:.3f} | {wall:.0f} | {peak:.0f} | "
              f"{'yes' if report['better'] else 'no (forced here)'} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

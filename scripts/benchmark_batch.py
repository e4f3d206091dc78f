#!/usr/bin/env python
"""Throughput of `spinscan batch`: 1 and 2 local workers and a local Ray cluster.

The input is the official test articles of the 9 languages, repeated (with new ids) to at
least --articles articles. The encoder's paragraph cache is turned off, so that a repeated
article costs what a new one does. Each run is its own process and store; the numbers are
the batch's own summary (articles per minute over the whole run, start-up included, and the
peak RSS of each worker).
Usage: python scripts/benchmark_batch.py --data ../shared/data/semeval2023 [--articles 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def make_input(data: Path, n: int, out: Path) -> int:
    from spinscan.reading.sources import iter_items, list_inputs

    base = [i for i in iter_items(list_inputs([data])) if i.source.endswith("/test") and not i.error]
    rows, k = [], 0
    while len(rows) < n:
        for it in base:
            rows.append(json.dumps({"id": f"r{k}-{it.lang}-{it.id}", "text": it.text, "lang": it.lang}))
        k += 1
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def run(inp: Path, db: Path, model: str | None, workers: int, engine: str) -> dict:
    cmd = [sys.executable, "-m", "spinscan", "batch", str(inp), "--out", str(db), "-j", str(workers),
           "--engine", engine, "--json"]  # fmt: skip
    if model:
        cmd += ["--model", model]
    env = {**os.environ, "SPINSCAN_CACHE_PARAGRAPHS": "0"}
    env.pop("RAY_ADDRESS", None)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{p.stderr[-3000:]}")
    summary = json.loads(p.stdout)
    summary["wall_s"] = round(time.perf_counter() - t0, 1)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/semeval2023")
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--model", default=None, help="model directory (default: the shipped default)")
    ap.add_argument("--runs", default="local:1,local:2,ray:2", help="engine:workers, comma-separated")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "in.jsonl"
        n = make_input(args.data, args.articles, inp)
        print(f"{n} articles (test articles of 9 languages, repeated)", flush=True)
        for spec in args.runs.split(","):
            engine, workers = spec.split(":")
            s = run(inp, Path(tmp) / f"{engine}-{workers}.sqlite", args.model, int(workers), engine)
            row = {"engine": engine, "workers": int(workers), "articles": s["ok"] + s["errors"],
                   "errors": s["errors"], "seconds": s["seconds"], "wall_s": s["wall_s"],
                   "articles_per_minute": s["articles_per_minute"], "model": s["model"],
                   "peak_rss_mb_per_worker": sorted(s["peak_rss_mb"].values())}  # fmt: skip
            results.append(row)
            print(json.dumps(row), flush=True)
    print("\n| engine | workers | articles | articles/min | wall (s) | peak RSS per worker (MB) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        rss = ", ".join(str(x) for x in r["peak_rss_mb_per_worker"])
        print(f"| {r['engine']} | {r['workers']} | {r['articles']} | {r['articles_per_minute']:.0f} | "
              f"{r['wall_s']:.0f} | {rss} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Two models side by side on what the genre head changes (issue 29), in one run.

1. The saved web pages of ``web-articles`` (real news the heads never saw), read and analysed as
   ``spinscan analyze page.html`` does: how many each model calls reporting, opinion, satire
   (pages in a language the model refuses are counted apart).
2. The example article: each model's genre and scores.
3. Cold ``spinscan analyze --json`` of the example, interleaved runs: wall seconds and peak RSS.

Usage: python scripts/benchmark_genre.py --old DIR --new DIR --web ../shared/data/web-articles \
           --example ../shared/examples/mailonline-putin-warning-2022-03-16.txt
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


def pages(folder: Path) -> list[tuple[str, bytes]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [(truth[k].get("url", k), gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()))
            for k in sorted(truth)]  # fmt: skip


def genres_of_pages(model_dir: str, web: list[tuple[str, bytes]]) -> dict:
    from spinscan.analysis import analyze, get_model
    from spinscan.errors import SpinscanError
    from spinscan.reading import read_bytes

    m = get_model(model_dir)
    calls, satire, refused, uncertain, cue = Counter(), [], Counter(), 0, Counter()
    for url, html in web:
        try:
            doc = read_bytes(html, url, "text/html")
            a = analyze(doc.text, model=m, skipped=doc.skipped)
        except SpinscanError as e:
            refused[e.code] += 1
            continue
        calls[a.genre] += 1
        uncertain += a.genre_uncertain
        ev = a.genre_evidence
        if ev:  # the evidence shown (models since spinscan-encoder 0.7.0)
            cue["with evidence"] += 1
            cue["satire cue shown"] += ev["satire_cue"] is not None
            cue["satire cue >= .5"] += (ev["satire_cue"] or 0) >= 0.5
            cue["most paragraphs subjective"] += ev["subjective_share"] > 0.5
        if a.genre == "satire":
            satire.append((url, round(a.genre_scores["satire"], 2)))
    return {"calls": dict(calls), "refused": dict(refused), "satire": satire, "uncertain": uncertain,
            "evidence": dict(cue)}  # fmt: skip


def cold(model_dir: str, example: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "spinscan", "analyze", "--json", example, "--model", model_dir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--web", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    # the cold runs first: a child's peak RSS counts its parent's at the fork, so the parent stays small
    runs = {"old": [], "new": []}
    for _ in range(args.runs):
        for name, d in (("old", args.old), ("new", args.new)):
            runs[name].append(cold(d, args.example))
    out = {}
    for name in runs:
        walls = [w for w, _ in runs[name]]
        out[name] = {
            "cold": {
                "median_s": round(statistics.median(walls), 2),
                "runs_s": [round(w, 2) for w in walls],
                "peak_mb": round(max(r for _, r in runs[name])),
            }
        }
    from spinscan.analysis import analyze, get_model

    web = pages(Path(args.web))
    text = Path(args.example).read_text(encoding="utf-8")
    for name, d in (("old", args.old), ("new", args.new)):
        a = analyze(text, model=get_model(d))
        out[name] |= {"pages": genres_of_pages(d, web), "example": [a.genre, a.genre_scores]}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Web-page reading on ../shared/data/web-articles: spinscan's extracted body against the true
article text (the benchmark's shingle F1), for the saved HTML pages and for the same pages as
pasted text, with the time per page. The same code path as `spinscan extract --json`.

Usage: python scripts/benchmark_extraction.py [--data ../shared/data/web-articles] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spinscan.reading import read_bytes  # noqa: E402
from spinscan.reading.metric import extraction_scores  # noqa: E402


def measure(data: Path) -> dict[str, dict]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    out = {}
    for kind in ("html", "pasted"):
        pairs, seconds, failed = [], 0.0, 0
        for key, gt in truth.items():
            path = data / kind / (f"{key}.html.gz" if kind == "html" else f"{key}.txt")
            raw = gzip.decompress(path.read_bytes()) if kind == "html" else path.read_bytes()
            t0 = time.perf_counter()
            try:
                body = read_bytes(raw, path.name.removesuffix(".gz"), url=gt.get("url")).body
            except Exception:  # a page it cannot read scores 0, as in the benchmark
                body, failed = "", failed + 1
            seconds += time.perf_counter() - t0
            pairs.append((gt["articleBody"], body))
        s = extraction_scores(pairs)
        s.update(ms_per_page=1000 * seconds / len(pairs), failed=failed)
        out[kind] = {k: round(v, 4) if isinstance(v, float) else v for k, v in s.items()}
        # for scale: every line of the page (pasted) kept
        if kind == "pasted":
            every = [
                (gt["articleBody"], (data / kind / f"{k}.txt").read_text("utf-8")) for k, gt in truth.items()
            ]
            out["pasted, every line kept"] = {k: round(v, 4) for k, v in extraction_scores(every).items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "web-articles"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = measure(Path(args.data))
    if args.json:
        print(json.dumps(res, indent=2))
        return
    print("| input | pages | precision | recall | F1 | ms/page |")
    print("|---|---|---|---|---|---|")
    for kind, s in res.items():
        ms = f"{s['ms_per_page']:.0f}" if "ms_per_page" in s else "-"
        print(f"| {kind} | {s['pages']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {ms} |")


if __name__ == "__main__":
    main()

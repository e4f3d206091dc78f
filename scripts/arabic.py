#!/usr/bin/env python
"""Arabic through `spinscan learn`: the held-out test, the learning curve, the model release.

``split``: 20 % of the ArMPro V2 articles (by page, seeded) are the test: their news paragraphs,
scored as whole articles. Every item of those pages (ArAIEval 2023 paragraphs of the same page
too) is left out of the rest, which is what `learn` is given, as the data's own JSONL, unchanged.
``score MODEL..``: paragraph technique micro-F1 and technique-aware span F1 on the test.
``curve``: `learn` on 50, 200, 1,000 and all training items (drawn at random, seeded), each in a
subprocess, timed with its peak memory, then scored.

Usage: python scripts/arabic.py split|score MODEL..|curve [--sizes 50 200 1000 0] [--work DIR]
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
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "arabic" / "arabic-techniques.jsonl"
TEST_SHARE, SEED = 0.2, 13


def page_of(item: dict) -> str | None:
    if item["type"] == "tweet":
        return None
    return (item.get("meta") or {}).get("page_id") or item["id"].split(":", 1)[1].rsplit("_", 1)[0]


def split(work: Path) -> None:
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = sorted({page_of(i) for i in items if i["source"] == "armpro_v2"})
    test_pages = set(random.Random(SEED).sample(pages, round(TEST_SHARE * len(pages))))
    test = [i for i in items if i["source"] == "armpro_v2" and page_of(i) in test_pages]
    train = [i for i in items if page_of(i) not in test_pages]
    work.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", train), ("test", test)):
        with open(work / f"{name}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    left = len(items) - len(test) - len(train)
    print(f"{len(pages)} ArMPro pages, {len(test_pages)} test pages: {len(test)} test paragraphs, "
          f"{len(train)} training items ({left} more left out: same pages)")  # fmt: skip


def test_articles(work: Path) -> list:
    """The test pages as articles: their paragraphs in order, one a line, spans shifted."""
    from spinscan.types import Article, Span

    by_page: dict[str, list[dict]] = defaultdict(list)
    for line in (work / "test.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        by_page[page_of(item)].append(item)
    out = []
    for page, items in sorted(by_page.items()):
        items.sort(key=lambda i: i["id"])
        text, spans, techniques = "", [], {}
        for i in items:
            para = i["text"].replace("\n", " ")  # (a paragraph is one line; same length)
            base = len(text)
            techniques[len(techniques) + 1] = list(i["techniques"])
            spans += [Span(s["technique"], base + s["start"], base + s["end"], 1.0) for s in i["spans"]]
            text += para + "\n"
        out.append(Article(id=page, text=text, lang="ar", techniques=techniques, spans=spans))
    return out


def score(model_dir: str, articles: list) -> dict:
    import numpy as np

    from spinscan.analysis import analyze, get_model
    from spinscan.labels import TECHNIQUES
    from spinscan.spans import span_prf
    from spinscan.training.selection import micro_f1

    m = get_model(model_dir)
    ys, ps, pred_spans, gold_spans = [], [], [], []
    for a in articles:
        r = analyze(a.text, lang="ar", model=m, id=a.id, keep_clutter=True)
        got = {p.line_no: p for p in r.paragraphs}
        for p in a.paragraphs:
            ys.append([t in a.techniques.get(p.line_no, []) for t in TECHNIQUES])
            ps.append([t in got[p.line_no].techniques for t in TECHNIQUES])
            pred_spans += [(a.id, s.technique, s.start, s.end) for s in got[p.line_no].spans]
        gold_spans += [(a.id, s.technique, s.start, s.end) for s in a.spans]
    prf = span_prf(pred_spans, gold_spans, True)
    return {
        "techniques": round(micro_f1(np.array(ys), np.array(ps)), 4),
        "spans": round(prf["f1"], 4),
        "paragraphs": len(ys),
    }


def curve(work: Path, sizes: list[int], epochs: int) -> None:
    train = (work / "train.jsonl").read_text(encoding="utf-8").splitlines()
    arts = test_articles(work)
    base = score(str(ROOT / "src" / "spinscan" / "pretrained" / "encoder-0.2"), arts)
    print(f"test: {len(arts)} articles, {base['paragraphs']} paragraphs")
    print(
        "| taught with | paragraph micro-F1 | span F1 (aware) | learn: wall s | peak MB | learn's verdict |"
    )
    print("|---|---|---|---|---|---|")
    print(f"| 0 (zero-shot) | {base['techniques']:.3f} | {base['spans']:.3f} | | | |", flush=True)
    for n in sizes:
        rows = list(train)
        if n:
            rows = random.Random(SEED).sample(rows, n)
        name = str(n or "all")
        src = work / f"teach-{name}.jsonl"
        src.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = work / f"model-{name}"
        subprocess.run(["rm", "-rf", str(out)], check=True)
        t0 = time.time()
        cmd = [sys.executable, "-m", "spinscan", "learn", str(src), "--lang", "ar", "--out", str(out),
               "--epochs", str(epochs), "--json", "--force"]  # fmt: skip
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.time() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # (the largest child so far)
        if r.returncode != 0:
            print(f"| {name} | failed: {r.stderr.strip()[-300:]} |", flush=True)
            continue
        report = json.loads(r.stdout.strip().splitlines()[0])
        got = score(str(out), arts)
        verdict = "better" if report["better"] else "worse (forced here)"
        verdict += f", {report['heldout_articles']} held out"
        print(f"| {name} ({report['articles']} items) | {got['techniques']:.3f} | {got['spans']:.3f} | "
              f"{wall:.0f} | {peak:.0f} | {verdict} |", flush=True)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("split", "score", "curve"))
    ap.add_argument("models", nargs="*")
    ap.add_argument("--work", default=str(ROOT / "runs" / "arabic"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[0, 50, 200, 1000], help="0: all")
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    work = Path(args.work)
    if args.what == "split":
        split(work)
    elif args.what == "score":
        arts = test_articles(work)
        for m in args.models:
            print(m, score(m, arts), flush=True)
    else:
        curve(work, args.sizes, args.epochs)


if __name__ == "__main__":
    main()

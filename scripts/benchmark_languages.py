#!/usr/bin/env python
"""What issue 30 changes, measured in one run.

1. The saved web pages of ``web-articles``, read and analysed as ``spinscan analyze page.html``
   does: the language found for each (and how sure), which are analysed zero-shot, their genres.
2. The official test articles (no gold) of every language, analysed with the model's zero-shot
   settings and without them (a trained language's): how many articles' frames and paragraph
   techniques change, per language. Only languages no article of which trained the model may
   change; the six trained ones must come out the same.

Usage: python scripts/benchmark_languages.py [--model DIR] [--data DIR] [--web DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def web_pages(model, folder: Path) -> None:
    from spinscan.analysis import analyze
    from spinscan.errors import SpinscanError
    from spinscan.reading import read_bytes

    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    langs, zero, refused = Counter(), Counter(), []
    rows = []
    for k in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes())
        doc = read_bytes(html, f"{k}.html")
        try:
            a = analyze(doc.text, model=model, skipped=doc.skipped)
        except SpinscanError as e:
            refused.append((k, str(e)[:80]))
            continue
        langs[a.lang] += 1
        if a.zero_shot:
            zero[a.genre] += 1
            rows.append((k, a.lang, a.lang_confidence, a.genre, a.lang_note))
    print(f"web pages: {sum(langs.values())} analysed, {len(refused)} refused; languages {dict(langs)}")
    print(f"zero-shot pages: {sum(zero.values())}, genres {dict(zero)}")
    for r in rows:
        print("  ", r)
    for r in refused:
        print("   refused:", r)


def test_split(model, data: Path) -> None:
    from spinscan.labels import LANGUAGES
    from spinscan.models.encoder.settings import ZeroShotSettings
    from spinscan.semeval.data import Dataset

    ds = Dataset(data)
    shipped = model.settings
    plain = dataclasses.replace(shipped, zero_shot=ZeroShotSettings())
    print(
        "\n| language | articles | zero-shot | frames changed | frames chosen (as trained → zero-shot) "
        "| paragraphs whose techniques changed |"
    )
    print("|---|---|---|---|---|---|")
    for lang in LANGUAGES:
        arts = ds.articles(lang, "test", 2)
        if not arts:
            continue
        out = {}
        for name, s in (("plain", plain), ("shipped", shipped)):
            model.settings = s
            out[name] = model.predict(arts)
        model.settings = shipped
        frames = sum(a.frames != b.frames for a, b in zip(out["plain"], out["shipped"]))
        n_a = sum(len(a.frames) for a in out["plain"]) / len(arts)
        n_b = sum(len(b.frames) for b in out["shipped"]) / len(arts)
        paras = sum(x != y for a, b in zip(out["plain"], out["shipped"])
                    for x, y in zip(a.paragraph_techniques, b.paragraph_techniques))  # fmt: skip
        total = sum(len(a.paragraph_techniques) for a in out["plain"])
        unseen = shipped.unseen(lang)
        print(
            f"| {lang} | {len(arts)} | {'yes' if unseen else 'no'} | {frames} | {n_a:.2f} → {n_b:.2f} "
            f"| {paras} of {total} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=str(ROOT / "src" / "spinscan" / "pretrained" / "encoder-0.2"))
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval2023"))
    ap.add_argument("--web", default=str(ROOT.parent / "shared" / "data" / "web-articles"))
    args = ap.parse_args()
    from spinscan.models.base import load_model

    model = load_model(args.model)
    web_pages(model, Path(args.web))
    test_split(model, Path(args.data))


if __name__ == "__main__":
    main()

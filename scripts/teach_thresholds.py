#!/usr/bin/env python
"""What a few annotated articles of a new language do to its technique thresholds alone.

From the readings `scripts/zero_shot.py` keeps (each training language read as unseen: the
lexical partner refitted without it), thresholds are chosen on n of a language's held-out
articles and scored on the rest (10 random splits), against the shipped thresholds. This is the
threshold part of `spinscan learn`, which keeps a language's own thresholds only when, cross-fitted,
they beat the base's.

Usage: python scripts/teach_thresholds.py [--cache runs/zero_shot]   (after scripts/zero_shot.py)
"""

from __future__ import annotations

import argparse
import pickle
import random
from pathlib import Path

import numpy as np

from spinscan.labels import TECHNIQUES
from spinscan.models.base import load_model
from spinscan.models.heads import thresholds_for
from spinscan.training import zero_shot as zs
from spinscan.training.selection import apply_thresholds, choose_thresholds, micro_f1

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=str(ROOT / "runs" / "zero_shot"))
    ap.add_argument("--model", default=str(ROOT / "src" / "spinscan" / "pretrained" / "encoder-0.2"))
    args = ap.parse_args()
    r = pickle.loads((Path(args.cache) / "readings.pkl").read_bytes())
    m = load_model(args.model)
    base = thresholds_for(m.thresholds["techniques"], "*", list(TECHNIQUES))
    w = m.settings.blend("techniques", "xx")  # what an unseen language gets
    p = w * r.enc + (1 - w) * r.lex_unseen
    ids = np.array(r.ids)
    print("| articles taught | " + " | ".join(zs.LANGS) + " | mean |\n|---|" + "---|" * (len(zs.LANGS) + 1))
    for n in (5, 10, 20):
        row = {}
        for lang in zs.LANGS:
            arts = sorted(set(ids[r.langs == lang]))
            deltas = []
            for seed in range(10):
                order = arts[:]
                random.Random(seed).shuffle(order)
                if len(order) - n < 8:
                    continue
                teach, test = np.isin(ids, order[:n]), np.isin(ids, order[n:])
                table = choose_thresholds(p[teach], r.y[teach], np.array(["*"] * int(teach.sum())))
                new = apply_thresholds(table, p[test], np.array(["*"] * int(test.sum())))
                deltas.append(micro_f1(r.y[test], new) - micro_f1(r.y[test], p[test] >= base))
            row[lang] = f"{np.mean(deltas):+.3f}" if deltas else "–"
        vals = [float(v) for v in row.values() if v != "–"]
        print(f"| {n} | " + " | ".join(row.values()) + f" | {np.mean(vals):+.3f} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""How the ONNX graphs' quantisation moves the default model's answers, on held-out articles.

For one quantisation (or torch, the reference) in this process: genre and frames of the encoder
recipe's held-out train articles against their gold (the article heads were fitted by CV on all
train, so both backends are in-sample here: read the differences, not the levels), paragraph
labels, and speed. Run once per variant and compare:
  for q in torch q4 fp32 int8-matmul; do python scripts/benchmark_quantisation.py $q; done
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    variant = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else str(ROOT.parent / "shared" / "data" / "semeval2023")
    if variant != "torch":
        os.environ["SPINSCAN_ONNX_QUANTISE"] = variant
    import numpy as np
    from benchmark_backends import heldout_articles  # (this folder is on sys.path)

    from spinscan.analysis import get_model
    from spinscan.labels import FRAMES, GENRES
    from spinscan.training.selection import macro_f1, micro_f1

    arts = {st: heldout_articles(data, st) for st in (1, 2, 3)}
    model = get_model(backend="torch" if variant == "torch" else "onnx")
    model.predict(arts[1][:1])  # build / warm up
    out: dict = {"variant": variant}
    t0 = time.perf_counter()

    def run_all(st: int) -> list:
        return [p for k in range(0, len(arts[st]), 16) for p in model.predict(arts[st][k : k + 16], (st,))]

    g = [p.genre for p in run_all(1)]
    f = [p.frames for p in run_all(2)]
    t = [p.paragraph_techniques for p in run_all(3)]
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["genre_macro_f1"] = round(macro_f1(np.array([GENRES.index(a.genre) for a in arts[1]]),
                                           np.array([GENRES.index(x) for x in g])), 4)  # fmt: skip
    yf = np.array([[fr in a.frames for fr in FRAMES] for a in arts[2]])
    pf = np.array([[fr in x for fr in FRAMES] for x in f])
    out["frames_micro_f1"] = round(micro_f1(yf, pf), 4)
    out["genre"], out["frames"], out["techniques"] = g, f, t
    Path(f"/tmp/quant-{variant}.json").write_text(json.dumps(out))
    print(json.dumps({k: v for k, v in out.items() if k not in ("genre", "frames", "techniques")}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Each trained language left out and treated as unseen: what an unseen language should get.

Reads the encoder recipe's held-out train articles with the shipped model, refits the lexical
partner with and without each language, refits the frame heads without it, and chooses the
zero-shot settings (see ``spinscan.training.zero_shot``). Prints the tables of BENCHMARKS.md;
``--write`` stores the choice in the model's config.json (``zero_shot``) and its measurements in
metrics.json (``zero_shot``, with the per-technique reliability shown for unseen languages).

Usage: python scripts/zero_shot.py [--data DIR] [--cache DIR] [--write]   (about 25 minutes on
2 cores; --cache keeps the readings and article vectors for the next run)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from spinscan.models.base import load_model  # noqa: E402
from spinscan.training import zero_shot as zs  # noqa: E402
from spinscan.training.states import StateCache, states_tag  # noqa: E402
from spinscan.training.zero_shot_card import write_choice  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PRETRAINED = ROOT / "src" / "spinscan" / "pretrained"


def progress(what: str, n: int, total: int) -> None:
    if n == total or n % 20 == 0:
        print(f"{time.strftime('%H:%M:%S')} {what}: {n}/{total}", file=sys.stderr, flush=True)


def row(name: str, d: dict) -> str:
    vals = [d[lang] for lang in zs.LANGS]
    return f"| {name} | " + " | ".join(f"{v:.3f}" for v in vals) + f" | {sum(vals) / len(vals):.3f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "semeval2023"))
    ap.add_argument("--model", default=str(PRETRAINED / "encoder-0.2"))
    ap.add_argument("--lexical", default=str(PRETRAINED / "lexical-0.1"))
    ap.add_argument("--cache", default=str(ROOT / "runs" / "zero_shot"))
    ap.add_argument("--states", default=str(ROOT / "runs" / "genre" / "states.npz"))
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    model = load_model(args.model)
    rpath = cache / "readings.pkl"
    if rpath.is_file():
        r = pickle.loads(rpath.read_bytes())
    else:
        r = zs.technique_readings(args.data, model, args.lexical, progress)
        rpath.write_bytes(pickle.dumps(r))
    th = model.thresholds["techniques"]
    w0 = model.settings.blend("techniques")
    tech = zs.technique_choice(r, th, w0)
    spans = zs.spans_of_choice(r, th, model.settings.spans, tech, w0)
    states = StateCache(args.states, states_tag(model))
    frames = zs.frame_choice(args.data, model, args.model, args.lexical, states, progress)
    result = {"techniques": tech, "spans": spans, "frames": frames}
    result["techniques_by_label"] = zs.reliability_by_label(r, th, tech)
    (cache / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    head = "| | " + " | ".join(zs.LANGS) + " | mean |\n|---|" + "---|" * (len(zs.LANGS) + 1)
    for name, d in (("Techniques (paragraph micro-F1)", tech), ("Frames (micro-F1)", frames)):
        print(f"\n{name}: chosen weight {d['weight']}, threshold shift {d['shift']:+.3f}\n{head}")
        for k in ("trained", "unseen_as_trained", "unseen_chosen", "unseen_nested", "unseen_shipped"):
            print(row(k, d[k]))
    print(f"\nSpans (technique-aware F1): token thresholds shift for unseen {spans['shift']:+.2f}\n{head}")
    for k in ("trained", "unseen_as_trained", "unseen_chosen", "unseen_nested", "unseen_shipped"):
        print(row(k, spans[k]))
    for k, d in spans["grid"].items():
        print(row(f"unseen, token thresholds {k}", d))
    if args.write:
        write_choice(Path(args.model), result)
        print(f"written to {args.model}/config.json and metrics.json")


if __name__ == "__main__":
    main()

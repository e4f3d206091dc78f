#!/usr/bin/env python
"""How often each technique mark is right: paragraph-level precision and recall on held-out articles.

The shipped encoder model labels the paragraphs of the encoder recipe's 196 held-out train
articles (never trained on; the lexical partner refitted without them, as in
``scripts/span_shapes.py``, whose readings this script shares). Per technique: how many
paragraphs it marked, how many of those the annotators labelled with it (precision: "when
spinscan marks Doubt, it is right about 4 times in 10"), and how many of the annotated ones it
found (recall). The thresholds were chosen on these same articles, so the numbers lean a
little optimistic. ``--write`` stores them in the model's metrics.json
(``techniques_heldout_by_label``), where the report, `spinscan labels`, the API and the web page
read them.

Usage: python scripts/label_reliability.py [--data DIR] [--cache FILE] [--write]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from span_shapes import arguments, load_readings  # noqa: E402

from spinscan.labels import TECHNIQUES  # noqa: E402
from spinscan.training.selection import reliability_row  # noqa: E402


def reliability(arts: list[dict]) -> dict[str, dict]:
    """Per technique: marked, right, annotated, precision, recall (paragraphs)."""
    out = {}
    for t in TECHNIQUES:
        marked = right = annotated = 0
        for a in arts:
            for p in a["paras"]:
                has, truth = t in p["chosen"], t in p["truth"]
                marked += has
                annotated += truth
                right += has and truth
        out[t] = reliability_row(marked, right, annotated)
    return out


def main() -> None:
    ap = arguments(__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="store the table in the model's metrics.json")
    args = ap.parse_args()
    arts = load_readings(args)
    table = reliability(arts)
    print("| technique | marked | right | precision | annotated | recall |")
    print("|---|---|---|---|---|---|")
    for t, r in sorted(table.items(), key=lambda kv: -kv[1]["marked"]):
        p = "-" if r["precision"] is None else f"{r['precision']:.2f}"
        rc = "-" if r["recall"] is None else f"{r['recall']:.2f}"
        print(f"| {t} | {r['marked']} | {r['right']} | {p} | {r['annotated']} | {rc} |")
    if args.write:
        path = Path(args.model) / "metrics.json"
        metrics = json.loads(path.read_text(encoding="utf-8"))
        metrics["techniques_heldout_by_label"] = {
            "protocol": "paragraphs of the 196 held-out train articles; lexical partner refitted "
            "without them; thresholds chosen on them (a little optimistic)",
            "labels": table,
        }
        path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()

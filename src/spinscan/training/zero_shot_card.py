"""Writing the zero-shot choice into a model directory: config.json (what inference reads),
metrics.json (the measurements and the per-technique reliability shown for unseen languages) and
the model card's section (see :mod:`.zero_shot`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from . import zero_shot
from .genre import replace_section
from .zero_shot import LANGS


def write_choice(model_dir: Path, result: dict[str, Any]) -> None:
    """The choice into the model's config.json (``zero_shot``: what inference reads for a language
    outside ``train.languages``) and the measurements into its metrics.json."""
    cfg_path, met_path = model_dir / "config.json", model_dir / "metrics.json"
    config = json.loads(cfg_path.read_text(encoding="utf-8"))
    t, f = result["techniques"], result["frames"]
    config["zero_shot"] = {
        "techniques_weight": t["weight"],
        "techniques_shift": t["shift"],
        "frames_weight": f["weight"],
        "frames_shift": f["shift"],
        "spans_shift": result["spans"].get("shift", 0.0),
    }
    cfg_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    metrics = json.loads(met_path.read_text(encoding="utf-8"))
    metrics["zero_shot"] = {
        "protocol": zero_shot.__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        **{
            k: {kk: vv for kk, vv in v.items() if kk != "grid"}
            for k, v in result.items()
            if k != "techniques_by_label"
        },
    }
    metrics["techniques_heldout_by_label_zero_shot"] = {
        "protocol": "paragraphs of the 196 held-out train articles, each language read as unseen "
        "(lexical partner refitted without it, the zero-shot settings); the encoder's fine-tuned "
        "layers saw the language's other articles",
        "labels": result["techniques_by_label"],
    }
    met_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    card = model_dir / "README.md"
    if card.is_file():
        text = replace_section(card.read_text(encoding="utf-8"), card_section(result), CARD_HEADING)
        card.write_text(text, encoding="utf-8")


CARD_HEADING = "## Languages without training articles"


def card_section(result: dict[str, Any]) -> str:
    """The model card's account of what unseen languages get and what it was measured to give."""
    t, f, sp = result["techniques"], result["frames"], result["spans"]

    def row(name: str, d: dict) -> str:
        vals = [d[lang] for lang in LANGS]
        return f"| {name} | " + " | ".join(f"{v:.3f}" for v in vals) + f" | {np.mean(vals):.3f} |"

    head = "| | " + " | ".join(LANGS) + " | mean |\n|---|" + "---|" * (len(LANGS) + 1)
    lines = [
        CARD_HEADING,
        "",
        "Every other language the encoder was pretrained on is analysed zero-shot (marked so). What it "
        "gets was chosen by leaving each training language out in turn and analysing it as unseen "
        "(`scripts/zero_shot.py`): the lexical partner and the frame heads refitted without it, its "
        "vocabulary too; a candidate is kept only when choosing it on five languages beats the "
        "trained settings on the sixth, on average. The encoder's fine-tuned layers saw the left-out "
        "language's other articles, so the technique and span rows lean optimistic.",
        "",
        f"Techniques: encoder share {t['weight']}, threshold shift {t['shift']:+.3f} "
        "(the trained languages' settings). Paragraph micro-F1, held-out train articles:",
        "",
        head,
        row("as trained", t["trained"]),
        row("as unseen, what ships", t["unseen_shipped"]),
        row("as unseen, best choice made on the other five", t["unseen_nested"]),
        "",
        f"Frames: encoder share {f['weight']}, threshold shift {f['shift']:+.3f}. Micro-F1 (trained: "
        "grouped 5-fold CV):",
        "",
        head,
        row("as trained", f["trained"]),
        row("as unseen, a trained language's settings", f["unseen_as_trained"]),
        row("as unseen, what ships (chosen on the other five)", f["unseen_shipped"]),
        "",
        f"Spans (technique-aware F1): the decoder's token thresholds moved by {sp.get('shift', 0.0):+.2f} "
        "for unseen languages (candidates -.1 to +.1, the same rule):",
        "",
        head,
        row("as trained", sp["trained"]),
        row("as unseen, the shipped decoder", sp["unseen_chosen"]),
        *(
            [row("as unseen, shift chosen on the other five", sp["unseen_nested"])]
            if "unseen_nested" in sp
            else []
        ),
        "",
    ]
    return "\n".join(lines)

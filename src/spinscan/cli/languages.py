"""`spinscan languages`: every language spinscan analyses, with its status for a model."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from .common import friendly_errors, model_option
from .main import main


@main.command()
@model_option
@click.option("--json", "as_json", is_flag=True, help="The list and the measured quality as one JSON object.")
@friendly_errors
def languages(model_dir: Path | None, as_json: bool) -> None:
    """List the languages spinscan analyses: every one its encoder was pretrained on.

    A language is "trained" when articles of it trained the model, "zero-shot" when none did
    (analysed all the same, marked so in every output). "detected" ones are told from the text;
    give the others with --lang.

    \b
    Examples:
      spinscan languages
      spinscan languages --json | jq '.languages[] | select(.status == "trained")'
    """
    from ..analysis import default_model_path, taught_quality, zero_shot_quality
    from ..errors import ModelError
    from ..language import detectable_codes
    from ..languages import language_name, language_table
    from ..models.base import read_json, trained_languages
    from .tables import names_table

    path = Path(model_dir) if model_dir else default_model_path()
    if not (path / "config.json").is_file():
        raise ModelError(f"{path}: no config.json; give a model directory")
    config = read_json(path / "config.json")
    table = language_table(trained_languages(config), detectable_codes())
    quality, taught = zero_shot_quality(path), taught_quality(path)
    if as_json:
        model = f"{config.get('name', path.name)} {config.get('version', '')}".strip()
        out = {"model": model, "languages": table, "quality": quality, "taught": taught}
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    t = names_table("language", "code", "status", "detected", names=[r["name"] for r in table])
    for r in table:
        style = "bold" if r["status"] == "trained" else ""
        code = r["code"] if r["code"] == r["iso"] else f"{r['code']} ({r['iso']})"
        t.add_row(
            str(r["name"]), code, str(r["status"]), "yes" if r["detected"] else "give --lang", style=style
        )
    c = Console()
    c.print(t)
    n_trained = sum(r["status"] == "trained" for r in table)
    c.print(f"{len(table)} languages: {n_trained} trained, {len(table) - n_trained} zero-shot.")
    if quality:
        names = {
            "techniques": "paragraph techniques (micro-F1)",
            "spans": "spans (F1)",
            "frames": "frames (micro-F1)",
            "genre": "genre (macro-F1)",
        }
        parts = [
            f"{names.get(h, h)} {q['trained']:.2f} trained, {q['zero_shot']:.2f} zero-shot"
            for h, q in quality.items()
            if q.get("trained") is not None and q.get("zero_shot") is not None
        ]
        c.print(
            "Measured on the six training languages, each left out in turn and analysed as unseen "
            "(means): " + "; ".join(parts) + "."
        )
    else:
        c.print("This model has no measurement of zero-shot quality.")
    for lang, q in sorted(taught.items()):

        def f(x):
            return "not measured" if x is None else f"{x:.2f}"

        c.print(
            f"{language_name(lang)} was taught its techniques with spinscan learn: paragraph techniques "
            f"{f(q['techniques'])}, spans {f(q['spans'])} (measured on {q['measured_on']}); its genre and "
            "frames are zero-shot."
        )

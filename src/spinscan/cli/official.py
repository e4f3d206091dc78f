"""`spinscan predict`, `evaluate`, `evaluate-ptc` and `labels`: the official SemEval side."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..errors import DataError
from .common import backend_option, friendly_errors, model_option, progress
from .main import main

TASKS = ["techniques", "narratives"]


@main.command()
@click.option(
    "--data", "data_dir", required=True, type=click.Path(path_type=Path), help="Official data folder."
)
@click.option("--split", default=None, type=click.Choice(["train", "dev", "test"]),
              help="Which split (SemEval-2023; required there).")  # fmt: skip
@click.option("--lang", "langs", multiple=True, help="Languages (default: all found for that split).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--task", default="techniques", show_default=True, type=click.Choice(TASKS),
              help="techniques: SemEval-2023 Task 3; narratives: SemEval-2025 Task 10 ST2.")  # fmt: skip
@model_option
@backend_option
@friendly_errors
def predict(data_dir, split, langs, out_dir, task, model_dir) -> None:
    """Write official prediction files: OUT/<lang>/<split>-predictions-subtask-{1,2,3}.txt for
    SemEval-2023 Task 3, or OUT/<LANG>/subtask-2.txt (narratives) for a SemEval-2025 Task 10
    folder (<LANG>/raw-documents).

    \b
    Examples:
      spinscan predict --data ../shared/data/semeval2023 --split test --out predictions/
      spinscan predict --task narratives --data t10/dev --out t10-predictions/
    """
    from ..analysis import get_model
    from ..languages import normalise_language
    from ..semeval.data import Dataset
    from ..semeval.predict import count_articles, predict_split

    if task == "narratives":
        from ..semeval.t10 import predict_release

        model = get_model(model_dir)
        with progress() as prog:
            bar = prog.add_task("predicting narratives and roles", total=None)
            done = predict_release(model, data_dir, out_dir, lambda n: prog.advance(bar, n))
        click.echo(
            f"wrote subtask-2.txt (and subtask-1.txt for the given mentions) for {sum(done.values())} "
            f"articles ({', '.join(done)}) under {out_dir}"
        )
        return
    if split is None:
        raise click.UsageError("--split is required for --task techniques")
    ds = Dataset(data_dir)
    langs = [normalise_language(x) for x in langs] or None
    if not ds.languages(split):
        raise DataError(f"{data_dir}: has no {split} split (no <lang>/{split}-articles-subtask-N folders)")
    model = get_model(model_dir)
    with progress() as prog:
        task = prog.add_task(f"predicting {split}", total=count_articles(ds, split, langs))
        report = predict_split(ds, split, model, out_dir, langs, lambda n: prog.advance(task, n))
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    click.echo(f"wrote {len(report.files)} files for {report.articles} articles under {out_dir}")
    if report.errors:
        sys.exit(1)


@main.command()
@click.option(
    "--data", "data_dir", required=True, type=click.Path(path_type=Path), help="Official data folder."
)
@click.option("--split", default=None, type=click.Choice(["train", "dev", "test"]),
              help="Which split (SemEval-2023; required there).")  # fmt: skip
@click.option(
    "--pred", "pred_dir", required=True, type=click.Path(path_type=Path), help="Folder of `predict`."
)
@click.option("--lang", "langs", multiple=True, help="Languages (default: all found).")
@click.option(
    "--scorers", default=None, type=click.Path(path_type=Path), help="Folder of the official scorers."
)
@click.option("--task", default="techniques", show_default=True, type=click.Choice(TASKS),
              help="techniques: SemEval-2023 Task 3; narratives: SemEval-2025 Task 10 ST2.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@friendly_errors
def evaluate(data_dir, split, pred_dir, langs, scorers, task, as_json) -> None:
    """Score predictions with the official scorers where gold exists (language x subtask table);
    with --task narratives, samples-F1 of narratives and subnarratives, articles paired by id
    (the organisers' scorer pairs them by line order).

    \b
    Examples:
      spinscan evaluate --data ../shared/data/semeval2023 --split train --pred predictions/
      spinscan evaluate --task narratives --data t10/dev --pred t10-predictions/
    """
    from ..semeval.evaluate import evaluate as run

    if task == "narratives":
        from ..semeval.t10 import evaluate_release

        got = evaluate_release(data_dir, pred_dir)
        if not got:
            raise DataError(f"nothing to score: no Task 10 gold with matching predictions under {pred_dir}")
        if as_json:
            click.echo(json.dumps(got, indent=2))
            return
        heads = ("main_role_accuracy", "fine_role_emr", "narratives_f1", "subnarratives_f1")
        t = Table("lang", "main role acc.", "fine role EMR", "narratives F1", "subnarratives F1",
                  title="SemEval-2025 Task 10 (samples-F1; articles and mentions paired by id)")  # fmt: skip
        for lang, r in got.items():
            t.add_row(lang, *[f"{r[k]:.4f}" if k in r else "–" for k in heads])
        Console().print(t)
        return
    if split is None:
        raise click.UsageError("--split is required for --task techniques")

    res = run(data_dir, split, pred_dir, list(langs) or None, scorers)
    if not res:
        raise DataError(f"nothing to score: no {split} gold with matching predictions under {pred_dir}")
    if as_json:
        click.echo(json.dumps(res, indent=2))
        return
    t = Table(
        "lang", "ST1 macro-F1", "ST2 micro-F1", "ST3 micro-F1", "spans aware", "spans agnostic",
        title=f"Official scores ({split}); spans: F1 of SemEval-2020 Task 11",
    )  # fmt: skip
    for lang, row in res.items():
        cells = []
        for st in (1, 2, 3):
            r = row.get(f"subtask{st}")
            cells.append("–" if r is None else "error" if "error" in r else f"{r['score']:.4f}")
        sp = row.get("spans")
        cells += ["–", "–"] if sp is None else [f"{sp['aware']:.4f}", f"{sp['agnostic']:.4f}"]
        t.add_row(lang, *cells)
    Console().print(t)


@main.command("evaluate-ptc")
@click.option(
    "--ptc", "ptc_dir", required=True, type=click.Path(path_type=Path), help="PTC (SemEval-2020 T11) folder."
)
@click.option("--split", default="dev", show_default=True, help="PTC split with span gold (train or dev).")
@model_option
@backend_option
@friendly_errors
def evaluate_ptc(ptc_dir, split, model_dir) -> None:
    """Score spans on the SemEval-2020 Task 11 span-identification gold (technique-agnostic F1).

    \b
    Example:
      spinscan evaluate-ptc --ptc ../shared/data/ptc2020
    """
    from ..analysis import get_model
    from ..semeval.evaluate import evaluate_ptc_si

    click.echo(json.dumps(evaluate_ptc_si(get_model(model_dir), ptc_dir, split), indent=2))


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "label-studio", "doccano", "doccano-categories"]),
    default="table",
    show_default=True,
    help="label-studio: the labeling config (XML) for a project spinscan can learn from; doccano: the "
    "span label file to import into a sequence-labelling project; doccano-categories: the genres and "
    "frames for a text-classification project.",
)
def labels(fmt: str) -> None:
    """List the genres, frames and techniques with what each means, or write them for an
    annotation tool.

    \b
    Examples:
      spinscan labels
      spinscan labels --format label-studio > config.xml    # paste into Label Studio's Labeling Interface
      spinscan labels --format doccano > labels.json        # doccano: Labels > Actions > Import
    """
    if fmt != "table":
        from ..annotations.configs import doccano_labels, label_studio_config

        out = {"label-studio": label_studio_config, "doccano": lambda: doccano_labels("span"),
               "doccano-categories": lambda: doccano_labels("category")}[fmt]()  # fmt: skip
        click.echo(out, nl=False)
        return
    from ..analysis import technique_reliability
    from ..labels import FRAME_DEFINITIONS, GENRE_DEFINITIONS
    from .report import labels_table
    from .tables import names_table

    c = Console()
    for title, defs in (("genre", GENRE_DEFINITIONS), ("frame", FRAME_DEFINITIONS)):
        t = names_table(title, "what it means", names=defs)
        for k, v in defs.items():
            t.add_row(k, v)
        c.print(t)
    c.print(labels_table(technique_reliability()))
    c.print(
        "held-out: how often a paragraph the default model marks with the technique was annotated with "
        "it on held-out train articles (right), and how many of the annotated ones it marked (finds)."
    )

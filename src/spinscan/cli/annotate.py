"""`spinscan learn` (teach a model a team's annotated articles) and `spinscan suggest` (which
articles to annotate next), over the annotation formats of ``spinscan.annotations``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import OutputError
from .common import friendly_errors, model_option, progress
from .main import main

READ_OPTIONS = [
    click.option("--lang", default=None, help="Language of articles that do not name theirs (ISO 639-1)."),
    click.option("--map", "label_map", default=None, type=click.Path(path_type=Path),
                 help="Your label names -> spinscan's: JSON {\"yours\": \"Doubt\"} or two CSV columns."),
    click.option("--format", "fmt", default=None, help="Input format (default: told from each file).",
                 type=click.Choice(["label-studio", "doccano", "prodigy", "jsonl", "semeval"])),
    click.option("--text-field", default="text", show_default=True, help="Label Studio: the text's field."),
    click.option("--genre-from", default=None, help="Label Studio: the choices control holding the genre."),
    click.option("--frames-from", default=None, help="Label Studio: the choices control holding the frames."),
]  # fmt: skip


def read_options(fn):
    for opt in reversed(READ_OPTIONS):
        fn = opt(fn)
    return fn


def read_sources(sources, lang, label_map, fmt, text_field, genre_from, frames_from):
    from ..annotations import Names, read_annotations

    return read_annotations(
        list(sources),
        lang=lang,
        names=Names.from_file(label_map),
        fmt=fmt,
        text_field=text_field,
        genre_from=genre_from,
        frames_from=frames_from,
    )


@main.command(short_help="Teach a model your annotated articles (Label Studio, doccano, JSONL).")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default=None, type=click.Path(path_type=Path),
              help="The new model's folder (required unless --check).")  # fmt: skip
@click.option("--check", is_flag=True,
              help="Only read and validate SOURCES: what would be learned, per language, and what is "
              "skipped and why; nothing is trained or written.")  # fmt: skip
@model_option
@read_options
@click.option("--epochs", default=2, show_default=True, type=click.IntRange(1, 1000),
              help="Epochs of fine-tuning the member's top layers.")  # fmt: skip
@click.option(
    "--heldout", default=0.3, show_default=True, help="Share of the articles held out to choose and check."
)
@click.option("--work", "work_dir", default=None, type=click.Path(path_type=Path),
              help="Work folder (default OUT.work); a rerun with the same inputs resumes there.")  # fmt: skip
@click.option(
    "--force", is_flag=True, help="Write the model even if the base does better on the held-out part."
)
@click.option("--json", "as_json", is_flag=True, help="Print the held-out report as JSON.")
@friendly_errors
def learn(sources, out_dir, check, model_dir, lang, label_map, fmt, text_field, genre_from, frames_from,
          epochs, heldout, work_dir, force, as_json) -> None:  # fmt: skip
    """Teach a model your annotated articles (Label Studio JSON export, doccano JSONL, spinscan
    JSONL or an official SemEval folder) and write the taught model to --out.

    The articles of one language become a member of the base model for that language: its top
    layers continue on them (--epochs) and a held-out share chooses its weight, thresholds and
    span settings. The model is written only if it beats the base on that share (or --force).

    \b
    Examples:
      spinscan learn --check export.json --lang pt       # what it would learn, in seconds
      spinscan learn export.json --lang pt --out models/pt
      spinscan learn doccano.jsonl --map labels.csv --out models/ours
      spinscan analyze --model models/pt article.txt
    """
    from ..analysis import default_model_path
    from ..languages import normalise_language
    from ..training.learn import LearnOptions, learn

    if check:
        _check(sources, lang, label_map, fmt, text_field, genre_from, frames_from, as_json)
        return
    if out_dir is None:
        raise click.UsageError("give --out DIR for the taught model (or --check to only validate)")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise OutputError(f"--out {out_dir}: exists and is not an empty folder; give a new folder")
    if not out_dir.parent.is_dir():
        raise OutputError(f"--out {out_dir}: folder {out_dir.parent} does not exist; create it first")
    if not 0.1 <= heldout <= 0.5:
        raise click.BadParameter("expected a share between 0.1 and 0.5", param_hint="--heldout")
    articles = read_sources(sources, lang, label_map, fmt, text_field, genre_from, frames_from)
    code = normalise_language(lang) if lang else None
    work = work_dir or out_dir.with_name(out_dir.name + ".work")
    opts = LearnOptions(epochs=epochs, heldout=heldout, force=force)
    base = Path(model_dir) if model_dir else default_model_path()
    with progress() as prog:
        task = prog.add_task("reading the articles", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        report = learn(articles, base, out_dir, work, code, opts, cb)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    _print_report(report)
    if not report["written"]:
        sys.exit(1)  # (the line above said why: the base did better)


def _check(sources, lang, label_map, fmt, text_field, genre_from, frames_from, as_json) -> None:
    """`learn --check`: the sources read as learn reads them, counted; nothing written."""
    from ..annotations.check import collecting, lines, summary

    handler, loggers = collecting()
    try:
        articles = read_sources(sources, lang, label_map, fmt, text_field, genre_from, frames_from)
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    s = summary(articles, handler.lines)
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False))
    else:
        for line in lines(s):
            click.echo(line)


def _print_report(report: dict) -> None:
    from ..training.learn import summary

    lang = report["language"]
    b, a = summary(report, lang, "base"), summary(report, lang, "taught")
    click.echo(
        f"{report['articles']} {lang} articles, {report['heldout_articles']} held out: paragraph "
        f"techniques {b['techniques']:.3f} -> {a['techniques']:.3f}, spans {b['spans']:.3f} -> "
        f"{a['spans']:.3f} (base -> taught, on the held-out articles)",
        err=True,
    )
    if report["written"]:
        click.echo(
            f"model written to {report['out']}"
            + ("" if report["better"] else " (--force: the base did better)"),
            err=True,
        )
    else:
        click.echo(
            "the base model does better on the held-out articles: nothing written (--force writes it)",
            err=True,
        )


@main.command(short_help="Pick the articles whose annotation would teach the model most.")
@click.argument("sources", nargs=-1, required=True)
@click.option("--n", "n", default=20, show_default=True, type=click.IntRange(1, 1_000_000),
              help="How many articles to suggest.")  # fmt: skip
@click.option(
    "--out",
    "out_file",
    default=None,
    type=click.Path(path_type=Path),
    help="Write them to annotate: .json Label Studio tasks (with predictions), .jsonl doccano.",
)
@click.option(
    "--annotated",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Articles annotated already (as `learn` reads them): left out, kept apart from.",
)
@click.option("--lang", default=None, help="Language of the articles (detected when omitted).")
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON Lines.")
@friendly_errors
def suggest(sources, n, out_file, annotated, lang, model_dir, as_json) -> None:
    """Order unannotated articles (files, folders, JSONL or CSV as `batch` reads them) by how much
    annotating them would teach the model: where it is unsure (technique scores near their
    thresholds, a close genre) and unlike what is chosen or annotated already; with the reason.

    \b
    Examples:
      spinscan suggest crawl/ --n 20 --out next.json      # import next.json into Label Studio
      spinscan suggest new.jsonl --annotated done.json --n 10 --out next.jsonl   # doccano
    """
    import numpy as np

    from ..analysis import analyze, get_model
    from ..annotations import doccano_row, label_studio_task, read_annotations
    from ..annotations.suggest import article_vector, candidate, choose
    from ..errors import SpinscanError
    from ..languages import normalise_language
    from ..reading.sources import iter_items, list_inputs
    from .common import check_output_file

    if out_file is not None:
        check_output_file(out_file, "--out")
        if out_file.suffix.lower() not in (".json", ".jsonl"):
            raise OutputError(f"--out {out_file}: give a .json (Label Studio) or .jsonl (doccano) file")
    code = normalise_language(lang) if lang else None
    model = get_model(model_dir)
    done = read_annotations(list(annotated), lang=lang) if annotated else []
    seen = {a.text for a in done}
    known = np.stack([article_vector(model, a.text, a.lang) for a in done]) if done else None
    candidates = []
    with progress() as prog:
        task = prog.add_task("reading the articles", total=None)
        for item in iter_items(list_inputs(list(sources))):
            prog.advance(task)
            if item.error or not item.text or item.text in seen:
                continue
            try:
                a = analyze(
                    item.text, lang=item.lang or code, model=model, id=item.id, skipped=item.clutter()
                )
            except SpinscanError as e:
                click.echo(f"warning: {item.where}: {e}; left out", err=True)
                continue
            candidates.append(candidate(model, a, item.text))
    picked = choose(candidates, n, known)
    for rank, c in enumerate(picked, start=1):
        line = {"rank": rank, "id": c.analysis.id, "uncertainty": round(c.uncertainty, 3), "reason": c.reason}
        click.echo(
            json.dumps(line, ensure_ascii=False) if as_json else f"{rank:3} {c.analysis.id}: {c.reason}"
        )
    if out_file is not None:
        version = f"{model.name} {model.version}"
        if out_file.suffix.lower() == ".json":
            rows = [label_studio_task(c.analysis, c.text, version) for c in picked]
            body = json.dumps(rows, ensure_ascii=False)
        else:
            body = "".join(
                json.dumps(doccano_row(c.analysis, c.text), ensure_ascii=False) + "\n" for c in picked
            )
        out_file.write_text(body, encoding="utf-8")
        click.echo(f"{len(picked)} articles written to {out_file}", err=True)

"""`spinscan batch` and `spinscan stats`: corpus runs and their statistics."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import ProgressColumn
from rich.text import Text

from ..corpus.export import WHAT as EXPORT_WHAT
from ..corpus.stats import WHAT as STATS_WHAT
from ..errors import InputError
from .common import (
    backend_option,
    check_output_file,
    err_console,
    friendly_errors,
    max_bytes_option,
    model_option,
    progress,
)
from .main import main
from .tables import names_table


class RateColumn(ProgressColumn):
    """Articles per minute, measured since the start."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{60 * speed:,.0f}/min", style="progress.data.speed")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "--db", "out", default="corpus.sqlite", show_default=True,
              type=click.Path(path_type=Path),
              help="Results: a SQLite store, or JSON Lines when the name ends in .jsonl.")  # fmt: skip
@click.option("-j", "--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes (Ray actors with --engine ray), each with its own model.")  # fmt: skip
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: this machine. ray: the cluster in $RAY_ADDRESS, or a local one.")  # fmt: skip
@click.option("--retry-errors", is_flag=True, help="Analyse again the articles recorded as errors.")
@max_bytes_option("Longest article, in bytes.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@model_option
@backend_option
@friendly_errors
def batch(inputs, out, workers, engine, retry_errors, max_bytes, as_json, model_dir) -> None:
    """Analyse many articles into a store; a rerun skips what is done.

    INPUTS are folders of .txt files (a sub-folder per outlet names the source), JSON Lines
    or CSV files with the columns id, text and optionally lang, title, source, date, url,
    or official SemEval-2023 data folders. Each result is saved as soon as it is ready:
    after an interruption (even kill -9) run the same command again to finish.

    \b
    Examples:
      spinscan batch articles/ --db corpus.sqlite -j 2
      spinscan batch feed.jsonl --out results.jsonl
      RAY_ADDRESS=head:6379 spinscan batch /shared/corpus --engine ray -j 16
    """
    from ..corpus.batch import run_batch
    from ..reading.sources import list_inputs

    check_output_file(out, "--db/--out")
    list_inputs(list(inputs))  # (a missing file or an empty folder: one line before any work)

    with progress() as prog:
        prog.columns = (*prog.columns, RateColumn())
        task = prog.add_task("analysing", total=None)

        def on_item(s) -> None:
            label = f"analysing ({s.errors} errors)" if s.errors else "analysing"
            prog.update(task, completed=s.ok + s.errors + s.skipped + s.duplicates, description=label)

        summary = run_batch(
            list(inputs), out, model_dir, workers, engine, retry_errors, max_bytes,
            on_start=lambda n: prog.update(task, total=n), on_item=on_item,
        )  # fmt: skip
    d = {k: getattr(summary, k) for k in ("out", "model", "total", "ok", "errors", "skipped", "duplicates")}
    d |= {
        "seconds": round(summary.seconds, 1),
        "articles_per_minute": round(summary.per_minute, 1),
        "peak_rss_mb": {w: round(v) for w, v in summary.workers.items()},
        "interrupted": summary.interrupted,
    }
    if as_json:
        click.echo(json.dumps(d, indent=2))
    else:
        click.echo(
            f"{summary.ok} analysed, {summary.errors} errors, {summary.skipped} done before, "
            f"{summary.duplicates} duplicate ids skipped; {summary.seconds:.0f} s "
            f"({summary.per_minute:.0f} articles/min) -> {out} [{summary.model}]",
            err=True,
        )
        if summary.errors and out.suffix.lower() in (".jsonl", ".ndjson"):
            click.echo(f'errors are the lines of {out} with "status": "error" and their reason', err=True)
        elif summary.errors:
            click.echo(f"errors are stored with their reason: spinscan stats --db {out} --errors", err=True)
    if summary.interrupted:
        click.echo("interrupted: run the same command again to finish", err=True)
        sys.exit(130)
    if summary.errors and not summary.ok and not summary.skipped:
        if not as_json:
            click.echo(f"error: every article failed ({summary.errors})", err=True)
        sys.exit(1)  # (some failed among others that worked: 0, the failures are stored)


@main.command()
@click.option(
    "--db", required=True, type=click.Path(path_type=Path), help="Corpus store of `spinscan batch`."
)
@click.option(
    "--by",
    type=click.Choice(["source", "month", "week", "day", "lang"]),
    default=None,
    help="Group articles by (a week is named by its Monday).",
)
@click.option("--what", type=click.Choice(list(STATS_WHAT)), default="techniques",
              show_default=True, help="What to count (share of articles that use it).")  # fmt: skip
@click.option(
    "--technique", default=None, help="techniques: only this column; frames/genres: only articles using it."
)
@click.option("--source", default=None, help="Only this outlet.")
@click.option(
    "--voice",
    type=click.Choice(["author", "quoted"]),
    default=None,
    help="Count techniques only in the author's words, or only inside quotations.",
)
@click.option("--lang", default=None, help="Only this language (ISO 639-1, or a SemEval code).")
@click.option(
    "--zero-shot/--trained",
    "zero_shot",
    default=None,
    help="Only articles analysed zero-shot (their language trained nothing), or only the others.",
)
@click.option("--since", default=None, help="From this month (YYYY-MM) or day (YYYY-MM-DD).")
@click.option("--until", default=None, help="Up to this month (YYYY-MM) or day (YYYY-MM-DD), included.")
@click.option("--model", "model", default=None, help="Results of this model (default: the latest used).")
@click.option("--top", default=8, show_default=True, help="Columns shown (the most frequent).")
@click.option("--chart", default=None, type=click.Path(path_type=Path), help="Also draw it (.png or .svg).")
@click.option("--csv", "csv_out", default=None, type=click.Path(path_type=Path),
              help="Also write the whole table as CSV (every column, counts and shares).")  # fmt: skip
@click.option("--errors", "show_errors", is_flag=True, help="List the articles recorded as errors instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON (every column).")
@friendly_errors
def stats(
    db,
    by,
    what,
    technique,
    source,
    voice,
    lang,
    zero_shot,
    since,
    until,
    model,
    top,
    chart,
    csv_out,
    show_errors,
    as_json,
) -> None:
    """Technique, frame and genre frequencies in a corpus store, per outlet, month or language.

    \b
    Examples:
      spinscan stats --db corpus.sqlite --by source
      spinscan stats --db corpus.sqlite --by month --technique Loaded_Language --chart ll.png
      spinscan stats --db corpus.sqlite --what frames --by month --chart frames.svg
    """
    from ..corpus.stats import Filters, pick_model, table
    from ..corpus.store import connect
    from ..languages import normalise_language

    for out in (chart, csv_out):  # an output that could not be written fails before any work
        if out is not None:
            check_output_file(out, "--chart" if out is chart else "--csv")

    con = connect(db, readonly=True)
    if show_errors:
        _print_errors(con, pick_model(con, model), as_json)
        return
    f = Filters(source, normalise_language(lang) if lang else None, since, until, technique, voice, zero_shot)
    t = table(con, what, by, model, f)
    if as_json:
        click.echo(json.dumps(t.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_table(t, top)
    if csv_out:
        click.echo(f"CSV: {write_csv(t, csv_out)}", err=True)
    if chart:
        from ..corpus.charts import write_chart

        click.echo(f"chart: {write_chart(t, chart, top)}", err=True)


def write_csv(t, path: Path) -> Path:
    """The statistics table as CSV: one row per group, each label's article count and share."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([t.by or "group", "articles", *(f"{lab} articles" for lab in t.labels),
                    *(f"{lab} share" for lab in t.labels)])  # fmt: skip
        for g, n, counts, shares in zip(t.groups, t.articles, t.counts, t.shares):
            w.writerow([g, n, *counts, *shares])
    return path


def _print_table(t, top: int) -> None:
    if not t.groups:
        raise InputError("no analysed article matches these filters")
    cols = t.labels[:top]
    title = f"{t.what}: % of articles that use each" + (f", by {t.by}" if t.by else "")
    heads = ("articles", *(c.replace("_", " ") for c in cols))
    tab = names_table(t.by or "", *heads, names=map(str, t.groups), title=title, caption=f"model {t.model}")
    for g, n, shares in zip(t.groups, t.articles, t.shares):
        tab.add_row(g, str(n), *(f"{100 * shares[t.labels.index(c)]:.0f}" for c in cols))
    Console().print(tab)
    if len(t.labels) > top:
        err_console.print(f"{len(t.labels) - top} more columns: --top {len(t.labels)} or --json")


def _print_errors(con, model: str, as_json: bool) -> None:
    from ..corpus.stats import error_rows

    rows = error_rows(con, model, limit=10**9)["errors"]
    if as_json:
        keep = ("id", "where", "error_code", "error")
        click.echo(json.dumps([{k: r[k] for k in keep} for r in rows], indent=2, ensure_ascii=False))
        return
    title = f"{len(rows)} articles recorded as errors  [{model}]"
    tab = names_table("id", "code", "error", names=[r["id"] for r in rows], title=title)
    for r in rows:
        tab.add_row(r["id"], r["error_code"] or "", r["error"])
    Console().print(tab)


@main.command()
@click.option("--db", required=True, type=click.Path(path_type=Path), help="Store of `spinscan batch`.")
@click.option(
    "--what",
    type=click.Choice(list(EXPORT_WHAT)),
    default="articles",
    show_default=True,
    help="One row per article, paragraph technique, span, frame or genre score.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "xlsx", "label-studio", "doccano"]),
    default=None,
    help="Output format (default: from the --out suffix); label-studio (.json) and doccano (.jsonl) "
    "write the articles with their analyses, to correct and `learn`.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="File to write (.csv, .parquet, .xlsx, .json).",
)
@click.option("--model", "model", default=None, help="Only this model's results (default: every model's).")
@friendly_errors
def export(db, what, fmt, out, model) -> None:
    """Export a corpus store's results as a flat table for pandas, R or DuckDB.

    \b
    Every row carries the article's id, model, source, month and language; spans also their text.
    Examples:
      spinscan export --db corpus.sqlite --what spans --out spans.parquet
      spinscan export --db corpus.sqlite --what articles --format csv --out articles.csv
      spinscan export --db corpus.sqlite --what techniques --out techniques.xlsx
      spinscan export --db corpus.sqlite --format label-studio --out tasks.json
    """
    from ..corpus.export import ANNOTATION_FORMATS, export_for_annotation, format_of
    from ..corpus.export import export as write
    from ..corpus.store import connect

    if fmt in ANNOTATION_FORMATS:
        check_output_file(out, "--out")
        n = export_for_annotation(connect(db, readonly=True), out, fmt, model)
        click.echo(f"{n} articles written to {out} ({fmt})", err=True)
        return
    fmt = format_of(out, fmt)
    check_output_file(out, "--out")
    con = connect(db, readonly=True)
    n = write(con, what, out, fmt, model)
    click.echo(f"{what}: {n} rows written to {out} ({fmt})", err=True)

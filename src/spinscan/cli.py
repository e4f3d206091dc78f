"""The `spinscan` command: a thin layer over the library (analyze, train, predict, evaluate)."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from . import __version__
from .errors import SpinscanError
from .inputs import MAX_BYTES

log = logging.getLogger("spinscan")
err_console = Console(stderr=True)


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def friendly_errors(fn):
    """User mistakes become one 'error: ...' line and exit code 2, not a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SpinscanError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)

    return wrapper


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="spinscan")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """spinscan: genre, framing and persuasion techniques in news articles.

    Languages: en fr ge(de) it po(pl) ru es gr(el) ka. Start with `spinscan analyze FILE`.
    """
    _setup_logging(verbose)


model_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory (default: $SPINSCAN_MODEL or the model shipped with spinscan).",
)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--lang", default=None, help="Language code (detected when omitted).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article (JSON Lines).")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Refuse files larger than this.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: when a terminal).")
@click.option(
    "--html",
    "html_out",
    default=None,
    type=click.Path(path_type=Path),
    help="Also write a self-contained HTML report (a folder when several files are given).",
)
@model_option
@friendly_errors
def analyze(files, lang, as_json, max_bytes, color, model_dir, html_out) -> None:
    """Analyse article FILES (plain UTF-8 text, title on line 1; '-' reads standard input).

    \b
    Examples:
      spinscan analyze article.txt
      spinscan analyze --json --lang fr a.txt b.txt > results.jsonl
      cat article.txt | spinscan analyze -
    """
    from .analysis import analyze as run
    from .analysis import get_model
    from .inputs import decode_bytes, read_text_file
    from .report import print_report

    model = get_model(model_dir)  # once, before any file, so a bad model fails early
    out = Console(force_terminal=color, no_color=color is False, highlight=False)
    failed = 0
    for f in files:
        try:
            if f == "-":
                text = decode_bytes(sys.stdin.buffer.read(), "<stdin>", max_bytes)
            else:
                text = read_text_file(f, max_bytes)
            result = run(text, lang=lang, model=model, id=Path(f).stem if f != "-" else "stdin")
        except SpinscanError as e:
            failed += 1
            click.echo(f"error: {e}", err=True)
            if as_json:
                click.echo(json.dumps({"file": f, "error": {"code": type(e).__name__, "message": str(e)}}))
            continue
        if as_json:
            click.echo(json.dumps({"file": f, **result.to_dict()}, ensure_ascii=False))
        else:
            print_report(out, result, source=f)
        if html_out:
            _write_html(html_out, f, files, result, text)
    if failed:
        sys.exit(1)


def _write_html(target: Path, source: str, files, result, text: str) -> None:
    from .web import report_html

    if len(files) > 1:
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"{Path(source).stem if source != '-' else 'stdin'}.html"
    target.write_text(
        report_html({**result.to_dict(), "text": text}, f"spinscan: {source}"), encoding="utf-8"
    )
    click.echo(f"HTML report: {target}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--max-body", default=1_000_000, show_default=True, help="Largest request body, in bytes.")
@click.option("--max-batch", default=16, show_default=True, help="Most articles in one batch request.")
@click.option("--db", "corpus_db", default=None, type=click.Path(path_type=Path),
              help="A corpus store of `spinscan batch`: enables the Corpus view and /v1/corpus.")  # fmt: skip
@model_option
@friendly_errors
def serve(host, port, max_body, max_batch, corpus_db, model_dir) -> None:
    """Serve the web page (/) and the HTTP API (/v1/..., docs at /docs).

    \b
    Examples:
      spinscan serve --port 8000      # then open http://127.0.0.1:8000/
      spinscan serve --db corpus.sqlite   # with the Corpus view of a batch store
    """
    import uvicorn

    from .analysis import get_model
    from .api import create_app

    get_model(model_dir)  # a bad model fails here, with a readable error, before the server starts
    if corpus_db is not None:
        from .store import connect

        connect(corpus_db, readonly=True).close()  # so is a missing or foreign store
    app = create_app(model_dir, max_body_bytes=max_body, max_batch=max_batch, corpus_db=corpus_db)
    click.echo(f"spinscan {__version__}: http://{host}:{port}/ (API docs: /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


@main.command()
@click.option(
    "--data", "data_dir", required=True, type=click.Path(path_type=Path), help="Official data folder."
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Model directory to write."
)
@click.option("--lang", "langs", multiple=True, help="Train languages (default: en fr ge it po ru).")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds (grouped by article).")
@click.option("--seed", default=13, show_default=True, help="Random seed (training is deterministic).")
@click.option(
    "--max-articles", default=None, type=int, help="Use at most N articles per language (quick runs)."
)
@click.option(
    "--kind",
    type=click.Choice(["lexical", "encoder"]),
    default="lexical",
    show_default=True,
    help="lexical: TF-IDF (minutes). encoder: fine-tuned e5-small + lexical ensemble (hours on a CPU).",
)
@click.option(
    "--work",
    "work_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="encoder: folder for caches and checkpoints; a rerun resumes there (default: OUT.work).",
)
@click.option("--epochs", default=None, type=int, help="encoder: fine-tuning epochs (default: the recipe's).")
@click.option("--lexical", "lexical_dir", default=None, type=click.Path(path_type=Path),
              help="encoder: the lexical model to ensemble with (default: the shipped one).")  # fmt: skip
@click.option(
    "--init-from",
    default=None,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="encoder: continue from this encoder model's fine-tuned layers (same held-out split).",
)
@click.option("--lr-layers", default=None, type=float, help="encoder: peak learning rate of the layers.")
@click.option("--lr-head", default=None, type=float, help="encoder: peak learning rate of the heads.")
@click.option("--token-weight", default=None, type=float, help="encoder: weight of the span (token) loss.")
@click.option(
    "--members",
    default=None,
    type=click.IntRange(1, 8),
    help="encoder: fine-tune this many tops from different random starts; the model averages them.",
)
@click.option(
    "--language-member",
    is_flag=True,
    help="encoder, with --init-from and --lang: write the --init-from model plus this run as a member "
    "that only the --lang languages use (epoch and weight chosen on their held-out articles).",
)
@friendly_errors
def train(
    data_dir,
    out_dir,
    langs,
    folds,
    seed,
    max_articles,
    kind,
    work_dir,
    epochs,
    lexical_dir,
    language_member,
    **encoder_opts,
) -> None:
    """Train a model, choosing every setting on train only (grouped CV or held-out articles).

    \b
    Examples:
      spinscan train --data ../shared/data/semeval2023 --out models/my-lexical
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/my-encoder
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/more \
          --init-from models/my-encoder --epochs 2 --lr-layers 2e-5 --lr-head 5e-4
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/with-en \
          --init-from models/my-encoder --lang en --epochs 2 --lr-layers 3e-5 --language-member
    """
    if kind == "encoder":
        opts = {k: v for k, v in encoder_opts.items() if v is not None}
        if epochs:
            opts["epochs"] = epochs
        _train_encoder(
            data_dir, out_dir, langs, seed, max_articles, work_dir, opts, lexical_dir, language_member
        )
        return
    from .train import TrainConfig, train_lexical

    cfg = TrainConfig(folds=folds, seed=seed, max_articles_per_language=max_articles)
    if langs:
        cfg.languages = tuple(langs)
    with _progress() as prog:
        task = prog.add_task("training", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        _, metrics = train_lexical(data_dir, out_dir, cfg, cb)
    _print_cv(metrics)
    click.echo(f"model written to {out_dir} ({metrics['train_seconds']} s)")


def _train_encoder(
    data_dir, out_dir, langs, seed, max_articles, work_dir, opts, lexical_dir, language_member=False
) -> None:
    from .analysis import default_lexical_path
    from .select_encoder import finish
    from .train_encoder import EncoderRun, EncoderTrainConfig

    work = work_dir or out_dir.with_name(out_dir.name + ".work")
    if language_member and not (opts.get("init_from") and langs):
        raise click.UsageError("--language-member needs --init-from (the base model) and --lang")
    cfg = EncoderTrainConfig(seed=seed, max_articles_per_language=max_articles)
    if langs:
        cfg.languages = tuple(langs)
    for k, v in opts.items():
        setattr(cfg, k, str(v) if k == "init_from" else v)
    if (work / "train-config.json").is_file():
        click.echo(f"resuming the run in {work} (its recorded settings apply)", err=True)
        cfg = None
    run = EncoderRun(data_dir, work, cfg)
    with _progress() as prog:
        task = prog.add_task("fine-tuning", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        histories = run.finetune_members(cb)
    for k, history in enumerate(histories):
        name = f"member {k + 1}: " if len(histories) > 1 else ""
        click.echo(f"{name}held-out micro-F1 per epoch: {[h['all'] for h in history]}")
    if language_member:
        from .language_member import add_language_member

        add_language_member(run, out_dir, lexical_dir or default_lexical_path())
    else:
        finish(run, out_dir, lexical_dir or default_lexical_path())
    click.echo(f"model written to {out_dir}")


def _print_cv(metrics: dict) -> None:
    cv = metrics["cv"]
    t = Table("lang", "ST1 macro-F1", "ST2 micro-F1", "ST3 micro-F1", title="Cross-validated scores")
    for lang in [k for k in cv["techniques"] if k != "all"] + ["all"]:
        t.add_row(lang, *(f"{cv[h].get(lang, float('nan')):.3f}" for h in ("genre", "frames", "techniques")))
    Console().print(t)


@main.command()
@click.option(
    "--data", "data_dir", required=True, type=click.Path(path_type=Path), help="Official data folder."
)
@click.option("--split", required=True, type=click.Choice(["train", "dev", "test"]), help="Which split.")
@click.option("--lang", "langs", multiple=True, help="Languages (default: all found for that split).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@model_option
@friendly_errors
def predict(data_dir, split, langs, out_dir, model_dir) -> None:
    """Write official prediction files OUT/<lang>/<split>-predictions-subtask-{1,2,3}.txt.

    \b
    Example:
      spinscan predict --data ../shared/data/semeval2023 --split test --out predictions/
    """
    from .analysis import get_model
    from .data import Dataset
    from .labels import normalise_language
    from .predict import count_articles, predict_split

    ds = Dataset(data_dir)
    langs = [normalise_language(x) for x in langs] or None
    if not ds.languages(split):
        raise SpinscanError(
            f"{data_dir}: has no {split} split (no <lang>/{split}-articles-subtask-N folders)"
        )
    model = get_model(model_dir)
    with _progress() as prog:
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
@click.option("--split", required=True, type=click.Choice(["train", "dev", "test"]), help="Which split.")
@click.option(
    "--pred", "pred_dir", required=True, type=click.Path(path_type=Path), help="Folder of `predict`."
)
@click.option("--lang", "langs", multiple=True, help="Languages (default: all found).")
@click.option(
    "--scorers", default=None, type=click.Path(path_type=Path), help="Folder of the official scorers."
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@friendly_errors
def evaluate(data_dir, split, pred_dir, langs, scorers, as_json) -> None:
    """Score predictions with the official scorers where gold exists (language x subtask table).

    \b
    Example:
      spinscan evaluate --data ../shared/data/semeval2023 --split train --pred predictions/
    """
    from .evaluate import evaluate as run

    res = run(data_dir, split, pred_dir, list(langs) or None, scorers)
    if not res:
        raise SpinscanError(f"nothing to score: no {split} gold with matching predictions under {pred_dir}")
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
@friendly_errors
def evaluate_ptc(ptc_dir, split, model_dir) -> None:
    """Score spans on the SemEval-2020 Task 11 span-identification gold (technique-agnostic F1).

    \b
    Example:
      spinscan evaluate-ptc --ptc ../shared/data/ptc2020
    """
    from .analysis import get_model
    from .evaluate import evaluate_ptc_si

    click.echo(json.dumps(evaluate_ptc_si(get_model(model_dir), ptc_dir, split), indent=2))


@main.command()
def labels() -> None:
    """List the genres, frames and techniques with what each means."""
    from .labels import FRAME_DEFINITIONS, GENRE_DEFINITIONS
    from .report import labels_table

    c = Console()
    for title, defs in (("genre", GENRE_DEFINITIONS), ("frame", FRAME_DEFINITIONS)):
        t = Table(title, "what it means")
        for k, v in defs.items():
            t.add_row(k, v)
        c.print(t)
    c.print(labels_table())


from . import cli_corpus  # noqa: E402,F401  (registers `batch` and `stats`)

"""`spinscan analyze` and `spinscan serve`: one article at a time, in the terminal or the browser."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from .. import __version__
from ..errors import SpinscanError
from ..text import MAX_BYTES
from .common import (
    USER_ERROR,
    check_output_file,
    check_output_folder,
    describe,
    error_json,
    friendly_errors,
    model_option,
)
from .main import main


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
    from ..analysis import analyze as run
    from ..analysis import get_model
    from ..labels import normalise_language
    from ..text import decode_bytes, read_text_file
    from .report import print_report

    if lang:
        normalise_language(lang)  # an unknown code fails before any work
    if html_out is not None:  # so does a report that could not be written
        if len(files) > 1:
            check_output_folder(html_out, "--html")
        else:
            check_output_file(html_out, "--html")
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
            click.echo(f"error: {describe(e)}", err=True)
            if as_json:
                click.echo(error_json(f, e))
            continue
        if as_json:
            click.echo(json.dumps({"file": f, **result.to_dict()}, ensure_ascii=False))
        else:
            print_report(out, result, source=f)
        if html_out:
            _write_html(html_out, f, files, result, text)
    if failed:  # every input failed: a user mistake; some of several: 1
        sys.exit(USER_ERROR if failed == len(files) else 1)


def _write_html(target: Path, source: str, files, result, text: str) -> None:
    from ..web import report_html

    if len(files) > 1:
        target.mkdir(exist_ok=True)
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
    try:
        import uvicorn

        from ..server import create_app
    except ImportError as e:
        raise SpinscanError(
            f"the web page and API need the server extra ({e.name} is missing): "
            "pip install 'spinscan[server]'"
        ) from e
    from ..analysis import get_model

    get_model(model_dir)  # a bad model fails here, with a readable error, before the server starts
    if corpus_db is not None:
        from ..corpus.store import connect

        connect(corpus_db, readonly=True).close()  # so is a missing or foreign store
    app = create_app(model_dir, max_body_bytes=max_body, max_batch=max_batch, corpus_db=corpus_db)
    click.echo(f"spinscan {__version__}: http://{host}:{port}/ (API docs: /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")

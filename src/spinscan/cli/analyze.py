"""`spinscan analyze` and `spinscan serve`: one article at a time, in the terminal or the browser."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from .. import __version__
from ..errors import InputError, ModelError, SpinscanError
from .common import (
    USER_ERROR,
    backend_option,
    check_output_file,
    check_output_folder,
    err_console,
    friendly_errors,
    max_bytes_option,
    model_option,
    progress,
    report_failure,
)
from .main import main

keep_clutter_option = click.option(
    "--keep-clutter",
    is_flag=True,
    help="Analyse every line, page clutter included (menus, notices, repeats).",
)
allow_private_option = click.option(
    "--allow-private",
    is_flag=True,
    help="Follow a URL's redirects to private or loopback addresses too (the URL you name is "
    "always fetched; where it redirects must otherwise be public).",
)


@main.command(short_help="Analyse articles: text files, saved web pages, URLs or standard input.")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--lang",
    default=None,
    help="Language: ISO 639-1 code of any in `spinscan languages` (detected when omitted).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article (JSON Lines).")
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["report", "json", "label-studio", "doccano"]),
    default=None,
    help="label-studio: one JSON list of tasks with the analysis as predictions; doccano: JSONL "
    "rows with the spans as labels (to correct them in those tools, then `spinscan learn`).",
)
@max_bytes_option("Refuse files larger than this.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: when a terminal).")
@click.option(
    "--html",
    "html_out",
    default=None,
    type=click.Path(path_type=Path),
    help="Also write a self-contained HTML report (a folder when several files are given).",
)
@click.option("--all", "every", is_flag=True, help="Show every paragraph, not only those with a technique.")
@keep_clutter_option
@allow_private_option
@model_option
@backend_option
@friendly_errors
def analyze(
    files,
    lang,
    as_json,
    out_format,
    max_bytes,
    color,
    model_dir,
    html_out,
    keep_clutter,
    allow_private,
    every,
) -> None:
    """Analyse articles: FILES are web pages (.html, saved pages), plain UTF-8 text (title on
    line 1), http(s) URLs, or '-' for standard input.

    Page clutter in plain text (menus, notices, a caption printed twice) is marked and not
    analysed; `spinscan extract FILE` shows what is read.

    \b
    Examples:
      spinscan analyze article.txt
      spinscan analyze page.html https://example.com/news/story
      spinscan analyze --json --lang fr a.txt b.txt > results.jsonl
      spinscan analyze --format label-studio *.txt > tasks.json   # to correct in Label Studio
      cat article.txt | spinscan analyze -
    """
    from ..analysis import analyze_document, default_model_path, get_model, reliability_tables
    from ..languages import normalise_language
    from ..reading import read_source
    from .report import print_report

    if lang:
        normalise_language(lang)  # an unknown code fails before any work
    if html_out is not None:  # so does a report that could not be written
        if len(files) > 1:
            check_output_folder(html_out, "--html")
        else:
            check_output_file(html_out, "--html")
    # a bad model folder fails before any file is read; the model itself (the slow, large part) is
    # loaded once the first input is read, so input that is refused (a gzip bomb, a bad URL) never
    # costs a model's memory
    from ..models.base import read_json_object

    where = Path(model_dir) if model_dir else default_model_path()
    if not where.is_dir():
        raise ModelError(f"{where}: no such model directory; give a model directory (or train one)",
                         setting="model")  # fmt: skip
    read_json_object(where / "config.json")
    loaded: list = []

    def the_model():
        if not loaded:
            loaded.append(get_model(model_dir))
        return loaded[0]

    tables = reliability_tables(model_dir)  # an article analysed zero-shot gets the unseen languages' table
    out = Console(force_terminal=color, no_color=color is False, highlight=False)
    failed = 0
    as_json = as_json or out_format == "json"
    tasks: list[dict] = []  # --format label-studio: one JSON list, written at the end
    # a bar on stderr when several articles go to a file or a pipe (a terminal shows the reports)
    shown = out_format or ("json" if as_json else "report")
    bar = progress() if len(files) > 1 and (shown != "report" or not sys.stdout.isatty()) else None
    task = bar.add_task("analysing", total=len(files)) if bar else None
    if bar:
        bar.start()
    for k, f in enumerate(files):
        if bar:
            bar.update(task, completed=k)
        try:
            doc = read_source(f, max_bytes, allow_private, keep_clutter, stdin=sys.stdin.buffer)
            text = doc.text
            result = analyze_document(doc, lang=lang, model=the_model(), id=source_id(f))
        except SpinscanError as e:
            failed += 1
            report_failure(f, e, as_json)
            continue
        if lang and result.lang_note and shown != "report":  # (the report shows it)
            click.echo(f"warning: {f}: {result.lang_note}", err=True)
        if out_format in ("label-studio", "doccano"):
            from ..annotations import doccano_row, label_studio_task

            if out_format == "doccano":
                click.echo(json.dumps(doccano_row(result, text), ensure_ascii=False))
            else:
                tasks.append(label_studio_task(result, text, f"{the_model().name} {the_model().version}"))
        elif as_json:
            meta = {
                k: v
                for k, v in doc.to_dict().items()
                if k in ("kind", "title", "author", "date", "site", "url")
            }
            click.echo(json.dumps({"file": f, **meta, **result.to_dict()}, ensure_ascii=False))
        else:
            print_report(out, result, source=f, every=every, reliability=tables[result.zero_shot])
        if html_out:
            _write_html(html_out, f, files, result, text, tables)
    if bar:
        bar.update(task, completed=len(files))
        bar.stop()
    if out_format == "label-studio":
        click.echo(json.dumps(tasks, ensure_ascii=False, indent=1))
    if failed:  # every input failed: a user mistake; some of several: 1
        sys.exit(USER_ERROR if failed == len(files) else 1)


def source_id(source: str) -> str:
    """An input's id: a file's name without suffixes, a URL's last path part, 'stdin'."""
    if source == "-":
        return "stdin"
    if source.startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        parts = [x for x in urlsplit(source).path.split("/") if x]
        return (parts[-1] if parts else urlsplit(source).hostname or "page").split(".")[0] or "page"
    name = Path(source).name
    for suffix in (".gz", ".html", ".htm", ".xhtml", ".txt"):
        name = name.removesuffix(suffix)
    return name or "article"


@main.command(short_help="Show what spinscan reads from a page or file: metadata, paragraphs, clutter.")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input (JSON Lines).")
@max_bytes_option("Refuse inputs larger than this.")
@keep_clutter_option
@allow_private_option
@friendly_errors
def extract(sources, as_json, max_bytes, keep_clutter, allow_private) -> None:
    """Show what spinscan will analyse in each of SOURCES (web page, text file, URL or '-'):
    title, author, date, site, URL, and the paragraphs, clutter marked with its reason.

    \b
    Examples:
      spinscan extract page.html
      spinscan extract --json https://example.com/news/story
      pbpaste | spinscan extract -
    """
    from ..language import guess_language
    from ..reading import read_source

    failed = 0
    for f in sources:
        try:
            doc = read_source(f, max_bytes, allow_private, keep_clutter, stdin=sys.stdin.buffer)
        except SpinscanError as e:
            failed += 1
            report_failure(f, e, as_json)
            continue
        if as_json:
            out = doc.to_dict()
            # the language the page declares, else the one identified in its kept text
            out["lang_from"] = "page" if doc.lang else None
            if not doc.lang and (found := guess_language(doc.body or doc.text))[0]:
                out["lang"], out["lang_from"] = found[0], f"identified ({found[1]:.0%} sure)"
            click.echo(json.dumps(out, ensure_ascii=False))
            continue
        meta = [(k, getattr(doc, k)) for k in ("title", "author", "date", "site", "url")]
        click.echo(f"== {f} ({doc.kind})")
        for k, v in meta:
            if v:
                click.echo(f"{k}: {v}")
        paras = doc.paragraphs()
        kept = sum(1 for p in paras if not p["skipped"])
        click.echo(f"paragraphs: {len(paras)}, {kept} kept, {len(paras) - kept} marked as clutter")
        for p in paras:
            mark = f"[{p['skipped']}] " if p["skipped"] else ""
            click.echo(f"{p['line_no']:>5}  {p['start']:>6}-{p['end']:<6} {mark}{p['text']}")
    if failed:
        sys.exit(USER_ERROR if failed == len(sources) else 1)


def _write_html(target: Path, source: str, files, result, text: str, tables: dict) -> None:
    from ..web import report_html

    if len(files) > 1:
        target.mkdir(exist_ok=True)
        target = target / f"{source_id(source)}.html"
    data = {**result.to_dict(), "text": text}
    target.write_text(report_html(data, f"spinscan: {source}", tables[False], tables[True]), encoding="utf-8")
    click.echo(f"HTML report: {target}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option("--max-body", default=1_000_000, show_default=True, type=click.IntRange(1000, 10**9),
              help="Largest request body, in bytes.")  # fmt: skip
@click.option("--max-batch", default=16, show_default=True, type=click.IntRange(1, 10_000),
              help="Most articles in one batch request.")  # fmt: skip
@click.option("--max-chars", default=300_000, show_default=True, type=click.IntRange(1000),
              help="Most characters of text one request may have analysed (a batch in all).")  # fmt: skip
@click.option("--db", "corpus_db", default=None, type=click.Path(path_type=Path),
              help="A corpus store of `spinscan batch`: enables the Corpus view and /v1/corpus.")  # fmt: skip
@click.option("--allow-fetch", is_flag=True, help="Fetch the URLs users give (public addresses only).")
@click.option(
    "--allow-private-fetch",
    is_flag=True,
    help="With --allow-fetch: also loopback, private and link-local addresses (trusted users only).",
)
@click.option("--label-studio-dir", default=None, type=click.Path(path_type=Path),
              help="Keep the annotations Label Studio sends to /label-studio/webhook here, one export "
              "per project, for `spinscan learn`.")  # fmt: skip
@model_option
@backend_option
@friendly_errors
def serve(
    host,
    port,
    max_body,
    max_batch,
    max_chars,
    corpus_db,
    allow_fetch,
    allow_private_fetch,
    label_studio_dir,
    model_dir,
) -> None:
    """Serve the web page (/), the HTTP API (/v1/..., docs at /docs) and Label Studio's ML
    backend (/label-studio: pre-annotations in the editor).

    \b
    Examples:
      spinscan serve --port 8000      # then open http://127.0.0.1:8000/
      spinscan serve --db corpus.sqlite   # with the Corpus view of a batch store
      spinscan serve --label-studio-dir ls-annotations   # Label Studio: Settings > Model > http://127.0.0.1:8000/label-studio
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

    check_listen(host, port)  # before the model loads and the banner says "running"
    get_model(model_dir)  # a bad model fails here, with a readable error, before the server starts
    if corpus_db is not None:
        from ..corpus.store import connect

        connect(corpus_db, readonly=True).close()  # so is a missing or foreign store
    if label_studio_dir is not None:
        check_output_folder(label_studio_dir, "--label-studio-dir")
    app = create_app(
        model_dir, max_body_bytes=max_body, max_batch=max_batch, max_chars=max_chars, corpus_db=corpus_db,
        allow_fetch=allow_fetch, allow_private_fetch=allow_private_fetch, label_studio_dir=label_studio_dir,
    )  # fmt: skip
    click.echo(f"spinscan {__version__}: http://{host}:{port}/ (API docs: /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


@main.command(short_help="Build a model's ONNX graphs in the cache ahead of the first analysis.")
@model_option
@friendly_errors
def prepare(model_dir) -> None:
    """Build what a model needs to answer fast, once, in the cache folder ($SPINSCAN_CACHE, default
    ~/.cache/spinscan): the ONNX graphs of an encoder model and an unpacked copy of the language
    identifier. Done on first use otherwise.

    \b
    Example:
      spinscan prepare
    """
    import time

    from ..analysis import get_model
    from ..language import detect_language

    t0 = time.perf_counter()
    model = get_model(model_dir, backend="onnx")
    detect_language("The language identifier is unpacked into the cache folder once.")
    if model.kind != "encoder":
        click.echo(f"{model.name} {model.version}: nothing to build (a {model.kind} model)", err=True)
        return
    from ..models.encoder.export import build, is_built, onnx_dir

    path = onnx_dir(model)
    if is_built(path, len(model.top_states)):
        click.echo(f"ONNX graphs of {model.name} {model.version}: ready in {path}", err=True)
        return
    with err_console.status(f"building the ONNX graphs of {model.name} {model.version} (seconds)"):
        build(model, path)
    click.echo(
        f"ONNX graphs of {model.name} {model.version}: built in {path} ({time.perf_counter() - t0:.0f} s)",
        err=True,
    )


def check_listen(host: str, port: int) -> None:
    """Refuse, before any work, an address this process cannot listen on (in use, not ours)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise InputError(f"--host {host}: not an address of this machine ({e.strerror})") from e
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise InputError(f"cannot listen on {host}:{port} ({e.strerror}); choose another --port") from e

"""What every command shares: logging set-up, one-line errors, progress bars, output checks."""

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

from ..errors import OutputError, SpinscanError, error_dict
from ..text import MAX_BYTES

err_console = Console(stderr=True)

# the option that changes each library setting an error can name (SpinscanError.setting)
FLAG_OF_SETTING = {
    "lang": "--lang CODE",
    "max_bytes": "--max-bytes N",
    "model": "--model DIR",
    "keep_clutter": "--keep-clutter",
    "allow_private": "--allow-private",
}
USER_ERROR = 2  # exit code of a user mistake (1: some of several inputs failed)


def setup_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def describe(e: SpinscanError) -> str:
    """The error's message, with the command-line option that fixes it when there is one."""
    flag = FLAG_OF_SETTING.get(e.setting or "")
    return f"{e} [{flag}]" if flag else str(e)


def about(source: str, e: SpinscanError) -> str:
    """The error's line for one input: it names the input (unless the message already does)."""
    name = "<stdin>" if source == "-" else source
    msg = describe(e)
    return msg if msg.startswith(name) else f"{name}: {msg}"


def report_failure(source: str, e: SpinscanError, as_json: bool) -> None:
    """One input failed: its error line on stderr, and with ``--json`` its error object on stdout."""
    click.echo(f"error: {about(source, e)}", err=True)
    if as_json:
        click.echo(error_json(source, e))


def error_json(source: str, e: SpinscanError) -> str:
    """The ``--json`` line of an input that failed: ``{"file", "error": {"code", "message"}}``."""
    return json.dumps(
        {"file": source, "error": {**error_dict(e), "message": describe(e)}}, ensure_ascii=False
    )


def friendly_errors(fn):
    """User mistakes become one 'error: ...' line and exit code 2, not a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SpinscanError as e:
            click.echo(f"error: {describe(e)}", err=True)
            sys.exit(USER_ERROR)

    return wrapper


def progress() -> Progress:
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


def check_output_file(path: Path, what: str) -> None:
    """Refuse, before any work, an output file that cannot be written: its folder is missing or
    not a folder, or the path is a folder."""
    if path.is_dir():
        raise OutputError(f"{what} {path}: is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{what} {path}: folder {parent} does not exist; create it first")


def check_output_folder(path: Path, what: str) -> None:
    """Refuse, before any work, an output folder that is a file or whose parent is missing."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{what} {path}: exists and is not a folder; give a folder (several inputs)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{what} {path}: folder {parent} does not exist; create it first")


model_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory (default: $SPINSCAN_MODEL or the model shipped with spinscan).",
)


def _set_backend(ctx, param, value):
    if value:  # through the environment, so batch worker processes run on it too
        import os

        os.environ["SPINSCAN_BACKEND"] = value
    return value


backend_option = click.option(
    "--backend",
    type=click.Choice(["onnx", "torch"]),
    default=None,
    expose_value=False,
    callback=_set_backend,
    is_eager=True,
    help="How the encoder model runs: onnx (default; no torch needed) or torch (the reference).",
)


def max_bytes_option(help_text: str):
    """``--max-bytes N``: a positive size limit (a negative or zero one is a usage error)."""
    return click.option(
        "--max-bytes", default=MAX_BYTES, show_default=True, type=click.IntRange(1), help=help_text
    )

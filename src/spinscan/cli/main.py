"""The `spinscan` command group; each command lives in the module of its concern."""

from __future__ import annotations

import click

from .. import __version__
from .common import setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="spinscan")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """spinscan: genre, framing and persuasion techniques in news articles.

    Languages: en fr ge(de) it po(pl) ru es gr(el) ka. Start with `spinscan analyze FILE`.
    """
    setup_logging(verbose)

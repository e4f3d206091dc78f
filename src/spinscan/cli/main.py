"""The `spinscan` command group; each command lives in the module of its concern."""

from __future__ import annotations

import sys

import click

from .. import __version__
from .common import setup_logging

# `spinscan -h` lists the commands by what a user came to do, not alphabetically
SECTIONS = (
    ("Analyse articles", ("analyze", "extract", "compare", "serve", "languages", "labels", "prepare")),
    ("Corpora over time", ("batch", "watch", "stats", "export")),
    ("Annotate and learn", ("suggest", "learn")),
    ("Research", ("predict", "evaluate", "evaluate-ptc", "train")),
)


class OneLineErrors(click.Group):
    """Usage mistakes (a bad option, a missing argument) as one ``error:`` line, exit code 2,
    like every other user mistake, instead of click's three lines of usage; the commands listed
    in sections, each with its whole first sentence."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for title, names in SECTIONS:
            rows = []
            for name in names:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=150)))
                    listed.add(name)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        rest = [(n, self.get_command(ctx, n)) for n in self.list_commands(ctx) if n not in listed]
        rows = [(n, c.get_short_help_str(limit=150)) for n, c in rest if c is not None and not c.hidden]
        if rows:
            with formatter.section("Other commands"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            cmd = e.ctx.command_path if e.ctx is not None else "spinscan"
            click.echo(f"error: {e.format_message()} (see {cmd} -h)", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            click.echo(f"error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(130)
        if isinstance(rv, int) and standalone_mode:  # (click's own exits: -h, --version)
            sys.exit(rv)
        return rv


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="spinscan")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """spinscan: genre, framing and persuasion techniques in news articles.

    Languages: the 93 its encoder was pretrained on (`spinscan languages`); articles of six
    trained the model, the others are analysed zero-shot. Start with `spinscan analyze FILE`.
    """
    setup_logging(verbose)

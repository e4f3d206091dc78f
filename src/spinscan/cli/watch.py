"""`spinscan watch`: follow outlets' feeds, sitemaps and home pages into a corpus store."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .common import check_output_file, friendly_errors, model_option, progress
from .main import main


@main.command(short_help="Follow outlets' feeds, sitemaps and home pages into a store, round after round.")
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", required=True, type=click.Path(path_type=Path), help="The corpus store (SQLite).")
@click.option("--once", is_flag=True, help="One round, then exit (for cron or a systemd timer).")
@click.option("--every", default=None, help="A round every so often (30m, 2h), until interrupted.")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(0, 3600),
              help="Seconds between two requests to one host.")  # fmt: skip
@click.option("--contact", default=None, help="A URL or e-mail address added to the User-Agent.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch private and loopback addresses that feeds, sitemaps and redirects name "
    "(intranet monitoring); by default only the sources' own origins may be private.",
)
@model_option
@friendly_errors
def watch(sources, db, once, every, delay, contact, allow_private, model_dir) -> None:
    """Follow outlets: SOURCES are RSS/Atom feed URLs, sitemap URLs (indexes and news sitemaps
    too), site home pages (their announced feeds are read) and OPML files of feeds. Each round
    reads them (conditional GETs), fetches every article not seen before (robots.txt honoured, a
    delay per host), analyses it and stores it with its address, outlet and published date.
    Addresses that the sources name on other origins are fetched only when public.

    \b
    Examples:
      spinscan watch https://example.com/feed.xml https://example.com/sitemap.xml --db news.sqlite --once
      spinscan watch feeds.opml --db news.sqlite --every 30m --contact me@example.org
      spinscan stats --db news.sqlite --by week --technique Appeal_to_Fear-Prejudice
    """
    from ..watch.http import user_agent
    from ..watch.round import MAX_ERRORS_SHOWN, parse_every, watch_once

    if once == (every is not None):
        raise click.UsageError("give either --once or --every DURATION")
    check_output_file(db, "--db")
    wait = parse_every(every) if every else 0.0
    user_agent(contact)  # (a contact that cannot be sent is refused before any work)
    rounds = 0
    while True:
        rounds += 1
        with progress() as prog:
            task = prog.add_task(f"round {rounds}", total=None)

            def cb(stage: str, done: int, total: int, task=task, n=rounds) -> None:
                prog.update(task, description=f"round {n}: {stage}", completed=done, total=total)

            summary = watch_once(list(sources), db, model_dir, delay, contact, cb, allow_private)
        click.echo(f"{time.strftime('%Y-%m-%d %H:%M')} round {rounds}: {summary.line()}")
        for e in summary.source_errors:
            click.echo(f"  source failed: {e}", err=True)
        for e in summary.article_errors[:MAX_ERRORS_SHOWN]:
            click.echo(f"  article failed: {e}", err=True)
        if len(summary.article_errors) > MAX_ERRORS_SHOWN:
            click.echo(f"  ... and {len(summary.article_errors) - MAX_ERRORS_SHOWN} more failed articles "
                       "(stored as error rows)", err=True)  # fmt: skip
        if once:
            return
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
            return

"""One round of watching: every source read (conditionally), every new article fetched, read as
``analyze`` reads web pages, analysed and stored.

Nothing is requested twice: an address already in the store (after canonicalisation), a page
robots.txt forbids, or a text already stored under another address is skipped (the last two are
remembered in ``watch_urls``). Each article is stored in its own transaction, and a source's
ETag / Last-Modified are saved only once all it listed is stored, so a round killed at any moment
and run again finishes the work without a duplicate row. A source that fails is reported in the
round's summary and never stops the others.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, SpinscanError
from ..reading.addresses import check_public
from ..reading.http import check_url
from ..reading.inflate import gunzip_capped
from .discover import Listed, announced_feeds, feed_items, kind_of, opml_feeds, read_opml_file, sitemap_items
from .http import MAX_BYTES, Busy, PoliteClient
from .urls import canonical, content_hash

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
MAX_SITEMAPS = 50  # child sitemaps of one index read in a round
MAX_SOURCE_FETCHES = 200  # feeds, sitemaps and lists read in one round, however they nest
MAX_ERRORS_SHOWN = 20


@dataclass
class Summary:
    """What a round did."""

    new: int = 0
    skipped: int = 0  # stored already, or known duplicates or disallowed pages
    duplicates: int = 0  # the same text under another address, found this round
    failed: int = 0  # articles that could not be fetched, read or analysed
    not_modified: int = 0  # sources that answered 304
    disallowed: int = 0
    source_errors: list[str] = field(default_factory=list)
    article_errors: list[str] = field(default_factory=list)  # one line per failed article

    def line(self) -> str:
        errors = f"; {len(self.source_errors)} source(s) failed" if self.source_errors else ""
        return (
            f"{self.new} new, {self.skipped} already seen, {self.duplicates} duplicate, {self.failed} "
            f"failed, {self.disallowed} disallowed by robots.txt, {self.not_modified} source(s) "
            f"unchanged{errors}"
        )


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def expand(sources: list[str]) -> list[str]:
    """Source addresses, the feeds of local OPML files in their place."""
    out = []
    for s in sources:
        p = Path(s)
        if not s.startswith(("http://", "https://")):
            if not p.is_file():
                raise InputError(f"{s}: neither an http(s) address nor an OPML file")
            out += read_opml_file(p)
        else:
            out.append(s)
    return list(dict.fromkeys(out))


class Round:
    """A round over ``sources`` into ``store`` (a SqliteStore), analysed by ``model``."""

    def __init__(self, store, model, client: PoliteClient, progress: Progress | None = None) -> None:
        self.store, self.model, self.client, self.progress = store, model, client, progress
        self.con = store.con
        self.summary = Summary()
        self.read: set[str] = set()  # sources read this round (a sitemap index naming itself: once)
        self.bound_said = False  # the bound on sources a round reads, said once

    def run(self, sources: list[str]) -> Summary:
        """Read every source; the user's own are trusted as named (see :mod:`spinscan.reading.http`)."""
        named = expand(sources)
        for src in named:
            self.client.trust(src)
        for src in named:
            self.guarded_source(src)
        return self.summary

    def guarded_source(self, url: str, depth: int = 0) -> None:
        """Read one source; whatever goes wrong is its row in the summary, never the round's end."""
        try:
            self.source(url, depth)
        except SpinscanError as e:
            self.summary.source_errors.append(str(e))
            if depth == 0:
                self.con.execute(
                    "INSERT INTO watch_sources (url, error, checked_at) VALUES (?, ?, ?) ON CONFLICT(url) DO "
                    "UPDATE SET error = excluded.error, checked_at = excluded.checked_at",
                    (url, str(e), now()),
                )
                self.con.commit()
            log.warning("%s", e)

    def fetch_source(self, url: str):
        """The source's document (a ``.gz`` one inflated), or None when it did not change since
        the last round or was read already this round."""
        if url in self.read:
            return None
        if len(self.read) >= MAX_SOURCE_FETCHES:  # said once; the rest wait for the next round
            if not self.bound_said:
                self.bound_said = True
                raise InputError(f"{url}: not read, nor any source after it: this round already read "
                                 f"{MAX_SOURCE_FETCHES} feeds and sitemaps")  # fmt: skip
            return None
        self.read.add(url)
        row = self.con.execute("SELECT etag, modified FROM watch_sources WHERE url = ?", (url,)).fetchone()
        r = self.client.get(url, row["etag"] if row else None, row["modified"] if row else None)
        if r.status == 304:
            self.summary.not_modified += 1
            return None
        r.body = gunzip_capped(r.body, MAX_BYTES, url)
        return r

    def done_with(self, url: str, r, outlet: str | None) -> None:
        """The source's validators, saved once everything it listed is stored."""
        h = {k.lower(): v for k, v in r.headers.items()}
        self.con.execute(
            "INSERT INTO watch_sources (url, outlet, etag, modified, checked_at, error) "
            "VALUES (?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT(url) DO UPDATE SET outlet = excluded.outlet, etag = excluded.etag, "
            "modified = excluded.modified, checked_at = excluded.checked_at, error = NULL",
            (url, outlet, h.get("etag"), h.get("last-modified"), now()),
        )
        self.con.commit()

    def source(self, url: str, depth: int = 0) -> None:
        r = self.fetch_source(url)
        if r is None:
            return
        kind = kind_of(r.body, r.headers.get("content-type", ""))
        outlet = None
        if kind == "feed":
            outlet, items = feed_items(r.body, r.url)
            self.articles(items, outlet or _host(r.url))
        elif kind in ("sitemap", "sitemapindex"):
            items, maps = sitemap_items(r.body, r.url)
            self.articles(items, _host(r.url))
            for child in maps[:MAX_SITEMAPS] if depth < 2 else []:
                self.guarded_source(child, depth + 1)
        elif kind == "opml":
            for feed in opml_feeds(r.body, r.url) if depth < 2 else []:
                self.guarded_source(feed, depth + 1)
        else:
            outlet, feeds = announced_feeds(r.body, r.url)
            if not feeds:
                raise InputError(f"{url}: no feed, sitemap or announced feed (<link rel=alternate>) found")
            for feed in feeds[:5] if depth < 2 else []:
                self.guarded_source(feed, depth + 1)
        self.done_with(url, r, outlet)

    def seen(self, url: str) -> bool:
        if self.con.execute("SELECT 1 FROM watch_urls WHERE url = ?", (url,)).fetchone():
            return True
        row = self.con.execute("SELECT 1 FROM articles WHERE id = ? AND model = ?", (url, self.store.model))
        return row.fetchone() is not None

    def remember(self, url: str, state: str, note: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO watch_urls VALUES (?, ?, ?, ?)", (url, state, note, now()))
        self.con.commit()

    def articles(self, items: list[Listed], outlet: str) -> None:
        for n, item in enumerate(items, start=1):
            try:
                url = canonical(check_url(item.url))
                if self.client.http.guarded(url):  # (refused here, it is one row, not robots' business)
                    check_public(url)
            except SpinscanError as e:
                key = item.url if isinstance(item.url, str) and item.url else repr(item.url)
                if self.seen(key):
                    self.summary.skipped += 1
                else:
                    self.failed(key, outlet, e)
                continue
            if self.seen(url):
                self.summary.skipped += 1
            elif not self.client.allowed(url):
                self.summary.disallowed += 1
                self.remember(url, "disallowed", "robots.txt")
            else:
                self.article(url, item, item.outlet or outlet)
            if self.progress:
                self.progress(f"articles of {outlet}", n, len(items))

    def article(self, url: str, item: Listed, outlet: str) -> None:
        from ..corpus.work import analyze_item
        from ..reading import read_bytes
        from ..reading.sources import Item

        fetched = now()
        try:
            r = self.client.get(url)
            doc = read_bytes(r.body, url, r.headers.get("content-type"), r.url)
        except Busy as e:  # not recorded: tried again next round
            self.summary.failed += 1
            log.warning("%s", e)
            return
        except SpinscanError as e:
            self.failed(url, outlet, e)
            return
        digest = content_hash(doc.text)
        twin = self.con.execute(
            "SELECT id FROM articles WHERE content_hash = ? AND model = ? AND status = 'ok'",
            (digest, self.store.model),
        ).fetchone()
        if twin:
            self.summary.duplicates += 1
            self.remember(url, "duplicate", twin["id"])
            return
        it = Item(
            id=url, text=doc.text, where=url, lang=None, title=item.title or doc.title, source=outlet,
            date=item.published or doc.date, url=url, author=doc.author, site=doc.site,
            skipped=[[k, v] for k, v in doc.skipped.items()],
        )  # fmt: skip
        rec = analyze_item(it, self.model)
        rec.update(
            canonical_url=canonical(doc.url) if doc.url else None, fetched_at=fetched, content_hash=digest
        )
        self.store.add(rec)
        if rec["status"] == "ok":
            self.summary.new += 1
        else:
            self.summary.failed += 1
            self.summary.article_errors.append(f"{url}: {rec.get('error') or rec['status']}")

    def failed(self, url: str, outlet: str, e: SpinscanError) -> None:
        """One error row for an article that cannot be had (stored, so it is not tried again)."""
        from ..corpus.work import error_record
        from ..reading.sources import Item

        self.summary.failed += 1
        self.summary.article_errors.append(str(e))
        log.warning("%s", e)
        self.store.add(
            error_record(Item(id=url, text=None, where=url, url=url, source=outlet), str(e), e.code)
        )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def watch_once(
    sources: list[str],
    db: str | Path,
    model_dir: str | Path | None = None,
    delay: float = 1.0,
    contact: str | None = None,
    progress: Progress | None = None,
    allow_private: bool = False,
) -> Summary:
    """One round over ``sources`` into the SQLite store ``db`` (created when new). The sources'
    own origins are trusted; any other address they name must be public unless ``allow_private``."""
    from .. import __version__
    from ..analysis import default_model_path, get_model
    from ..corpus.batch import model_identity
    from ..corpus.store import SqliteStore

    model_dir = str(Path(model_dir or default_model_path()).resolve())
    store = SqliteStore(db, model_identity(model_dir), list(sources), __version__)
    client = PoliteClient(delay=delay, contact=contact, allow_private=allow_private)
    try:
        return Round(store, get_model(model_dir), client, progress).run(list(sources))
    finally:
        client.close()
        store.close()


def parse_every(value: str) -> float:
    """Seconds of "30m", "1h", "90s" or a bare number of minutes."""
    v = value.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        seconds = float(v[:-1]) * units[v[-1]] if v and v[-1] in units else float(v) * 60
    except ValueError as e:
        raise InputError(f"--every {value!r}: expected a duration such as 30m, 2h or 90s") from e
    if not math.isfinite(seconds) or seconds > 366 * 86400:
        raise InputError(f"--every {value!r}: expected a duration such as 30m, 2h or 90s (at most a year)")
    if seconds < 60:
        raise InputError(f"--every {value!r}: at least a minute between rounds, to stay polite")
    return seconds

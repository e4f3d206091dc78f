"""What a source lists: the articles of an RSS or Atom feed (feedparser), of a sitemap (a sitemap
index and news sitemaps too), the feeds a site's home page announces (``<link rel=alternate>``),
and the feeds of an OPML file (what feed readers export)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from ..errors import InputError

log = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml")


@dataclass
class Listed:
    """An article a source lists: its address, and what the source says of it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601 date or time
    outlet: str | None = None


def kind_of(body: bytes, content_type: str = "") -> str:
    """feed, sitemap, sitemapindex, opml or html, from the start of the document."""
    head = body[:4096].lstrip().lower()
    if b"<urlset" in head:
        return "sitemap"
    if b"<sitemapindex" in head:
        return "sitemapindex"
    if b"<opml" in head:
        return "opml"
    if (
        b"<rss" in head
        or b"<feed" in head
        or b"<rdf:rdf" in head
        or "rss" in content_type
        or "atom" in content_type
    ):
        return "feed"
    return "html"


def join(base: str, link: str) -> str:
    """``link`` read against ``base``; a link urljoin cannot parse is kept as it is (it becomes
    that item's error row, never the source's)."""
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _iso(struct) -> str | None:
    if not struct:
        return None
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", struct)


def feed_items(body: bytes, base: str) -> tuple[str | None, list[Listed]]:
    """The feed's title and its entries (feedparser: RSS 0.9-2.0, Atom, RDF)."""
    import feedparser

    d = feedparser.parse(body)
    outlet = d.feed.get("title") or None
    out = []
    for e in d.entries:
        link = e.get("link") or next((x.get("href") for x in e.get("links", []) if x.get("href")), None)
        if not link:
            continue
        when = _iso(e.get("published_parsed") or e.get("updated_parsed"))
        out.append(Listed(join(base, link), e.get("title"), when, outlet))
    if d.bozo and not out:  # (a feed with a slip that still lists articles is read)
        raise InputError(f"{base}: not a readable feed ({d.get('bozo_exception', 'malformed XML')})")
    return outlet, out


def _xml(body: bytes, base: str):
    from lxml import etree

    try:
        return etree.fromstring(
            body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError as e:
        raise InputError(f"{base}: malformed XML ({e})") from e


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sitemap_items(body: bytes, base: str) -> tuple[list[Listed], list[str]]:
    """The pages of a sitemap (with ``lastmod`` or a news sitemap's publication date and title),
    or, for a sitemap index, the sitemaps it names."""
    root = _xml(body, base)
    pages, maps = [], []
    for node in root:
        name = _local(node.tag)
        fields = {}
        for child in node.iter():
            fields.setdefault(_local(child.tag), (child.text or "").strip())
        loc = fields.get("loc")
        if not loc:
            continue
        if name == "sitemap":
            maps.append(join(base, loc))
        elif name == "url":
            when = fields.get("publication_date") or fields.get("lastmod") or None
            pages.append(
                Listed(join(base, loc), fields.get("title") or None, when, fields.get("name") or None)
            )
    return pages, maps


def opml_feeds(body: bytes, where: str) -> list[str]:
    """The feed addresses of an OPML file (``outline`` elements with ``xmlUrl``)."""
    root = _xml(body, where)
    return [o.get("xmlUrl") for o in root.iter() if _local(o.tag) == "outline" and o.get("xmlUrl")]


def announced_feeds(body: bytes, base: str) -> tuple[str | None, list[str]]:
    """A home page's name and the feeds it announces (``<link rel="alternate" type=...rss/atom>``)."""
    from lxml import html

    try:
        doc = html.fromstring(body)
    except (ValueError, TypeError) as e:
        raise InputError(f"{base}: not a readable page ({e})") from e
    feeds = [
        join(base, link.get("href"))
        for link in doc.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and (link.get("type") or "").lower() in FEED_TYPES
        and link.get("href")
    ]
    site = doc.findtext(".//title")
    return (site.strip() if site else None), feeds


def read_opml_file(path: Path) -> list[str]:
    """The feeds of a local OPML file."""
    try:
        return opml_feeds(path.read_bytes(), str(path))
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror})") from e

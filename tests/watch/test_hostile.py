"""The hostile trial of watch (issue 38): two sites on 127.0.0.1, an "outlet" whose feeds,
sitemaps, lists and redirects name an "internal service" on another port. The internal site
must receive no request at all; every malformed address, bomb, drip or odd charset costs one
row of the round's summary and never the round."""

from __future__ import annotations

import sqlite3
import time
import zlib

import pytest

from spinscan.analysis import default_lexical_path
from spinscan.errors import InputError
from spinscan.reading.http import HttpClient
from spinscan.watch.round import watch_once

from .site import Site, page, rss

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

LEXICAL = str(default_lexical_path())
D1 = "Mon, 02 Nov 2026 08:00:00 GMT"


@pytest.fixture
def two():
    outlet, internal = Site(), Site()
    outlet.routes["/robots.txt"] = (404, {}, b"")
    for n in range(1, 4):
        outlet.html(f"/news/a{n}", n, f"Story {n}")
    internal.html("/secret", 99, "Internal secret")
    internal.xml("/feed.xml", rss([(f"{internal.url}/secret", "Secret", D1)]))
    yield outlet, internal
    outlet.close()
    internal.close()


def stored(db) -> dict[str, tuple]:
    con = sqlite3.connect(db)
    return {r[0]: r for r in con.execute("SELECT id, status, error_code, error, text FROM articles")}


def internal_spellings(port: int) -> list[str]:
    return [f"http://{h}:{port}/secret" for h in
            ("127.0.0.1", "2130706433", "0x7f.1", "127.1", "localhost", "0.0.0.0", "0177.0.0.1",
             "[::ffff:127.0.0.1]", "[::1]", "[::ffff:7f00:1]")]  # fmt: skip


def test_feed_items_sitemaps_lists_home_pages_and_redirects_never_reach_the_internal_site(two, tmp_path):
    outlet, internal = two
    u, port = outlet.url, internal.server.server_address[1]
    bad = internal_spellings(port)
    outlet.routes["/jump"] = (302, {"Location": f"{internal.url}/secret"}, b"")
    items = [(x, "bad", D1) for x in bad] + [(f"{u}/jump", "jump", D1), (f"{u}/news/a1", "Story 1", D1)]
    outlet.xml("/feed.xml", rss(items))
    outlet.xml("/index.xml", b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
               b'sitemap/0.9"><sitemap><loc>' + f"{internal.url}/map.xml".encode() + b"</loc></sitemap>"
               b"<sitemap><loc>" + f"{u}/index.xml".encode() + b"</loc></sitemap></sitemapindex>")  # fmt: skip
    outlet.xml("/list.opml", f'<opml version="2.0"><body><outline xmlUrl="{internal.url}/feed.xml"/>'
               f'<outline xmlUrl="{u}/missing.xml"/><outline xmlUrl="{u}/feed2.xml"/></body></opml>'.encode())  # fmt: skip
    outlet.xml("/feed2.xml", rss([(f"{u}/news/a2", "Story 2", D1)]))
    outlet.routes["/home"] = (200, {"Content-Type": "text/html"}, (
        f'<html><head><title>Home</title><link rel="alternate" type="application/rss+xml" '
        f'href="{internal.url}/feed.xml"><link rel="alternate" type="application/rss+xml" href="{u}/feed3.xml">'
        "</head><body>home</body></html>").encode())  # fmt: skip
    outlet.xml("/feed3.xml", rss([(f"{u}/news/a3", "Story 3", D1)]))
    db = tmp_path / "w.sqlite"
    sources = [f"{u}/feed.xml", f"{u}/index.xml", f"{u}/list.opml", f"{u}/home"]
    s = watch_once(sources, db, LEXICAL, delay=0.0)
    assert internal.log == [], internal.log
    got = stored(db)
    assert {k for k, r in got.items() if r[1] == "ok"} == {f"{u}/news/a{n}" for n in (1, 2, 3)}
    refused = [r for r in got.values() if r[2] == "address_refused"]
    malformed = [r for r in got.values() if r[2] == "invalid_input"]  # 0177.0.0.1: octal is refused as such
    assert len(refused) == len(bad) and len(malformed) == 1 and s.failed == len(bad) + 1, (
        got
    )  # + the redirect
    assert all("Internal secret" not in (r[4] or "") for r in got.values())
    # each refused sitemap / feed is one source row; the feeds after the failing ones were read
    errors = " | ".join(s.source_errors)
    assert errors.count("refused") == 2 and "missing.xml" in errors, errors  # (the feed named twice: once)
    # a second round: nothing new, still no request inside
    s2 = watch_once(sources, db, LEXICAL, delay=0.0)
    assert internal.log == [] and s2.new == 0


def test_allow_private_opts_out_for_intranet_monitoring(two, tmp_path):
    outlet, internal = two
    outlet.xml("/feed.xml", rss([(f"{internal.url}/secret", "Secret", D1)]))
    s = watch_once([f"{outlet.url}/feed.xml"], tmp_path / "w.sqlite", LEXICAL, delay=0.0, allow_private=True)
    assert s.new == 1 and "/secret" in internal.log


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:abc/x", "http://[::1/x", "http://127.0.0.1:99999/x", "http://exa mple.com/x",
     "ftp://example.com/x", "http:///x", "javascript:alert(1)"],
)  # fmt: skip
def test_a_malformed_item_address_is_one_error_row_and_the_round_goes_on(two, tmp_path, url):
    outlet, _ = two
    u = outlet.url
    outlet.xml("/feed.xml", rss([(url, "bad", D1), (f"{u}/news/a1", "Story 1", D1)]))
    outlet.xml("/feed2.xml", rss([(f"{u}/news/a2", "Story 2", D1)]))
    db = tmp_path / "w.sqlite"
    s = watch_once([f"{u}/feed.xml", f"{u}/feed2.xml"], db, LEXICAL, delay=0.0)
    assert s.new == 2 and s.failed == 1 and len(s.article_errors) == 1 and not s.source_errors
    assert [r[1] for r in stored(db).values()].count("error") == 1
    again = watch_once([f"{u}/feed.xml", f"{u}/feed2.xml"], db, LEXICAL, delay=0.0)
    assert again.failed == 0 and again.new == 0  # (the error row is not tried again)


def test_a_malformed_source_address_is_one_source_row(two, tmp_path):
    outlet, _ = two
    outlet.xml("/feed.xml", rss([(f"{outlet.url}/news/a1", "Story 1", D1)]))
    s = watch_once(["http://[::1/x", "http://127.0.0.1:abc/", f"{outlet.url}/feed.xml"], tmp_path / "w.sqlite",
                   LEXICAL, delay=0.0)  # fmt: skip
    assert s.new == 1 and len(s.source_errors) == 2


def bomb(size: int = 200_000_000) -> bytes:
    """gzip of ``size`` zero bytes (about a thousandth of it)."""
    c, zeros = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join([c.compress(zeros) for _ in range(size >> 20)] + [c.flush()])


def test_gzip_bombs_cost_one_row_each_and_little_memory(two, tmp_path):
    import tracemalloc

    outlet, _ = two
    u, b = outlet.url, bomb()
    outlet.routes["/news/file"] = (200, {"Content-Type": "text/html"}, b)  # a .gz served as is
    outlet.routes["/news/encoded"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, b)
    outlet.routes["/map.xml.gz"] = (200, {"Content-Type": "application/x-gzip"}, b)
    outlet.xml("/feed.xml", rss([(f"{u}/news/file", "f", D1), (f"{u}/news/encoded", "e", D1),
                                 (f"{u}/news/a1", "Story 1", D1)]))  # fmt: skip
    tracemalloc.start()
    try:
        s = watch_once([f"{u}/feed.xml", f"{u}/map.xml.gz"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert s.new == 1 and s.failed == 2 and len(s.source_errors) == 1, (s, s.source_errors)
    assert all("MB" in e for e in [*s.article_errors, *s.source_errors])
    assert peak < 150e6, peak  # (the model's own allocations included; the bombs inflate to 200 MB each)


def test_a_gzipped_sitemap_is_read(two, tmp_path):
    from .site import sitemap

    outlet, _ = two
    body = zlib.compressobj(9, zlib.DEFLATED, 31)
    gz = body.compress(sitemap([(f"{outlet.url}/news/a1", "2026-11-04")])) + body.flush()
    outlet.routes["/sitemap.xml.gz"] = (200, {"Content-Type": "application/gzip"}, gz)
    s = watch_once([f"{outlet.url}/sitemap.xml.gz"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert s.new == 1 and not s.source_errors


@pytest.mark.parametrize(
    "codec", ["base64_codec", "zlib_codec", "hex", "rot13", "idna", "undefined", "punycode"]
)
def test_a_declared_non_text_charset_is_read_as_an_unknown_one(two, tmp_path, codec):
    outlet, _ = two
    u = outlet.url
    latin = page(5, "Caf\u00e9 story").replace(b"Caf\xc3\xa9", b"Caf\xe9")  # not UTF-8
    outlet.routes["/news/odd"] = (200, {"Content-Type": f"text/html; charset={codec}"}, latin)
    meta = latin.replace(b"<head>", f'<head><meta charset="{codec}">'.encode())
    outlet.routes["/news/meta"] = (200, {"Content-Type": "text/html"}, meta)
    outlet.xml("/feed.xml", rss([(f"{u}/news/odd", "o", D1), (f"{u}/news/meta", "m", D1)]))
    s = watch_once([f"{u}/feed.xml"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert s.new + s.duplicates == 2 and s.failed == 0, s.article_errors


def test_a_drip_is_cut_at_the_deadline(two):
    outlet, _ = two
    outlet.routes["/drip"] = (200, {}, b"x" * 400)
    outlet.drip["/drip"] = 0.05  # headers and body a byte every 50 ms: 20 s in all
    t0 = time.monotonic()
    with HttpClient([outlet.url], timeout=1.5) as c, pytest.raises(InputError, match="timed out"):
        c.get(f"{outlet.url}/drip")
    assert time.monotonic() - t0 < 4


def test_robots_applies_to_redirect_targets_and_a_failing_robots_disallows_the_host(two, tmp_path):
    outlet, _ = two
    u = outlet.url
    outlet.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private\n",
    )
    outlet.html("/private/p", 8, "Private")
    outlet.routes["/news/r1"] = (302, {"Location": "/private/p"}, b"")
    outlet.xml("/feed.xml", rss([(f"{u}/news/r1", "r", D1), (f"{u}/news/a1", "Story 1", D1)]))
    s = watch_once([f"{u}/feed.xml"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert "/private/p" not in outlet.log and s.new == 1 and s.failed == 1
    outlet.routes["/robots.txt"] = (500, {}, b"oops")
    outlet.log.clear()
    s = watch_once([f"{u}/feed.xml"], tmp_path / "x.sqlite", LEXICAL, delay=0.0)
    assert s.new == 0 and "robots.txt" in s.source_errors[0]  # the feed too: the host is closed this round
    assert [p for p in outlet.log if p != "/robots.txt"] == []


def test_a_long_retry_after_leaves_the_host_for_the_round(two, tmp_path):
    outlet, _ = two
    u = outlet.url
    for n in (1, 2, 3):
        outlet.routes[f"/news/b{n}"] = (429, {"Retry-After": "3600"}, b"slow down")
    outlet.xml("/feed.xml", rss([(f"{u}/news/b{n}", "b", D1) for n in (1, 2, 3)]))
    s = watch_once([f"{u}/feed.xml"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert [p for p in outlet.log if p.startswith("/news/")] == ["/news/b1"] and s.failed == 3


def test_a_self_referencing_sitemap_index_is_read_once(two, tmp_path):
    outlet, _ = two
    u = outlet.url
    idx = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           + b"".join(f"<sitemap><loc>{u}/idx.xml?k={k}</loc></sitemap>".encode() for k in range(40))
           + f"<sitemap><loc>{u}/idx.xml</loc></sitemap></sitemapindex>".encode())  # fmt: skip
    outlet.xml("/idx.xml", idx)
    watch_once([f"{u}/idx.xml"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert outlet.log.count("/idx.xml") == 1 and len([p for p in outlet.log if p.startswith("/idx")]) <= 200

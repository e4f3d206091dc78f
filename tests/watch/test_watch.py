"""`spinscan watch` against a site served on 127.0.0.1: exactly the distinct articles stored,
robots.txt honoured, conditional GETs, nothing requested twice, new items only, 429 waited out,
broken sources reported and never stopping the others, a round killed with kill -9 finished."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spinscan.analysis import default_lexical_path
from spinscan.watch import canonical, content_hash
from spinscan.watch.round import parse_every, watch_once

from .site import Site, atom, page, rss, sitemap

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

LEXICAL = str(default_lexical_path())
D1, D2, D3 = "Mon, 02 Nov 2026 08:00:00 GMT", "2026-11-03T09:30:00Z", "2026-11-04"


@pytest.fixture
def site():
    s = Site()
    u = s.url
    s.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /news/private\n",
    )
    for n in range(1, 6):
        s.html(f"/news/a{n}", n, f"Story {n}")
    s.routes["/news/a5"] = s.routes["/news/a4"]  # the same text under a second address
    s.html("/news/private-1", 9, "Private")
    s.xml("/feed.xml", rss([(f"{u}/news/a1", "Story 1", D1), (f"{u}/news/a2?utm_source=rss&utm_medium=x", "Story 2", D1),
                            (f"{u}/news/a2#comments", "Story 2 again", D1), (f"{u}/news/private-1", "No", D1)]))  # fmt: skip
    s.xml("/atom.xml", atom([(f"{u}/news/a3", "Story 3", D2), (f"{u}/news/a1", "Story 1", D2)]))
    s.xml("/sitemap.xml", sitemap([(f"{u}/news/a4", D3), (f"{u}/news/a5", D3)]))
    yield s
    s.close()


def rows(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    return con.execute(
        "SELECT id, status, source, date, title, fetched_at FROM articles ORDER BY id"
    ).fetchall()


def test_one_round_stores_exactly_the_distinct_articles_and_a_second_requests_no_page_again(site, tmp_path):
    db, u = tmp_path / "w.sqlite", site.url
    sources = [f"{u}/feed.xml", f"{u}/atom.xml", f"{u}/sitemap.xml"]
    s = watch_once(sources, db, LEXICAL, delay=0.0)
    got = {r[0]: r for r in rows(db)}
    assert set(got) == {f"{u}/news/a{n}" for n in (1, 2, 3, 4)}, got.keys()  # a5 is a4's text
    assert (s.new, s.duplicates, s.disallowed) == (4, 1, 1) and all(r[1] == "ok" for r in got.values())
    assert got[f"{u}/news/a1"][2] == "The Daily Test" and got[f"{u}/news/a1"][3] == "2026-11-02T08:00:00Z"
    assert got[f"{u}/news/a3"][3] == "2026-11-03T09:30:00Z" and got[f"{u}/news/a4"][3] == D3
    assert "/news/private-1" not in site.log and site.log.count("/robots.txt") == 1
    assert sorted(site.pages_requested()) == ["/news/a1", "/news/a2", "/news/a3", "/news/a4", "/news/a5"]
    # a second round: sources unchanged (304), no article page requested, nothing added
    site.log.clear()
    again = watch_once(sources, db, LEXICAL, delay=0.0)
    assert site.pages_requested() == [] and (again.new, again.not_modified) == (0, 3)
    assert len(rows(db)) == 4
    # an item added to the feed: exactly that page is fetched and stored
    site.html("/news/a6", 6, "Story 6")
    site.xml("/feed.xml", rss([(f"{u}/news/a6", "Story 6", D1), (f"{u}/news/a1", "Story 1", D1)]))
    site.log.clear()
    third = watch_once(sources, db, LEXICAL, delay=0.0)
    assert site.pages_requested() == ["/news/a6"] and third.new == 1 and third.skipped == 1
    assert len(rows(db)) == 5


def test_429_is_waited_out_and_broken_sources_do_not_stop_the_others(site, tmp_path):
    u, calls = site.url, {"n": 0}

    def busy_once():
        calls["n"] += 1
        if calls["n"] == 1:
            return (429, {"Retry-After": "1"}, b"slow down")
        return (200, {"Content-Type": "text/html"}, page(7, "Story 7"))

    site.routes["/news/a7"] = busy_once
    site.xml("/busy.xml", rss([(f"{u}/news/a7", "Story 7", D1)]))
    site.xml("/broken.xml", b"<rss><channel><item><title>unclosed")
    site.routes["/loop"] = (302, {"Location": f"{u}/loop2"}, b"")
    site.routes["/loop2"] = (302, {"Location": f"{u}/loop"}, b"")
    site.routes["/huge.xml"] = (
        200,
        {"Content-Type": "application/xml"},
        b"<rss>" + b" " * 6_000_000 + b"</rss>",
    )
    t0 = time.time()
    s = watch_once([f"{u}/broken.xml", f"{u}/loop", f"{u}/huge.xml", f"{u}/missing.xml", f"{u}/busy.xml"],
                   tmp_path / "w.sqlite", LEXICAL, delay=0.0)  # fmt: skip
    assert s.new == 1 and calls["n"] == 2 and time.time() - t0 >= 1.0
    errors = " | ".join(s.source_errors)
    assert len(s.source_errors) == 4 and "redirect loop" in errors and "404" in errors and "MB" in errors
    assert "broken.xml" in errors


def test_a_home_page_and_an_opml_list_lead_to_their_feeds(site, tmp_path):
    u = site.url
    site.routes["/"] = (200, {"Content-Type": "text/html"},
                        b'<html><head><title>Test Site</title><link rel="alternate" type="application/atom+xml" '
                        b'href="/atom.xml"></head><body>home</body></html>')  # fmt: skip
    s = watch_once([u + "/"], tmp_path / "w.sqlite", LEXICAL, delay=0.0)
    assert s.new == 2 and {r[0] for r in rows(tmp_path / "w.sqlite")} == {f"{u}/news/a3", f"{u}/news/a1"}
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<opml version="2.0"><body><outline text="x" xmlUrl="{u}/feed.xml"/></body></opml>')
    s2 = watch_once([str(opml)], tmp_path / "o.sqlite", LEXICAL, delay=0.0)
    assert s2.new == 2 and s2.disallowed == 1


def test_urls_hashes_and_durations():
    assert (
        canonical("HTTPS://Example.com:443/a/b?utm_source=x&id=3&fbclid=y#top")
        == "https://example.com/a/b?id=3"
    )
    assert canonical("http://example.com") == "http://example.com/"
    assert content_hash("The  cat, sat.") == content_hash("the cat sat") != content_hash("the dog sat")
    assert parse_every("30m") == 1800 and parse_every("2h") == 7200 and parse_every("5") == 300
    with pytest.raises(Exception, match="at least a minute"):
        parse_every("10s")


def test_a_round_killed_mid_way_and_run_again_stores_every_article_once(site, tmp_path):
    u, db = site.url, tmp_path / "k.sqlite"
    for n in range(10, 16):
        site.html(f"/news/k{n}", n, f"Story {n}")
        site.slow[f"/news/k{n}"] = 0.4
    site.xml("/k.xml", rss([(f"{u}/news/k{n}", f"Story {n}", D1) for n in range(10, 16)]))
    cmd = [sys.executable, "-m", "spinscan", "watch", f"{u}/k.xml", "--db", str(db), "--once",
           "--delay", "0", "--model", LEXICAL]  # fmt: skip
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:  # killed once some, not all, are stored
        try:
            if db.is_file() and 1 <= len(rows(db)) < 6:
                break
        except sqlite3.OperationalError:  # (the store's schema is being written)
            pass
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert 1 <= len(rows(db)) < 6
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    ids = [x[0] for x in rows(db)]
    assert sorted(ids) == sorted(f"{u}/news/k{n}" for n in range(10, 16)) and len(ids) == len(set(ids))
    assert "round 1:" in r.stdout and "already seen" in r.stdout

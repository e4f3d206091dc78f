"""Batch runs over web pages: folders of HTML, WARC crawls, html and url columns."""

from __future__ import annotations

import io
import json
from pathlib import Path

from spinscan.corpus.batch import run_batch
from spinscan.corpus.store import connect
from spinscan.reading.sources import iter_items, list_inputs

from ..corpus.test_batch import LEXICAL
from .test_pages import PARAS, page, site  # noqa: F401  (the local web server fixture)


def warc(path: Path, pages: dict[str, bytes]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=path.suffix == ".gz")
        w.write_record(w.create_warcinfo_record("crawl", {"software": "test"}))
        for uri, body in pages.items():
            ctype = "image/png" if uri.endswith(".png") else "text/html; charset=utf-8"
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(
                w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    return path


def test_html_folders_warc_and_columns_become_items(tmp_path: Path):
    (tmp_path / "crawl" / "bridge").mkdir(parents=True)
    (tmp_path / "crawl" / "bridge" / "story.html").write_text(page(), encoding="utf-8")
    warc(
        tmp_path / "crawl" / "c.warc.gz",
        {"https://x.test/a": page().encode(), "https://x.test/logo.png": b"PNG"},
    )
    rows = [
        {"id": "h1", "html": page()},
        {"id": "u1", "url": "https://x.test/b"},
        {"id": "t1", "text": "T\n\nx"},
    ]
    (tmp_path / "crawl" / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = {i.id: i for i in iter_items(list_inputs([tmp_path / "crawl"]))}
    assert set(items) == {"bridge/story", "https://x.test/a", "h1", "u1", "t1"}
    story = items["bridge/story"]
    assert story.error is None and story.source == "bridge" and story.site == "Daily Bridge"
    assert story.text.split("\n")[2:] == PARAS and story.date == "2024-03-05" and story.title
    assert (
        items["https://x.test/a"].url == "https://x.test/a"
        and items["https://x.test/a"].source == "Daily Bridge"
    )
    assert items["h1"].text.split("\n")[2:] == PARAS
    assert items["u1"].fetch == "https://x.test/b" and items["u1"].text is None  # fetched when its turn comes


def test_a_warc_without_html_and_a_bad_page_are_error_rows(tmp_path: Path):
    warc(tmp_path / "empty.warc", {"https://x.test/logo.png": b"PNG"})
    (tmp_path / "nav.html").write_text("<!DOCTYPE html><html><body><nav>Home</nav></body></html>")
    items = list(iter_items(list_inputs([tmp_path / "empty.warc", tmp_path / "nav.html"])))
    assert len(items) == 2 and "no HTML page" in items[0].error and "no article text" in items[1].error


def test_a_batch_of_pages_fills_source_and_month_and_fetches_urls_once(tmp_path: Path, site):  # noqa: F811
    rows = [
        {"id": "a", "html": page()},
        {"id": "b", "url": f"{site}/story"},
        {"id": "c", "url": f"{site}/missing"},
    ]
    inp = tmp_path / "in.jsonl"
    inp.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    db = tmp_path / "c.sqlite"
    s = run_batch([inp], db, LEXICAL)
    assert (s.ok, s.errors) == (2, 1)
    con = connect(db, readonly=True)
    got = {r["id"]: dict(r) for r in con.execute("SELECT * FROM articles")}
    assert got["a"]["source"] == got["b"]["source"] == "Daily Bridge" and got["a"]["month"] == "2024-03"
    assert got["b"]["site"] == "Daily Bridge" and got["b"]["author"] == "Ana Novak"
    assert got["c"]["error_code"] == "invalid_input" and "answered 404" in got["c"]["error"]
    again = run_batch([inp], db, LEXICAL)  # resumable: nothing is fetched or analysed twice
    assert (again.ok, again.skipped) == (0, 3)

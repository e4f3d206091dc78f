"""Web pages by file, bytes and URL: recognised by content, charset respected, failures one line."""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from pathlib import Path

import pytest

from spinscan.errors import InputError
from spinscan.reading import read_bytes, read_source
from spinscan.reading.html import decode_html, looks_like_html

PARAS = [
    "The city council voted on Tuesday to close the old bridge to cars from next spring, officials said.",
    "Engineers warned last year that the structure, built in 1931, needed repairs costing millions of euros.",
    "Shop owners on both banks fear that fewer drivers will mean fewer customers in the busy months ahead.",
    "The mayor promised a free shuttle bus and said the council would review the decision after a year.",
]


def page(
    charset: str = "utf-8", title: str = "Council closes the old bridge to cars", extra: str = ""
) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
        '<meta name="author" content="Ana Novak"><meta property="og:site_name" content="Daily Bridge">'
        '<meta property="article:published_time" content="2024-03-05"></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{title}</h1>{body}{extra}</article>"
        "<footer>© 2024 Daily Bridge. All rights reserved.</footer></body></html>"
    )


def test_a_page_gives_its_article_and_metadata():
    doc = read_bytes(page().encode(), "story.html")
    assert doc.kind == "html" and doc.title == "Council closes the old bridge to cars"
    assert doc.author == "Ana Novak" and doc.date == "2024-03-05" and doc.site == "Daily Bridge"
    assert doc.body.split("\n") == PARAS
    assert doc.text.split("\n")[0] == doc.title and doc.text.split("\n")[1] == ""
    d = doc.to_dict()
    assert set(d) >= {"file", "title", "body", "text", "paragraphs", "date", "author", "site", "url", "lang"}
    for p in d["paragraphs"]:  # offsets index the text
        assert doc.text[p["start"] : p["end"]].rstrip("\r") == p["text"]


def test_html_is_recognised_by_content_whatever_the_name():
    data = page().encode()
    assert looks_like_html(data) and not looks_like_html(b"Title\n\nA plain article.\n")
    assert read_bytes(data, "upload.txt").kind == "html"
    assert read_bytes(gzip.compress(data), "saved.html.gz").kind == "html"
    assert read_bytes(b"Title\n\n" + PARAS[0].encode(), "a.txt").kind == "text"


def test_the_declared_charset_is_respected():
    html = page(charset="iso-8859-1", title="Zürich schließt die Brücke für Autos").encode("latin-1")
    doc = read_bytes(html, "de.html")
    assert doc.title == "Zürich schließt die Brücke für Autos"
    assert decode_html("<p>caf\u00e9</p>".encode("cp1252"), "windows-1252") == "<p>café</p>"
    # a meta charset that disagrees with the bytes: the bytes decode as UTF-8, nothing is lost
    assert "Zürich" in decode_html(page(charset="iso-8859-1", title="Zürich").encode("utf-8"))


def test_duplicate_and_boilerplate_lines_of_a_page_are_marked():
    extra = f"<p>Advertisement</p><p>{PARAS[1]}</p>"
    doc = read_bytes(page(extra=extra).encode(), "p.html")
    reasons = sorted(doc.skipped.values())
    assert reasons == ["boilerplate", "duplicate"] or reasons == [
        "duplicate"
    ]  # (trafilatura may drop the ad)
    assert doc.body.split("\n") == PARAS  # marked lines are not in the body


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>",
            "index.html",
            "no article text",
        ),
        (b"\x00\x01\x02binary\x00" * 50, "photo.html", "binary"),
        (b"<html><body><p>" + b"\xff" * 30, "broken.html", "no article text"),
    ],
)
def test_pages_without_an_article_are_one_clear_error(data, name, message):
    with pytest.raises(InputError, match=message):
        read_bytes(data, name)


def test_truncated_html_still_reads_what_is_there():
    data = page().encode()[: page().find(PARAS[3][:20])]
    doc = read_bytes(data, "cut.html")
    assert doc.body.split("\n")[:3] == PARAS[:3]


def test_a_page_over_the_size_limit_is_refused_before_parsing(tmp_path: Path):
    big = tmp_path / "big.html"
    big.write_bytes(page().encode() + b" " * 3000)
    with pytest.raises(InputError, match="limit"):
        read_source(str(big), max_bytes=2000)


# ---- URLs, served from 127.0.0.1 ------------------------------------------------------------
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        routes = {
            "/story": (200, "text/html; charset=utf-8", page().encode()),
            "/plain": (200, "text/plain", ("Title\n\n" + "\n".join(PARAS)).encode()),
            "/pdf": (200, "application/pdf", b"%PDF-1.4"),
            "/missing": (404, "text/html", b"not here"),
            "/broken": (500, "text/html", b"oops"),
            "/big": (200, "text/html", page().encode() + b" " * 50_000),
        }
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/story")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        status, ctype, body = routes.get(self.path, routes["/story"])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (too large, time-out)
            pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_url_is_fetched_and_read(site):
    doc = read_source(f"{site}/story")
    assert doc.kind == "html" and doc.body.split("\n") == PARAS
    assert read_source(f"{site}/moved").body.split("\n") == PARAS  # a redirect followed
    assert read_source(f"{site}/plain").kind == "text"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered 404"),
        ("/broken", "answered 500"),
        ("/pdf", "application/pdf, not a web page"),
        ("/loop", "a redirect loop"),
        ("/big", "over the limit"),
    ],
)
def test_url_failures_are_one_clear_line(site, path, message):
    with pytest.raises(InputError, match=message) as e:
        read_source(f"{site}{path}", max_bytes=20_000)
    assert "\n" not in str(e.value)


def test_time_outs_refused_connections_and_unknown_hosts(site):
    from spinscan.reading.fetch import fetch

    with pytest.raises(InputError, match="timed out"):
        fetch(f"{site}/slow", timeout=1.0, allow_private=True)
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="refused|cannot connect"):
        fetch(f"http://127.0.0.1:{port}/x", allow_private=True)
    with pytest.raises(InputError, match="cannot be found|cannot connect"):
        fetch("http://no-such-host.invalid/x")


def test_private_addresses_are_refused_unless_allowed(site):
    from spinscan.reading import read_url

    with pytest.raises(InputError, match="loopback, private") as e:
        read_url(f"{site}/story", allow_private=False)
    assert e.value.setting == "allow_private" and e.value.code == "address_refused"
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"):
        with pytest.raises(InputError, match="refused"):
            read_url(url, allow_private=False)
    assert read_url(f"{site}/story", allow_private=True).kind == "html"

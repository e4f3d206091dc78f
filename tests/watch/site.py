"""A small news site served on 127.0.0.1 for the watch tests: feeds, sitemaps, robots.txt and
article pages that the tests change between rounds, with a log of every request."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("council budget river bridge school tax hospital election farmers market railway police "
         "museum harbour festival court minister energy water housing").split()  # fmt: skip


def page(n: int, title: str) -> bytes:
    """An article page whose text differs for each n."""
    paras = []
    for k in range(5):
        words = [WORDS[(n * 7 + k * 3 + j) % len(WORDS)] for j in range(28)]
        paras.append(
            f"<p>Article {n}, part {k}: the " + " ".join(words) + " were discussed at length today.</p>"
        )
    return (f"<!doctype html><html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(paras) + "</article></body></html>").encode()  # fmt: skip


def rss(items: list[tuple[str, str, str]], title: str = "The Daily Test") -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>" for link, t, d in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><published>{d}</published></entry>'
        for link, t, d in items
    )
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>{entries}'
            "</feed>").encode()  # fmt: skip


def sitemap(urls: list[tuple[str, str]]) -> bytes:
    rows = "".join(
        f"<url><loc>{u}</loc><news:news><news:publication_date>{d}</news:publication_date>"
        f"<news:title>Sitemap story</news:title></news:news></url>"
        for u, d in urls
    )
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + rows + "</urlset>").encode()  # fmt: skip


class Site:
    """routes: path -> (status, headers, body) or a callable returning that; log: paths requested."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.log: list[str] = []
        self.slow: dict[str, float] = {}
        self.drip: dict[str, float] = {}  # path -> seconds between bytes of the whole answer
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.log.append(self.path)
                route = site.routes.get(self.path, site.routes.get(self.path.split("?")[0]))
                if callable(route):
                    route = route()
                if route is None:
                    route = (404, {}, b"not found")
                status, headers, body = route
                if status == 200 and body:
                    etag = '"' + hashlib.md5(body).hexdigest() + '"'
                    if self.headers.get("if-none-match") == etag:
                        status, body = 304, b""
                    headers = {"ETag": etag, **headers}
                time.sleep(site.slow.get(self.path, 0))
                if self.path in site.drip:  # status line, headers and body a byte at a time
                    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
                    try:
                        for i in range(len(raw)):
                            self.wfile.write(raw[i : i + 1])
                            self.wfile.flush()
                            time.sleep(site.drip[self.path])
                    except OSError:  # the client gave up
                        pass
                    self.close_connection = True
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def html(self, path: str, n: int, title: str) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(n, title))

    def xml(self, path: str, body: bytes) -> None:
        self.routes[path] = (200, {"Content-Type": "application/xml"}, body)

    def pages_requested(self) -> list[str]:
        return [p for p in self.log if p.startswith("/news/")]

    def close(self) -> None:
        self.server.shutdown()

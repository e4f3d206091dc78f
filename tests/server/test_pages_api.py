"""The API reads web pages (html field, .html upload, fetched URL) and never trusts the page."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from spinscan.analysis import default_lexical_path
from spinscan.server.app import create_app

from ..reading.test_pages import PARAS, page, site  # noqa: F401  (the local web server fixture)
from .test_api import ARTICLE, err


def app(**kw):
    return TestClient(create_app(default_lexical_path(), **kw))


def test_html_field_and_html_upload_are_read_as_pages():
    with app() as c:
        r = c.post("/v1/analyze", json={"html": page(), "lang": "en"})
        assert r.status_code == 200, r.text
        d = r.json()
        assert d["kind"] == "html" and d["site"] == "Daily Bridge" and d["text"].split("\n")[2:] == PARAS
        r = c.post("/v1/analyze", files={"file": ("story.html", page().encode(), "text/html")})
        assert r.status_code == 200 and r.json()["title"] == "Council closes the old bridge to cars"
        pasted = "\n".join(
            ["Home", "World", "Sport", "Council closes the old bridge", *PARAS, "Advertisement"]
        )
        d = c.post("/v1/analyze", json={"text": pasted, "lang": "en"}).json()
        assert [p["skipped"] for p in d["paragraphs"]] == ["navigation"] * 3 + [None] * 5 + ["boilerplate"]
        d = c.post("/v1/analyze", json={"text": pasted, "lang": "en", "keep_clutter": True}).json()
        assert not any(p["skipped"] for p in d["paragraphs"])
        err(c.post("/v1/analyze", json={"text": "x", "html": "<p>y</p>"}), 422, "invalid_request")
        nav = "<!DOCTYPE html><html><body><nav>Home</nav></body></html>"
        assert "no article text" in err(c.post("/v1/analyze", json={"html": nav}), 400, "invalid_input")


def test_urls_only_with_allow_fetch_and_never_private_addresses(site):  # noqa: F811
    with app() as c:
        assert c.get("/healthz").json()["fetch"] is False
        err(c.post("/v1/analyze", json={"url": f"{site}/story"}), 403, "fetch_disabled")
    with app(allow_fetch=True) as c:
        assert c.get("/healthz").json()["fetch"] is True
        # the test site is on 127.0.0.1: refused, as would be the metadata address or a LAN host
        assert "loopback, private" in err(
            c.post("/v1/analyze", json={"url": f"{site}/story"}), 400, "address_refused"
        )
        err(c.post("/v1/analyze", json={"url": "http://169.254.169.254/latest/"}), 400, "address_refused")
    with app(allow_fetch=True, allow_private_fetch=True) as c:
        r = c.post("/v1/analyze", json={"url": f"{site}/story", "lang": "en"})
        assert r.status_code == 200 and r.json()["url"].endswith("/story")
        assert "answered 404" in err(
            c.post("/v1/analyze", json={"url": f"{site}/missing"}), 400, "invalid_input"
        )


def test_a_batch_with_bad_articles_answers_each_on_its_own():
    with app() as c:
        arts = [{"text": ""}, {"text": 5, "id": "five"}, {"text": ARTICLE, "lang": "en", "id": "ok"}, "x"]
        r = c.post("/v1/analyze/batch", json={"articles": arts})
        assert r.status_code == 200, r.text
        res = r.json()["results"]
        assert [x.get("error", {}).get("code") for x in res] == ["invalid_request", "invalid_request", None,
                                                                  "invalid_request"]  # fmt: skip
        assert res[1]["id"] == "five" and res[2]["id"] == "ok" and res[2]["genre"]
        err(c.post("/v1/analyze/batch", json={"articles": []}), 422, "invalid_request")
        err(c.post("/v1/analyze/batch", json={"nope": 1}), 422, "invalid_request")


def test_a_text_longer_than_the_old_200000_characters_fits_the_body_limit():
    long = "Title\n\n" + ("The council met again and decided nothing at all. " * 5000)  # 250,000 characters
    with app(max_body_bytes=1_000_000) as c:
        r = c.post("/v1/analyze", json={"text": long, "lang": "en"})
        assert r.status_code == 200, r.text[:300]


def test_security_headers_on_the_page_and_the_api():
    with app() as c:
        for path in ("/", "/static/app.js", "/v1/techniques", "/healthz"):
            h = c.get(path).headers
            assert "default-src 'self'" in h["content-security-policy"], path
            assert (
                "frame-ancestors 'none'" in h["content-security-policy"]
                and "unsafe-inline" not in h["content-security-policy"]
            )
            assert h["x-content-type-options"] == "nosniff"
        assert "<script>" not in c.get("/").text  # no inline script on the page (the CSP forbids it)
        assert " on" not in c.get("/").text.split("<body")[1].split(">")[0]


def test_a_client_that_disconnects_mid_body_leaves_no_traceback(caplog):
    import asyncio

    application = create_app(default_lexical_path())

    async def run() -> list[dict]:
        sent: list[dict] = []
        msgs = [
            {"type": "http.request", "body": b'{"text": "Tit', "more_body": True},
            {"type": "http.disconnect"},
        ]

        async def receive():
            return msgs.pop(0) if msgs else {"type": "http.disconnect"}

        async def send(m):
            sent.append(m)

        scope = {"type": "http", "method": "POST", "path": "/v1/analyze", "headers": [
            (b"content-type", b"application/json"), (b"content-length", b"1000")], "query_string": b"",
            "http_version": "1.1", "scheme": "http", "server": ("t", 80), "client": ("c", 1), "root_path": ""}  # fmt: skip
        await application(scope, receive, send)
        return sent

    with caplog.at_level(logging.WARNING):
        sent = asyncio.run(run())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
        r.getMessage() for r in caplog.records
    ]
    assert sent and sent[0]["type"] == "http.response.start" and sent[0]["status"] == 400


def test_the_api_docs_work_offline():
    with app() as c:
        page = c.get("/docs")
        assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
        assert "cdn" not in page.text.lower()
        js = c.get("/docs-assets/swagger-ui-bundle.js")
        assert js.status_code == 200 and len(js.content) > 100_000

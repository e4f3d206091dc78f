"""Fetching for users never holds the analysis workers (issue 38, item 12): slow URLs in two
batches leave a text request its worker, and one request's URLs share one fetching budget."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from fastapi.testclient import TestClient

from spinscan.analysis import default_lexical_path
from spinscan.server import fetching
from spinscan.server.app import create_app

from .test_hostile import Page

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

ARTICLE = "Council vote\n\nThe corrupt elite lied to us again, and the council voted on the budget today."


class Slow(Page):
    def do_GET(self) -> None:
        time.sleep(2.0)
        super().do_GET()


@pytest.fixture(scope="module")
def slow():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_slow_urls_in_two_batches_leave_the_workers_to_text(slow):
    app = create_app(default_lexical_path(), workers=1, allow_fetch=True, allow_private_fetch=True)
    with TestClient(app) as c:
        c.post("/v1/analyze", json={"text": ARTICLE, "lang": "en"})  # (warm)
        batch = {"articles": [{"url": f"{slow}/a{k}", "lang": "en"} for k in range(2)]}
        answers: list = []
        threads = [threading.Thread(target=lambda: answers.append(c.post("/v1/analyze/batch", json=batch)))
                   for _ in range(2)]  # fmt: skip
        for t in threads:
            t.start()
        time.sleep(0.5)  # both batches are fetching now (4 s of slow pages each)
        t0 = time.monotonic()
        r = c.post("/v1/analyze", json={"text": ARTICLE, "lang": "en"})
        waited = time.monotonic() - t0
        for t in threads:
            t.join()
    assert r.status_code == 200 and waited < 2.0, waited
    assert all(a.status_code == 200 and all("error" not in x for x in a.json()["results"]) for a in answers)


def test_one_requests_urls_share_one_fetching_budget(slow, monkeypatch):
    monkeypatch.setattr(fetching, "FETCH_BUDGET", 3.0)
    app = create_app(default_lexical_path(), allow_fetch=True, allow_private_fetch=True)
    with TestClient(app) as c:
        batch = {"articles": [{"url": f"{slow}/b{k}", "lang": "en"} for k in range(3)]}
        t0 = time.monotonic()
        res = c.post("/v1/analyze/batch", json=batch).json()["results"]
        took = time.monotonic() - t0
    codes = [x.get("error", {}).get("code") for x in res]
    assert codes[0] is None and codes[2] == "fetch_timeout" and took < 6.5, (codes, took)

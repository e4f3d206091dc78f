"""The HTTP API: endpoints, every kind of bad input as a 4xx JSON error, admission control,
and schemathesis against our own OpenAPI schema (no 500, responses match the schema)."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from spinscan.analysis import default_lexical_path
from spinscan.corpus.store import SqliteStore
from spinscan.labels import FRAMES, GENRES, TECHNIQUES
from spinscan.server.app import ApiError, create_app
from spinscan.server.limits import Gate

from ..conftest import EXAMPLE, need_shared

# The API layer is the same for every model kind; the lexical model keeps these tests fast.
APP = create_app(default_lexical_path(), max_batch=3)
ARTICLE = "Headline about the vote\n\nThe corrupt elite betrayed the nation again, as always.\nFin.\n"


@pytest.fixture(scope="module")
def client():
    with TestClient(APP) as c:
        yield c


def err(r, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]["message"]


def test_analyze_json_has_the_cli_structure_and_offsets(client):
    r = client.post("/v1/analyze", json={"text": ARTICLE, "lang": "en", "id": "a1"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["id"] == "a1" and d["genre"] in GENRES and set(d["frame_scores"]) == set(FRAMES)
    assert d["model"]["name"] and d["timings"]["analyze_s"] >= 0 and d["text"] == ARTICLE
    assert [p["line_no"] for p in d["paragraphs"]] == [1, 3, 4]
    for p in d["paragraphs"]:
        assert ARTICLE[p["start"] : p["end"]] == p["text"]
        for s in p["spans"]:
            assert s["technique"] in p["techniques"] and p["start"] <= s["start"] < s["end"] <= p["end"]


def test_title_becomes_line_one_and_offsets_index_the_returned_text(client):
    d = client.post("/v1/analyze", json={"text": "Body line one.\nBody two.", "title": "A title"}).json()
    assert d["text"].startswith("A title\n\n") and d["paragraphs"][0]["text"] == "A title"
    assert d["paragraphs"][1]["line_no"] == 3


def test_upload_and_plain_text_bodies(client):
    need_shared()
    data = EXAMPLE.read_bytes()
    r = client.post("/v1/analyze", files={"file": ("a.txt", data, "text/plain")}, data={"lang": "en"})
    assert r.status_code == 200 and len(r.json()["paragraphs"]) > 50
    r = client.post("/v1/analyze", content=data, headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 200 and r.json()["lang"] == "en" and r.json()["lang_detected"]


def test_bad_inputs_are_clear_4xx_json_errors(client):
    err(client.post("/v1/analyze", json={"text": ""}), 422, "invalid_request")
    err(client.post("/v1/analyze", json={"text": "   \n "}), 400, "invalid_input")
    assert "text" in err(client.post("/v1/analyze", json={"text": 5}), 422, "invalid_request")
    err(client.post("/v1/analyze", json={"txt": "x"}), 422, "invalid_request")
    err(client.post("/v1/analyze", json=["x"]), 422, "invalid_request")
    assert "unknown language code" in err(
        client.post("/v1/analyze", json={"text": ARTICLE, "lang": "xx"}), 400, "unsupported_language"
    )
    nl = "Il-gvern ħabbar it-Tnejn miżuri ġodda kontra l-inflazzjoni, qal il-ministru tal-finanzi."  # Maltese
    err(client.post("/v1/analyze", json={"text": nl}), 400, "unsupported_language")
    bad = b'{"text": "caf\xe9"}'
    err(
        client.post("/v1/analyze", content=bad, headers={"content-type": "application/json"}),
        400,
        "invalid_utf8",
    )
    err(
        client.post("/v1/analyze", content=b"{nope", headers={"content-type": "application/json"}),
        400,
        "invalid_json",
    )
    err(
        client.post("/v1/analyze", content=b"\x00\x01binary\x00", headers={"content-type": "text/plain"}),
        400,
        "invalid_input",
    )
    surrogate = b'{"text": "\\ud800 lone surrogate"}'  # valid JSON, invalid Unicode
    err(
        client.post("/v1/analyze", content=surrogate, headers={"content-type": "application/json"}),
        422,
        "invalid_request",
    )
    err(
        client.post("/v1/analyze", content=b"x", headers={"content-type": "image/png"}),
        415,
        "unsupported_media_type",
    )
    err(client.post("/v1/analyze", json={"text": "x" * 1_200_000}), 413, "too_large")
    err(client.get("/v1/nothing"), 404, "not_found")
    err(client.get("/v1/analyze"), 405, "method_not_allowed")


def test_batch_keeps_going_past_a_bad_article_and_is_bounded(client):
    r = client.post(
        "/v1/analyze/batch", json={"articles": [{"text": ARTICLE, "id": "ok"}, {"text": " ", "id": "bad"}]}
    )
    assert r.status_code == 200
    res = r.json()["results"]
    assert res[0]["id"] == "ok" and res[0]["genre"] in GENRES
    assert res[1] == {"id": "bad", "error": {"code": "invalid_input", "message": res[1]["error"]["message"]}}
    err(
        client.post("/v1/analyze/batch", json={"articles": [{"text": ARTICLE}] * 4}), 413, "too_many_articles"
    )


def test_only_the_web_assets_are_served(client):
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/example.txt").text.startswith("City council approves")  # the invented example
    err(client.get("/static/__init__.py"), 404, "not_found")  # the package's Python source is not an asset
    err(client.get("/static/missing.js"), 404, "not_found")


def test_label_endpoints_define_every_label(client):
    for path, names in (("/v1/techniques", TECHNIQUES), ("/v1/frames", FRAMES), ("/v1/genres", GENRES)):
        items = client.get(path).json()
        assert [i["name"] for i in items] == list(names)
        assert all(len(i["definition"]) > 20 and len(i["example"]) > 10 for i in items)
    # the served model (lexical) has no held-out table: precision and recall are null, not made up
    assert all(i["precision"] is None and i["recall"] is None for i in client.get("/v1/techniques").json())
    assert all(i["precision_zero_shot"] is None for i in client.get("/v1/techniques").json())
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["model"]["kind"] == "lexical"
    assert client.get("/openapi.json").json()["paths"]["/v1/analyze"]["post"]
    docs = client.get("/openapi-docs.json").json()  # for the offline Swagger UI (4.x reads 3.0 only)
    assert docs["openapi"] == "3.0.3" and docs["paths"] == client.get("/openapi.json").json()["paths"]
    assert "spinscan" in client.get("/").text and client.get("/static/app.js").status_code == 200


def test_a_flood_gets_429_while_admitted_work_completes():
    gate = Gate(workers=1, max_pending=2)

    async def flood():
        return await asyncio.gather(*(gate.run(time.sleep, 0.2) for _ in range(6)), return_exceptions=True)

    res = asyncio.run(flood())
    busy = [r for r in res if isinstance(r, ApiError)]
    assert len(busy) == 4 and all(e.status == 429 and e.code == "busy" for e in busy)
    assert sum(r is None for r in res) == 2 and gate.pending == 0


def test_queued_text_is_bounded_and_a_lone_request_always_gets_in():
    gate = Gate(workers=1, max_pending=10, max_queued_chars=1_000)

    async def flood():
        jobs = [gate.run(time.sleep, 0.2, chars=600), gate.run(time.sleep, 0.2, chars=600),
                gate.run(time.sleep, 0.2, chars=300)]  # fmt: skip
        return await asyncio.gather(*jobs, return_exceptions=True)

    first, second, third = asyncio.run(flood())
    assert first is None and third is None  # 600 + 300 fit in 1,000 characters
    assert isinstance(second, ApiError) and second.status == 429 and "characters" in second.message
    assert int(second.headers["Retry-After"]) >= 1
    assert gate.queued_chars == 0 and gate.pending == 0
    alone = Gate(workers=1, max_pending=10, max_queued_chars=10)
    assert asyncio.run(alone.run(len, "x", chars=5_000)) == 1  # nothing waits: let in


def test_too_long_text_is_refused_before_any_work():
    app = create_app(default_lexical_path(), max_chars=2_000)
    with TestClient(app) as c:
        long = "Headline\n\n" + "The council met again today. " * 100  # 2,910 characters
        r = c.post("/v1/analyze", json={"text": long, "lang": "en"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_long"
        assert "2,000" in r.json()["error"]["message"]
        r = c.post("/v1/analyze", content=long.encode(), headers={"content-type": "text/plain"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_long"
        page = (
            "<html><body><article>"
            + "<p>The council met again today and talked.</p>" * 60
            + "</article></body></html>"
        )
        r = c.post("/v1/analyze", json={"html": page, "lang": "en"})  # its text is known once read
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_long"
        short = {"text": "Headline\n\nThe council met again today and approved the plan.", "lang": "en"}
        r = c.post(
            "/v1/analyze/batch", json={"articles": [short] * 3 + [{"text": long[:1900], "lang": "en"}]}
        )
        assert r.status_code == 413 and "together" in r.json()["error"]["message"]
        r = c.post("/v1/analyze/batch", json={"articles": [short] * 3})
        assert r.status_code == 200 and all("error" not in x for x in r.json()["results"])


schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_schema_fuzzing(case):
    """Schemathesis: generated requests never cause a 5xx, and responses match the schema."""
    check_case(case)


def check_case(case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(json.loads(response.text)) == {"error"}
    if response.status_code == 413:  # the body limit answers before any schema check, by design
        assert json.loads(response.text)["error"]["code"] in ("too_large", "too_many_articles")
        return
    # Every other check applies; a schema-valid text may still be in a language we do not
    # analyse, and that is a 400 by design, so "schema-valid data must be accepted" does not.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


# ---- the corpus endpoints (`serve --db`), on a small store of hand-made records ----------------
def _corpus_db() -> Path:
    from ..corpus.test_store import error_rec, rec

    path = Path(tempfile.mkdtemp(prefix="spinscan-api-")) / "c.sqlite"
    store = SqliteStore(path, "model-A", ["in.jsonl"], "test")
    for k in range(6):
        store.add(rec(str(k), "AB"[k % 2], f"2022-0{1 + k % 3}-01"))
    store.add(error_rec("e"))
    store.close()
    return path


CORPUS_APP = create_app(default_lexical_path(), corpus_db=_corpus_db())


def test_corpus_endpoints():
    with TestClient(CORPUS_APP) as c:
        ov = c.get("/v1/corpus").json()
        assert (ov["ok"], ov["errors"], ov["sources"], ov["model"]) == (6, 1, ["A", "B"], "model-A")
        t = c.get("/v1/corpus/stats", params={"by": "month", "technique": "Doubt"}).json()
        assert t["groups"] == ["2022-01", "2022-02", "2022-03"] and t["counts"] == [[2], [2], [2]]
        t = c.get("/v1/corpus/stats", params={"what": "frames", "by": "none", "source": "A"}).json()
        assert t["groups"] == ["all"] and t["articles"] == [3]
        lst = c.get("/v1/corpus/articles", params={"source": "B", "limit": 2}).json()
        assert lst["total"] == 3 and len(lst["articles"]) == 2
        a = c.get(f"/v1/corpus/articles/{lst['articles'][0]['pk']}").json()
        assert a["meta"]["source"] == "B" and a["paragraphs"][1]["text"] == "They are traitors."
        err(c.get("/v1/corpus/articles/999"), 404, "not_found")
        e = c.get("/v1/corpus/errors").json()
        assert e["total"] == 1 and e["errors"][0]["error"] and e["model"] == "model-A"
        assert "YYYY-MM" in err(c.get("/v1/corpus/stats", params={"since": "May"}), 422, "invalid_request")
        assert "unknown technique" in err(
            c.get("/v1/corpus/stats", params={"technique": "X"}), 422, "invalid_request"
        )
        assert "unknown language" in err(
            c.get("/v1/corpus/articles", params={"lang": "xx"}), 422, "invalid_request"
        )
        assert "not found" in err(c.get("/v1/corpus", params={"model": "nope"}), 400, "invalid_request")
    with TestClient(APP) as c:  # started without --db
        assert "--db" in err(c.get("/v1/corpus/stats"), 404, "no_corpus")


corpus_schema = schemathesis.openapi.from_asgi("/openapi.json", CORPUS_APP).include(path_regex="^/v1/corpus")


@pytest.mark.slow
@corpus_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_corpus_schema_fuzzing(case):
    """Generated corpus queries never cause a 5xx, and every answer matches the schema."""
    check_case(case)


def test_languages_endpoint_and_a_zero_shot_article(client):
    body = client.get("/v1/languages").json()
    assert body["model"].startswith("spinscan-lexical") and len(body["languages"]) == 93
    by = {r["code"]: r for r in body["languages"]}
    assert by["ge"]["iso"] == "de" and by["ge"]["status"] == "trained" and by["pt"]["status"] == "zero-shot"
    assert by["ja"]["detected"] and not by["yi"]["detected"] and body["quality"] == {}
    pt = "Manchete\n\nO governo corrupto mentiu ao povo outra vez, disse o líder da oposição.\n"
    a = client.post("/v1/analyze", json={"text": pt}).json()
    assert (a["lang"], a["lang_name"], a["zero_shot"], a["lang_detected"]) == ("pt", "Portuguese", True, True)
    assert 0.5 < a["lang_confidence"] <= 1
    b = client.post("/v1/analyze", json={"text": pt, "lang": "pt-BR"}).json()
    assert (b["lang"], b["zero_shot"], b["lang_confidence"]) == ("pt", True, None)
    assert client.post("/v1/analyze", json={"text": ARTICLE}).json()["zero_shot"] is False

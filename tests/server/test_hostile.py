"""What a hostile trial of 0.4.0 found on the server (issue 28): a request's ``url`` must never
make the server read one of its own files, and pathological JSON gets a 4xx JSON answer."""

from __future__ import annotations

import http.server
import logging
import threading

import pytest
from fastapi.testclient import TestClient

from spinscan.analysis import default_lexical_path
from spinscan.errors import InputError
from spinscan.reading.fetch import check_http_url
from spinscan.server.app import create_app
from spinscan.server.body import MAX_JSON_DEPTH, json_depth

SECRET = "root:x:0:0:the-server-secret-line"
PAGE = (
    "<html><head><title>Council vote</title></head><body><article><h1>Council vote</h1>"
    + "".join(
        f"<p>The council met on Monday and voted on item {k} of the agenda today.</p>" for k in range(6)
    )
    + "</article></body></html>"
)


class Page(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def fetching():
    # the most trusting server: it fetches, private addresses included
    app = create_app(default_lexical_path(), allow_fetch=True, allow_private_fetch=True)
    with TestClient(app) as c:
        yield c


def local_spellings(secret_file) -> list[str]:
    absolute = str(secret_file)
    return [
        absolute,
        secret_file.name,  # relative to the server's working folder
        f"./{secret_file.name}",
        f"../{secret_file.parent.name}/{secret_file.name}",
        f"file://{absolute}",
        f"FILE://{absolute}",
        f"file:{absolute}",
        f"file://localhost{absolute}",
        f"File:///{absolute.lstrip('/')}",
        f"  file://{absolute}",
        f"//{absolute.lstrip('/')}",
        f"http:{absolute}",  # no host
        f"http://{absolute}",  # the path as a host-less URL
        f"http:///{absolute.lstrip('/')}",
        f"HTTP://{absolute}",
        f" http://127.0.0.1{absolute}",
        f"ftp://127.0.0.1{absolute}",
        "data:text/plain,root:x:0:0",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "gopher://127.0.0.1/x",
        "jar:file:///etc/passwd!/",
        "~/.ssh/id_rsa",
        "/etc/passwd",
        "\\\\server\\share\\file.txt",
        "http://\x00/etc/passwd",
        "http://exa mple.com/",
        "http://example.com:notaport/",
    ]


def test_the_url_field_never_reads_a_local_file(fetching, tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n" + "The same line again for the reader.\n" * 3, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for url in local_spellings(secret):
        r = fetching.post("/v1/analyze", json={"url": url})
        assert r.status_code in (400, 422), (url, r.status_code)
        assert SECRET not in r.text and "root:x:0:0" not in r.text.replace(url, ""), url
        assert r.json()["error"]["code"] in ("invalid_input", "invalid_request"), url
    batch = [{"url": u, "id": str(k)} for k, u in enumerate(local_spellings(secret)[:16])]
    r = fetching.post("/v1/analyze/batch", json={"articles": batch})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == len(batch) and all("error" in x for x in results)
    assert SECRET not in r.text


def test_a_real_web_page_is_still_fetched(fetching, site):
    r = fetching.post("/v1/analyze", json={"url": f"{site}/story?id=1"})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "html" and "council" in r.json()["text"].lower()


def test_check_http_url_accepts_only_absolute_http_urls():
    assert check_http_url("https://example.com/a?b=1#c") == "https://example.com/a?b=1#c"
    assert check_http_url("http://[2001:db8::1]:8080/x")
    for bad in ("", "/etc/passwd", "example.com/story", "file:///etc/passwd", "mailto:a@b.c", None, 5):
        with pytest.raises(InputError):
            check_http_url(bad)


def nested(depth: int) -> bytes:
    return b'{"text": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 5_000, 100_000])
def test_deep_json_is_a_4xx_json_answer_without_a_traceback(fetching, depth, caplog):
    with caplog.at_level(logging.DEBUG):
        for path in ("/v1/analyze", "/v1/analyze/batch"):
            r = fetching.post(path, content=nested(depth), headers={"content-type": "application/json"})
            assert r.status_code == 400, (path, depth, r.text[:200])
            assert r.json()["error"]["code"] == "invalid_json"
    assert not [rec for rec in caplog.records if rec.exc_info or "Traceback" in rec.getMessage()]


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"text": "[[[{{ \\" ]]] \\\\"}') == 1
    assert json_depth(b'{"a": [{"b": []}]}') == 4
    assert json_depth(b'"' + b'\\"' * 10_000) == 0  # an unclosed string of escapes stays linear
    ok = b'{"text": "' + b"[" * 5_000 + b'", "lang": "en"}'  # brackets as text are fine
    assert json_depth(ok) == 1


def test_head_of_the_page_and_a_latin1_text_body(fetching):
    assert fetching.head("/").status_code == 200
    text = "Le conseil a approuvé le budget\n\nLe conseil municipal a approuvé le nouveau budget lundi soir après un débat."
    r = fetching.post(
        "/v1/analyze", content=text.encode("latin-1"), headers={"content-type": "text/plain; charset=latin-1"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["text"] == text  # read in the declared charset, not refused as "not UTF-8"
    r = fetching.post("/v1/analyze", content=text.encode("utf-8"), headers={"content-type": "text/plain"})
    assert r.status_code == 200 and r.json()["text"] == text


def test_script_inside_the_headline_stays_out_of_the_title():
    from spinscan.reading import read_bytes

    body = "".join(
        f"<p>{'The council met on Monday and approved the budget for the new year. ' * 3}</p>"
        for _ in range(4)
    )
    html = (
        "<html><head><title>Council approves budget</title></head><body><article>"
        "<h1>Council approves budget<script>var tracker = {id: 42};</script><style>h1{color:red}</style></h1>"
        f"{body}</article></body></html>"
    )
    doc = read_bytes(html.encode(), "page.html", "text/html")
    assert doc.title == "Council approves budget"
    assert "tracker" not in doc.text and "color" not in doc.text


@pytest.mark.parametrize(
    "codec", ["base64_codec", "zlib_codec", "hex", "rot13", "idna", "undefined", "punycode"]
)
def test_a_declared_non_text_charset_is_a_4xx_never_a_500(fetching, codec):
    text = "Le conseil a approuvé le budget\n\nLe conseil municipal a approuvé le nouveau budget lundi."
    r = fetching.post(
        "/v1/analyze",
        content=text.encode("latin-1"),
        headers={"content-type": f"text/plain; charset={codec}"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input", r.text
    files = {"file": ("a.txt", text.encode("latin-1"), f"text/plain; charset={codec}")}
    assert fetching.post("/v1/analyze", files=files).status_code == 400


def test_a_gzip_bomb_upload_is_refused_at_the_body_limit(fetching):
    import zlib

    c, zeros = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    bomb = b"".join([c.compress(zeros) for _ in range(200)] + [c.flush()])  # 200 MB in ~200 KB
    r = fetching.post("/v1/analyze", files={"file": ("page.html.gz", bomb, "application/gzip")})
    assert r.status_code == 400 and "inflates to more than" in r.json()["error"]["message"], r.text


def test_a_number_of_thousands_of_digits_is_a_400(fetching):
    body = '{"text": "Title\\n\\nSome words here.", "id": ' + "9" * 5000 + "}"
    for path in ("/v1/analyze", "/v1/analyze/batch"):
        r = fetching.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"

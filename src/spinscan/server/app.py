"""The HTTP API and the web page (FastAPI): a thin layer over ``analyze()``.

One model is loaded at start-up and shared by all requests. Analyses run in worker
threads (never on the event loop), at most ``workers`` at a time; when more than
``max_pending`` requests wait, new ones get 429 at once instead of piling up. Every
error is JSON ``{"error": {"code", "message"}}`` with a 4xx status.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .. import __version__
from ..analysis import analyze, get_model
from ..errors import InputError, SpinscanError
from ..reading import read_bytes, text_document
from ..reading.html import looks_like_html
from ..text import check_text
from .body import json_body
from .corpus import corpus_router
from .errors import ApiError, error_response
from .fetching import PageFetcher
from .label_studio import label_studio_router
from .labels import labels_router, model_version
from .limits import BodyLimit, Gate, too_long
from .schema import (
    AnalysisOut,
    AnalyzeIn,
    BatchIn,
    BatchOut,
    ErrorOut,
)

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parents[1] / "web"


ASSET_SUFFIXES = (".html", ".js", ".css", ".svg", ".png", ".ico", ".txt")


def swagger_assets() -> Path | None:
    """Swagger UI's files from the swagger-ui-bundle package, when installed."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


class Assets(StaticFiles):
    """The web page's assets only: the folder's Python files are not served."""

    async def get_response(self, path: str, scope):
        if not path.endswith(ASSET_SUFFIXES):
            raise StarletteHTTPException(404, "Not Found")
        return await super().get_response(path, scope)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
OPEN_PAGES = ("/docs", "/redoc")  # FastAPI's documentation pages load their own assets


class SecurityHeaders:
    """ASGI middleware: the page shows untrusted text, so no inline script, no framing, no sniffing."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        strict = not scope.get("path", "").startswith(OPEN_PAGES)

        async def with_headers(msg):
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers") or [])
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if strict:
                    headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                msg = {**msg, "headers": headers}
            await send(msg)

        return await self.app(scope, receive, with_headers)


def create_app(
    model_path: str | Path | None = None,
    max_body_bytes: int = 1_000_000,
    max_batch: int = 16,
    workers: int = 2,
    max_pending: int = 32,
    max_chars: int = 300_000,
    max_queued_chars: int = 600_000,
    corpus_db: str | Path | None = None,
    allow_fetch: bool = False,
    allow_private_fetch: bool = False,
    label_studio_dir: str | Path | None = None,
) -> FastAPI:
    """The app: /v1 API, /healthz, the web page at /, docs at /docs; /v1/corpus with a store.

    With ``allow_fetch`` the server fetches the URLs it is given, refusing loopback, private,
    link-local and metadata addresses (also after a redirect) unless ``allow_private_fetch``.
    A request analyses at most ``max_chars`` characters (a batch in all), and at most
    ``max_queued_chars`` wait (see :mod:`.limits`).
    """
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state["model"] = get_model(model_path)  # once, shared by every request
        state["started"] = time.time()
        yield

    app = FastAPI(
        title="spinscan",
        version=__version__,
        description="Genre, framing and persuasion techniques (with spans) in news articles, in the 93 "
        "languages its encoder was pretrained on (GET /v1/languages).",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets: the default page loads them from a CDN
        responses={
            400: {"model": ErrorOut},
            403: {"model": ErrorOut},
            413: {"model": ErrorOut},
            415: {"model": ErrorOut},
            422: {"model": ErrorOut},
            429: {"model": ErrorOut},
        },
    )
    gate = Gate(workers, max_pending, max_queued_chars)
    fetcher = PageFetcher(allow_fetch, allow_private_fetch, max_body_bytes, max_pending)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, e: ApiError):
        return error_response(e.status, e.code, e.message, e.headers)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, e: ClientDisconnect):
        # the client left mid-body: nobody reads an answer, and it is no fault of ours to log
        log.info("client disconnected before sending its whole request")
        return error_response(400, "client_disconnected", "the request body was not sent in full")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, e: RequestValidationError):
        return error_response(422, "invalid_request", _describe(e.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
        return error_response(e.status_code, code, str(e.detail), getattr(e, "headers", None))

    def read(item: AnalyzeIn, upload: Upload | None):
        """The document to analyse: an upload's, a fetched page's, the html's or the text's."""
        keep = item.keep_clutter
        if upload is not None:
            return read_bytes(upload.data, upload.name, upload.content_type, charset=upload.charset,
                              max_bytes=max_body_bytes, keep_clutter=keep)  # fmt: skip
        if item.html is not None:
            return read_bytes(item.html.encode("utf-8"), "html", "text/html", charset="utf-8",
                              max_bytes=max_body_bytes, keep_clutter=keep)  # fmt: skip
        return text_document(check_text(item.full_text(), "text", max_body_bytes), "text", keep_clutter=keep)

    def analysis_of(text: str, lang: str | None, id: str | None = None, skipped=None):
        """One analysis in a worker thread, for the API and Label Studio's backend alike."""
        if len(text) > max_chars:  # (a fetched page or html: known only once read)
            raise too_long(len(text), max_chars)
        try:
            model = state.get("model") or get_model(model_path)
            return analyze(text, lang=lang, model=model, id=id, skipped=skipped)
        except SpinscanError as e:  # input and language errors; model errors fail at start-up
            raise ApiError.of(e) from e

    def run_one(item: AnalyzeIn, upload: Upload | None = None, page=None) -> dict[str, Any]:
        try:
            doc = page if page is not None else read(item, upload)
        except SpinscanError as e:
            raise ApiError.of(e) from e
        result = analysis_of(doc.text, item.lang, item.id, doc.skipped)
        meta = {k: getattr(doc, k) for k in ("kind", "title", "author", "date", "site", "url")}
        return {**result.to_dict(), "text": doc.text, **meta}

    @app.post("/v1/analyze", response_model=AnalysisOut, openapi_extra=AnalyzeIn.openapi_body())
    async def analyze_endpoint(request: Request) -> dict[str, Any]:
        """Analyse one article: JSON `{text, lang?, title?}`, a `.txt` upload (multipart field `file`),
        or a `text/plain` body. Offsets index `text` of the response (the title, when given, is line 1)."""
        item, upload = await _read_item(request, max_body_bytes)
        page = None
        if upload is None and item.url is not None:  # fetched first, outside the analysis workers
            page = await fetcher.read(item.url, item.keep_clutter, fetcher.deadline())
        chars, exact = (len(page.text), True) if page is not None else _chars(item, upload)
        if exact and chars > max_chars:
            raise too_long(chars, max_chars)
        return await gate.run(run_one, item, upload, page, chars=min(chars, max_chars))

    @app.post(
        "/v1/analyze/batch",
        response_model=BatchOut,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": BatchIn.model_json_schema()}},
            }
        },
    )
    async def analyze_batch(request: Request) -> dict[str, Any]:
        """Analyse up to `max_batch` articles; a bad article gets an error entry, the others go on."""
        payload = json_body(await request.body())
        articles = payload.get("articles") if isinstance(payload, dict) else None
        if not isinstance(articles, list) or not articles or set(payload) - {"articles"}:
            raise ApiError(
                422,
                "invalid_request",
                'expected JSON {"articles": [{"text": ...}, ...]} with at least one article',
            )
        if len(articles) > max_batch:
            raise ApiError(
                413, "too_many_articles", f"{len(articles)} articles; at most {max_batch} per batch"
            )
        total = sum(_raw_chars(raw)[0] for raw in articles if _raw_chars(raw)[1])
        if total > max_chars:  # refused whole, before any work
            raise too_long(total, max_chars, f"the batch's {len(articles)} articles together")
        results = []
        deadline = fetcher.deadline()  # the batch's URLs share one fetching budget
        for k, raw in enumerate(articles):  # each article is checked on its own
            given_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            try:
                item = _validated(raw)
                page = None if item.url is None else await fetcher.read(item.url, item.keep_clutter, deadline)
                chars = min(len(page.text) if page is not None else _raw_chars(raw)[0], max_chars)
                results.append(await gate.run(run_one, item, None, page, chars=chars))
            except ApiError as e:
                if e.status == 429:
                    raise
                results.append({"id": given_id or str(k), "error": {"code": e.code, "message": e.message}})
        return {"results": results}

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        m = state.get("model")
        return {
            "status": "ok" if m else "starting",
            "fetch": allow_fetch,  # whether the server fetches URLs (the page shows a link field)
            "model": {"name": m.name, "kind": m.kind, "version": m.version} if m else None,
            "version": __version__,
            "uptime_s": round(time.time() - state.get("started", time.time()), 1),
        }

    app.include_router(labels_router(model_path))
    app.include_router(corpus_router(corpus_db))

    async def queued(text: str, lang: str | None):
        return await gate.run(analysis_of, text, lang, chars=min(len(text), max_chars))

    version = model_version(model_path)
    app.include_router(label_studio_router(queued, version, label_studio_dir, max_batch))

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB / "index.html")

    app.mount("/static", Assets(directory=WEB), name="static")
    docs_assets = swagger_assets()
    if docs_assets is not None:
        app.mount("/docs-assets", Assets(directory=docs_assets), name="docs-assets")

    @app.get("/openapi-docs.json", include_in_schema=False)
    async def openapi_for_docs() -> dict[str, Any]:
        """/openapi.json labelled 3.0.3 for the page: the Swagger UI that PyPI ships (4.15) reads
        only 3.0 documents and shows "no valid version field" for FastAPI's 3.1."""
        return dict(app.openapi(), openapi="3.0.3")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        """The API documentation (Swagger UI from the swagger-ui-bundle package: works offline)."""
        from fastapi.openapi.docs import get_swagger_ui_html

        if docs_assets is None:
            return error_response(
                404, "not_found", "API docs need the swagger-ui-bundle package; /openapi.json is here"
            )
        return get_swagger_ui_html(
            openapi_url="/openapi-docs.json", title="spinscan API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js", swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )  # fmt: skip

    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _describe(errors) -> str:
    parts: list[str] = []
    in_body = False
    for e in list(errors)[:3]:
        loc = e.get("loc", ())
        in_body = in_body or (bool(loc) and loc[0] == "body")
        where = ".".join(str(x) for x in loc if x != "body") or "body"
        part = f"{where}: {e.get('msg', 'invalid')}"
        if part not in parts:
            parts.append(part)
    hint = ' (expected JSON {"text": "...", "lang"?: "en", "title"?: "..."})' if in_body else ""
    return "; ".join(parts) + hint


@dataclass
class Upload:
    """A file sent in a multipart body (or a text/plain body): read like a file on disk."""

    data: bytes
    name: str
    content_type: str | None
    charset: str | None = None


async def _read_item(request: Request, max_bytes: int) -> tuple[AnalyzeIn, Upload | None]:
    """The article of a request, whichever of the three body kinds it uses."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        try:
            form = await request.form()
        except Exception as e:  # malformed multipart
            raise ApiError(400, "invalid_request", f"cannot read the multipart body ({e})") from e
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, "invalid_request", "multipart body needs a file field named 'file'")
        data = await upload.read()
        lang = form.get("lang")
        keep = form.get("keep_clutter") in ("1", "true", "on")
        item = _validated({"text": "(upload)", "lang": lang if isinstance(lang, str) and lang else None,
                           "keep_clutter": keep})  # fmt: skip
        return item, Upload(data, upload.filename or "upload", upload.content_type)
    body = await request.body()
    if ctype == "text/plain":
        return _validated({"text": "(body)"}), Upload(body, "body", "text/plain", _charset(request))
    if ctype not in ("application/json", ""):
        raise ApiError(415, "unsupported_media_type", f"content type {ctype!r}; send application/json, "
                       "multipart/form-data (field 'file') or text/plain")  # fmt: skip
    return _validated(json_body(body)), None


HTML_TEXT_SHARE = 4  # a web page's markup is about four times its text (an estimate for the queue)


def _raw_chars(raw: Any) -> tuple[int, bool]:
    """The characters of text an article of a request brings, and whether that is exact: a
    text's and title's are; a page's (html) are estimated, and checked exactly once read, as a
    fetched URL's are."""
    if not isinstance(raw, dict):
        return 0, True
    text = sum(len(v) for k in ("text", "title") if isinstance(v := raw.get(k), str))
    html = raw.get("html")
    return (text, True) if not isinstance(html, str) else (text + len(html) // HTML_TEXT_SHARE, False)


def _chars(item: AnalyzeIn, upload: Upload | None) -> tuple[int, bool]:
    if upload is None:
        return _raw_chars(item.model_dump())
    if looks_like_html(upload.data):
        return len(upload.data) // HTML_TEXT_SHARE, False
    return len(upload.data.decode("utf-8", errors="ignore")), True


def _charset(request: Request) -> str | None:
    """The charset the request's content type declares (``text/plain; charset=latin-1``)."""
    for part in request.headers.get("content-type", "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _validated(payload: Any) -> AnalyzeIn:
    try:
        item = AnalyzeIn.model_validate(payload)
    except ValidationError as e:
        raise ApiError(422, "invalid_request", _describe(e.errors())) from e
    if item.text is not None:
        try:
            check_text(item.text)
        except InputError as e:
            raise ApiError.of(e) from e
    return item

"""The Corpus part of the HTTP API: statistics and stored articles of a batch store.

Served when `spinscan serve --db corpus.sqlite` is given (read-only; the batch that
fills the store may run at the same time). The web page's Corpus view uses these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam

from ..corpus.stats import DamagedRecord, Filters, error_rows, get_article, list_articles, overview, table
from ..corpus.store import connect
from ..errors import InputError
from ..languages import normalise_language
from .errors import ApiError


def Month():  # a fresh Query per parameter: FastAPI keeps state on each
    return Query(None, max_length=32, description="a month, YYYY-MM, or a day, YYYY-MM-DD")


def Label():
    return Query(None, max_length=100)


def corpus_filters(
    technique: str | None = Label(),
    source: str | None = Label(),
    lang: str | None = Query(None, max_length=16),
    since: str | None = Month(),
    until: str | None = Month(),
    voice: Literal["author", "quoted"] | None = None,
    zero_shot: bool | None = Query(
        None, description="only articles analysed zero-shot (true) or in a trained language (false)"
    ),
) -> Filters:
    """The article filters that the stats and the article list share; a value of the wrong
    form (a language, month or technique that is none) is a 422, as for wrong types."""
    try:
        code = normalise_language(lang) if lang else None
        filters = Filters(source, code, since, until, technique, voice, zero_shot)
        filters.sql()  # checks the months and the technique
    except InputError as e:
        raise ApiError(422, "invalid_request", str(e)) from e
    return filters


def corpus_router(db: str | Path | None) -> APIRouter:
    router = APIRouter(prefix="/v1/corpus", tags=["corpus"], responses={404: {"description": "No corpus"}})

    def open_db():
        if db is None:
            raise ApiError(
                404, "no_corpus", "no corpus store: start the server with `spinscan serve --db FILE`"
            )
        try:
            return connect(db, readonly=True)
        except InputError as e:
            raise ApiError(404, "no_corpus", str(e)) from e

    def run(fn, *args, **kwargs) -> Any:
        con = open_db()
        try:
            return fn(con, *args, **kwargs)
        except InputError as e:
            raise ApiError(400, "invalid_request", str(e)) from e
        except DamagedRecord as e:
            raise ApiError(409, e.code, str(e)) from e
        finally:
            con.close()

    @router.get("")
    def corpus_overview(model: str | None = Label()) -> dict[str, Any]:
        """What the store holds: models, counts, outlets, languages and months."""
        return run(overview, model)

    @router.get("/stats")
    def corpus_stats(
        f: Annotated[Filters, Depends(corpus_filters)],
        what: Literal["techniques", "frames", "genres"] = "techniques",
        by: Literal["source", "month", "week", "day", "lang", "none"] = "source",
        model: str | None = Label(),
    ) -> dict[str, Any]:
        """Share of articles per outlet, month or language that use each label (as `spinscan stats`)."""
        return run(lambda con: table(con, what, None if by == "none" else by, model, f).to_dict())

    @router.get("/articles")
    def corpus_articles(
        f: Annotated[Filters, Depends(corpus_filters)],
        model: str | None = Label(),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=10**9),
    ) -> dict[str, Any]:
        """Analysed articles matching the filters (newest first), to open one by one."""
        return run(list_articles, model, f, limit, offset)

    @router.get("/errors")
    def corpus_errors(
        model: str | None = Label(),
        limit: int = Query(100, ge=1, le=500),
        offset: int = Query(0, ge=0, le=10**9),
    ) -> dict[str, Any]:
        """The articles recorded as errors (id, where from, source, error code and message)."""
        return run(error_rows, model, limit, offset)

    @router.get("/articles/{pk}")
    def corpus_article(pk: int = PathParam(..., ge=1, le=2**62)) -> dict[str, Any]:
        """One stored article: the analysis as `/v1/analyze` returns it, plus `meta`."""
        try:
            return run(get_article, pk)
        except ApiError as e:
            if e.status == 400:  # an unknown article
                raise ApiError(404, "not_found", e.message) from e
            raise

    return router

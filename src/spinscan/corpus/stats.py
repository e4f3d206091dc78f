"""Corpus statistics from a batch store: which outlets use which techniques, and when.

The CLI (`spinscan stats`), its charts and the web page's Corpus view all read the
tables computed here, so they always agree.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..errors import DataError, InputError
from ..labels import FRAMES, GENRES, TECHNIQUES
from .store import full_analysis, month_of, valid_date


class DamagedRecord(DataError):
    """A stored row that cannot be read back (changed or cut by something other than spinscan)."""

    code = "damaged_record"


BY = ("source", "month", "week", "day", "lang")
TIME = ("month", "week", "day")  # groups in time order, undated articles last
NO_DATE = "(no date)"
WHAT = ("techniques", "frames", "genres", "narratives", "roles")
_LABELS = {"techniques": TECHNIQUES, "frames": FRAMES, "genres": GENRES}
_DATED = "(a.date IS NOT NULL AND date(substr(a.date, 1, 10)) = substr(a.date, 1, 10))"  # a real day
_DAY = "substr(a.date, 1, 10)"
# a week is named by its Monday
_MONDAY = f"date({_DAY}, '-' || ((CAST(strftime('%w', {_DAY}) AS INTEGER) + 6) % 7) || ' days')"
_GROUP = {None: "'all'", "source": "COALESCE(a.source, '(none)')", "month": f"COALESCE(a.month, '{NO_DATE}')",
          "week": f"CASE WHEN {_DATED} THEN {_MONDAY} ELSE '{NO_DATE}' END",
          "day": f"CASE WHEN {_DATED} THEN {_DAY} ELSE '{NO_DATE}' END",
          "lang": "COALESCE(a.lang, '?')"}  # fmt: skip


@dataclass
class Filters:
    """Which articles count: by outlet, language, month range and a technique they use."""

    source: str | None = None
    lang: str | None = None
    since: str | None = None  # 'YYYY-MM', inclusive
    until: str | None = None
    technique: str | None = None
    voice: str | None = None  # "author" or "quoted": count a technique only in that voice
    zero_shot: bool | None = None  # only articles analysed zero-shot (True) or in a trained language

    def sql(self) -> tuple[str, list[Any]]:
        where, params = [], []
        if self.zero_shot is not None:
            where.append("a.zero_shot = ?")
            params.append(int(self.zero_shot))
        for col, value in (("a.source", self.source), ("a.lang", self.lang)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        for value, op in ((self.since, ">="), (self.until, "<=")):
            if not value:
                continue
            if len(value.strip()) > 7 and not _is_day(value):
                raise InputError(
                    f"expected a month as YYYY-MM or a date YYYY-MM-DD that exists, found {value!r}"
                )
            if _is_day(value):  # a date: the articles of that day count
                where.append(f"{_DATED} AND {_DAY} {op} ?")
                params.append(value.strip()[:10])
            else:
                where.append(f"a.month {op} ?")
                params.append(_month(value))
        if self.voice not in (None, "author", "quoted"):
            raise InputError(f"unknown voice {self.voice!r}; expected author or quoted")
        if self.technique:
            check_label(self.technique, "techniques")
            voice = " AND t2.voice = ?" if self.voice else ""
            where.append(
                f"EXISTS (SELECT 1 FROM techniques t2 WHERE t2.pk = a.pk AND t2.technique = ?{voice})"
            )
            params += [self.technique, *([self.voice] if self.voice else [])]
        return "".join(f" AND {w}" for w in where), params


@dataclass
class StatsTable:
    """Share of articles per group (rows) that use each label (columns)."""

    what: str
    by: str | None
    model: str
    groups: list[str]
    articles: list[int]  # articles per group
    labels: list[str]  # most frequent overall first
    counts: list[list[int]]  # [group][label] articles that use the label
    shares: list[list[float]]  # counts / articles

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_label(name: str, what: str) -> str:
    if name not in _LABELS[what]:
        raise InputError(f"unknown {what[:-1]} {name!r}; see `spinscan labels` for the names")
    return name


def _is_day(value: str) -> bool:
    v = value.strip()
    return len(v) == 10 and valid_date(v) == v


def _month(value: str) -> str:
    month = month_of(value.strip())
    if month is None:
        raise InputError(f"expected a month as YYYY-MM (or a date YYYY-MM-DD), found {value!r}")
    return month


def models(con: sqlite3.Connection) -> list[dict[str, Any]]:
    """The models in the store, the most recently used first, with their article counts."""
    rows = con.execute(
        "SELECT model, SUM(status = 'ok') AS ok, SUM(status = 'error') AS errors, MAX(analysed_at) AS last "
        "FROM articles GROUP BY model ORDER BY MAX(pk) DESC"
    ).fetchall()
    return [dict(r) for r in rows]


def pick_model(con: sqlite3.Connection, model: str | None = None) -> str:
    found = [m["model"] for m in models(con)]
    if not found:
        raise InputError("the corpus database holds no results yet; run `spinscan batch` first")
    if model is None:
        return found[0]
    matches = [m for m in found if m == model or m.startswith(model)]
    if len(matches) != 1:
        raise InputError(
            f"model {model!r} {'is ambiguous' if matches else 'not found'}; the store has: "
            + ", ".join(found)
        )
    return matches[0]


def table(
    con: sqlite3.Connection,
    what: str = "techniques",
    by: str | None = None,
    model: str | None = None,
    filters: Filters | None = None,
) -> StatsTable:
    """Per group, how many articles use each technique (or frame, genre, narrative, or cast an
    entity in a main role)."""
    if what not in WHAT:
        raise InputError(f"unknown statistic {what!r}; expected one of {', '.join(WHAT)}")
    if by not in (None, *BY):
        raise InputError(f"cannot group by {by!r}; expected one of {', '.join(BY)}")
    filters = filters or Filters()
    model = pick_model(con, model)
    g = _GROUP[by]
    if what == "techniques" and filters.technique:  # the technique picks the column, not the articles
        check_label(filters.technique, "techniques")
        where, params = replace(filters, technique=None).sql()
    else:
        where, params = filters.sql()
    base = f"FROM articles a WHERE a.model = ? AND a.status = 'ok'{where}"
    sizes = dict(con.execute(f"SELECT {g}, COUNT(*) {base} GROUP BY 1", [model, *params]).fetchall())
    if what == "techniques":
        only = (" AND t.technique = ?" if filters.technique else "") + (
            " AND t.voice = ?" if filters.voice else ""
        )
        sql = (f"SELECT {g}, t.technique, COUNT(DISTINCT a.pk) FROM articles a "
               f"JOIN techniques t ON t.pk = a.pk "
               f"WHERE a.model = ? AND a.status = 'ok'{where}{only} GROUP BY 1, 2")  # fmt: skip
        extra = [x for x in (filters.technique, filters.voice) if x]
    elif what == "frames":
        sql = (f"SELECT {g}, f.frame, COUNT(*) FROM articles a JOIN frames f ON f.pk = a.pk AND f.chosen = 1 "
               f"WHERE a.model = ? AND a.status = 'ok'{where} GROUP BY 1, 2")  # fmt: skip
        extra = []
    elif what == "narratives":
        sql = (f"SELECT {g}, n.narrative, COUNT(*) FROM articles a JOIN narratives n ON n.pk = a.pk "
               f"AND n.chosen = 1 WHERE a.model = ? AND a.status = 'ok'{where} GROUP BY 1, 2")  # fmt: skip
        extra = []
    elif what == "roles":  # who is cast how: "Putin — Antagonist", articles that cast them so
        sql = (f"SELECT {g}, e.entity || ' — ' || e.main_role, COUNT(*) FROM articles a "
               f"JOIN entities e ON e.pk = a.pk "
               f"WHERE a.model = ? AND a.status = 'ok'{where} GROUP BY 1, 2")  # fmt: skip
        extra = []
    else:
        sql = f"SELECT {g}, a.genre, COUNT(*) {base} GROUP BY 1, 2"
        extra = []
    cells: dict[tuple[str, str], int] = {
        (grp, lab): n for grp, lab, n in con.execute(sql, [model, *params, *extra]).fetchall()
    }
    totals: dict[str, int] = {}
    for (_, lab), n in cells.items():
        totals[lab] = totals.get(lab, 0) + n
    labels = sorted(totals, key=lambda lab: (-totals[lab], lab))
    if by in TIME:
        groups = sorted(sizes, key=lambda x: (x == NO_DATE, x))  # undated articles last
    else:
        groups = sorted(sizes, key=lambda x: (-sizes[x], x))
    counts = [[cells.get((grp, lab), 0) for lab in labels] for grp in groups]
    shares = [
        [round(c / sizes[grp], 4) if sizes[grp] else 0.0 for c in row] for grp, row in zip(groups, counts)
    ]
    return StatsTable(what, by, model, groups, [sizes[x] for x in groups], labels, counts, shares)


def overview(con: sqlite3.Connection, model: str | None = None) -> dict[str, Any]:
    """What the store holds for a model: counts, outlets, languages, months, techniques used."""
    model = pick_model(con, model)

    def values(col: str) -> list[str]:
        sql = (f"SELECT DISTINCT {col} FROM articles "
               f"WHERE model = ? AND status = 'ok' AND {col} IS NOT NULL ORDER BY 1")  # fmt: skip
        return [r[0] for r in con.execute(sql, (model,))]

    ok, errors = con.execute(
        "SELECT SUM(status = 'ok'), SUM(status = 'error') FROM articles WHERE model = ?", (model,)
    ).fetchone()
    return {
        "model": model,
        "models": models(con),
        "ok": ok or 0,
        "errors": errors or 0,
        "sources": values("source"),
        "langs": values("lang"),
        "months": values("month"),
        "techniques": list(TECHNIQUES),
    }


def list_articles(
    con: sqlite3.Connection,
    model: str | None = None,
    filters: Filters | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Analysed articles matching the filters, newest first, with their most used techniques."""
    model = pick_model(con, model)
    where, params = (filters or Filters()).sql()
    base = f"FROM articles a WHERE a.model = ? AND a.status = 'ok'{where}"
    total = con.execute(f"SELECT COUNT(*) {base}", [model, *params]).fetchone()[0]
    rows = con.execute(
        f"SELECT a.pk, a.id, a.title, a.source, a.date, a.lang, a.zero_shot, a.genre, a.n_paragraphs, "
        f"(SELECT group_concat(technique, '|') FROM (SELECT technique FROM techniques t WHERE t.pk = a.pk "
        f"GROUP BY technique ORDER BY COUNT(*) DESC, technique)) AS techniques "
        f"{base} ORDER BY a.date DESC, a.pk LIMIT ? OFFSET ?",
        [model, *params, limit, offset],
    ).fetchall()
    items = []
    for r in rows:
        d = dict(r)
        d["techniques"] = d["techniques"].split("|") if d["techniques"] else []
        d["zero_shot"] = None if d["zero_shot"] is None else bool(d["zero_shot"])
        items.append(d)
    return {"model": model, "total": total, "limit": limit, "offset": offset, "articles": items}


def get_article(con: sqlite3.Connection, pk: int) -> dict[str, Any]:
    """One stored article as `/v1/analyze` returns it (analysis + text), plus its metadata."""
    r = con.execute("SELECT * FROM articles WHERE pk = ?", (pk,)).fetchone()
    if r is None:
        raise InputError(f"no article {pk} in the corpus database")
    meta = {k: r[k] for k in ("pk", "id", "title", "source", "date", "url", "status", "error", "model")}
    if r["status"] != "ok":
        return {"meta": meta}
    try:
        analysis = full_analysis(json.loads(r["analysis"]), r["text"])
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise DamagedRecord(
            f"article {pk}: its stored analysis is damaged ({type(e).__name__}); analyse the article again"
        ) from e
    return {**analysis, "text": r["text"], "meta": meta}


def error_rows(
    con: sqlite3.Connection, model: str | None = None, limit: int = 500, offset: int = 0
) -> dict[str, Any]:
    """The articles recorded as errors: id, where it came from, source, the error's code and message."""
    model = pick_model(con, model)
    total = con.execute(
        "SELECT COUNT(*) FROM articles WHERE model = ? AND status = 'error'", (model,)
    ).fetchone()[0]
    rows = con.execute(
        'SELECT pk, id, "where", source, error_code, error FROM articles '
        "WHERE model = ? AND status = 'error' ORDER BY pk LIMIT ? OFFSET ?",
        (model, limit, offset),
    ).fetchall()
    return {"model": model, "total": total, "errors": [dict(r) for r in rows]}

"""Stores and exports under third parties' text (issue 38): inert formulas, dates that are no
dates, foreign and newer SQLite files, a damaged stored analysis."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from spinscan.corpus.export import export, export_for_annotation, inert
from spinscan.corpus.stats import DamagedRecord, Filters, get_article, table
from spinscan.corpus.store import SqliteStore, connect, valid_date
from spinscan.errors import InputError, OutputError

from .test_store import rec

FORMULAS = ['=HYPERLINK("http://x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "=1+1"]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "h.sqlite"
    s = SqliteStore(path, "m", [], "test")
    for n, f in enumerate(FORMULAS):
        r = rec(str(n), f, "2026-11-0" + str(n + 1))
        r["title"] = f
        s.add(r)
    s.add(rec("bad-date", "A", "2026-99-99"))
    s.add(rec("feb", "A", "2026-02-31"))
    s.add(rec("ok-time", "A", "2026-11-03T09:30:00Z"))
    s.close()
    return path


def test_formula_cells_are_inert_in_csv(hostile, tmp_path):
    out = tmp_path / "a.csv"
    export(connect(hostile, readonly=True), "articles", out, "csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    titles = {r["id"]: r["title"] for r in rows}
    for n, f in enumerate(FORMULAS):
        assert titles[str(n)] == "'" + f
    assert inert(-2.5) == -2.5 and inert("Plain title") == "Plain title"


def test_formula_cells_are_text_in_xlsx(hostile, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "a.xlsx"
    export(connect(hostile, readonly=True), "articles", out, "xlsx")
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    col = head.index("title")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    formulas = [c for c in cells if c.data_type == "f"]
    assert not formulas and {c.value for c in cells} >= set(FORMULAS)


def test_dates_that_are_no_days_are_kept_raw_and_never_break_a_week(hostile):
    con = connect(hostile, readonly=True)
    got = {r["id"]: (r["date"], r["date_raw"], r["month"]) for r in con.execute("SELECT * FROM articles")}
    assert got["bad-date"] == (None, "2026-99-99", None) and got["feb"] == (None, "2026-02-31", None)
    assert got["ok-time"] == ("2026-11-03T09:30:00Z", None, "2026-11")
    t = table(con, "techniques", "week")
    assert "(no date)" in t.groups and all(g == "(no date)" or valid_date(g) for g in t.groups)
    for bad in ("2026-02-31", "2026-13-01", "2026-99-99", "2026-1"):
        with pytest.raises(InputError):
            Filters(since=bad).sql()
    assert valid_date("2026-02-28") and valid_date("2026-11") and not valid_date("2026-11-03junk")


def test_a_store_with_bad_dates_written_before_is_mended_on_upgrade(tmp_path):
    path = tmp_path / "old.sqlite"
    s = SqliteStore(path, "m", [], "test")
    s.add(rec("x", "A", "2026-11-02"))
    s.close()
    con = sqlite3.connect(path)  # as 0.7.0 left it: an impossible day in the date column
    con.execute("UPDATE articles SET date = '2026-99-99', month = NULL")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    SqliteStore(path, "m", [], "test").close()
    r = sqlite3.connect(path).execute("SELECT date, date_raw FROM articles").fetchone()
    assert r == (None, "2026-99-99")


def test_foreign_and_newer_sqlite_files_are_refused_untouched(tmp_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE articles (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(InputError, match="something else"):
        SqliteStore(other, "m", [], "test")
    assert other.read_bytes() == before
    newer = tmp_path / "newer.sqlite"
    SqliteStore(newer, "m", [], "test").close()
    con = sqlite3.connect(newer)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="newer spinscan"):
        SqliteStore(newer, "m", [], "test")
    assert sqlite3.connect(newer).execute("SELECT value FROM meta").fetchone()[0] == "99"


def test_a_damaged_stored_analysis_is_one_clear_error_and_never_a_cut_export(hostile, tmp_path):
    con = sqlite3.connect(hostile)
    con.execute("UPDATE articles SET analysis = '{\"paragraphs\": [' WHERE id = '1'")
    con.commit()
    con.close()
    ro = connect(hostile, readonly=True)
    pk = ro.execute("SELECT pk FROM articles WHERE id = '1'").fetchone()[0]
    with pytest.raises(DamagedRecord):
        get_article(ro, pk)
    out = tmp_path / "tasks.json"
    n = export_for_annotation(ro, out, "label-studio")
    import json

    assert n == len(json.loads(out.read_text(encoding="utf-8"))) == 8  # all but the damaged one


def test_an_export_to_a_full_disk_is_one_error_and_leaves_no_file(hostile):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError, match="cannot be written"):
        export(connect(hostile, readonly=True), "articles", Path("/dev/full"), "csv")

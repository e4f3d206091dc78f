"""Stores, statistics and charts on hand-made records (no model needed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from spinscan.corpus.charts import write_chart
from spinscan.corpus.stats import Filters, get_article, list_articles, overview, table
from spinscan.corpus.store import JsonlStore, SqliteStore, connect, month_of, wal_mode
from spinscan.errors import InputError

TEXT = "Title\n\nThey are traitors.\r\nCalm line.\n"


def analysis(genre: str, frames: list[str], techs: list[list[str]]) -> dict:
    """An analysis dict shaped like Analysis.to_dict(), for TEXT (paragraphs on lines 1, 3, 4)."""
    lines = [(1, 0, 5), (3, 7, 26), (4, 27, 37)]
    paras = []
    for (line, start, end), ts in zip(lines, techs):
        spans = [{"technique": t, "start": start, "end": start + 4, "score": 0.9} for t in ts]
        paras.append({"line_no": line, "start": start, "end": end, "text": TEXT[start:end].rstrip("\r"),
                      "techniques": ts, "scores": {t: 0.8 for t in ts}, "spans": spans})  # fmt: skip
    return {"id": "x", "lang": "en", "lang_detected": False, "genre": genre,
            "genre_scores": {"opinion": 0.7, "reporting": 0.2, "satire": 0.1}, "frames": frames,
            "frame_scores": {"Political": 0.6, "Economic": 0.3}, "paragraphs": paras,
            "model": {"name": "m", "kind": "k", "version": "1"}, "techniques": {}, "timings": {}}  # fmt: skip


def rec(id_: str, source: str, date: str | None, genre="opinion", frames=("Political",), techs=None) -> dict:
    techs = techs if techs is not None else [["Loaded_Language"], ["Loaded_Language", "Doubt"], []]
    return {"id": id_, "where": f"in.jsonl:{id_}", "lang": "en", "title": None, "source": source,
            "date": date, "url": None, "status": "ok", "error": None, "text": TEXT,
            "analysis": analysis(genre, list(frames), techs)}  # fmt: skip


def error_rec(id_: str) -> dict:
    return {"id": id_, "where": "in.jsonl:9", "lang": None, "title": None, "source": "A", "date": None,
            "url": None, "status": "error", "error": "in.jsonl:9: the text is empty", "text": None,
            "analysis": None}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.sqlite"
    s = SqliteStore(path, "model-A", ["in.jsonl"], "0.2.0")
    s.add(rec("1", "A", "2022-01-05"))
    s.add(rec("2", "A", "2022-02-10", genre="reporting", techs=[[], ["Doubt"], []]))
    s.add(rec("3", "B", "2022-02-11T08:00:00Z", frames=("Economic", "Political")))
    s.add(rec("4", "B", "last spring", techs=[[], [], []], frames=()))
    s.add(error_rec("5"))
    s.close()
    s = SqliteStore(path, "model-B", ["in.jsonl"], "0.3.0")  # a newer model: kept apart
    s.add(rec("1", "A", "2022-01-05", techs=[[], [], []]))
    s.close()
    return path


def test_sqlite_store_done_per_model_and_retry(db: Path):
    s = SqliteStore(db, "model-A", [], "0.2.0")
    assert s.done() == {"1", "2", "3", "4", "5"} and s.done(retry_errors=True) == {"1", "2", "3", "4"}
    s.add(rec("5", "A", None))  # a retried error replaces its row, never a duplicate
    s.close()
    con = connect(db, readonly=True)
    assert con.execute("SELECT COUNT(*) FROM articles WHERE id = '5'").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(*) FROM articles WHERE id = '1'").fetchone()[0] == 2  # 2 models
    assert SqliteStore(db, "model-C", [], "x").done() == set()


def test_stored_analysis_round_trips_with_paragraph_texts(db: Path):
    con = connect(db, readonly=True)
    pk = con.execute("SELECT pk FROM articles WHERE id = '1' AND model = 'model-A'").fetchone()[0]
    a = get_article(con, pk)
    assert a["text"] == TEXT and a["meta"]["source"] == "A"
    assert [p["text"] for p in a["paragraphs"]] == ["Title", "They are traitors.", "Calm line."]
    assert a["paragraphs"][1]["spans"][0] == {
        "technique": "Loaded_Language",
        "start": 7,
        "end": 11,
        "score": 0.9,
    }
    assert con.execute("SELECT COUNT(*) FROM spans WHERE pk = ?", (pk,)).fetchone()[0] == 3


def test_technique_share_by_source_and_month(db: Path):
    con = connect(db, readonly=True)
    t = table(con, "techniques", "source", model="model-A")
    assert t.groups == ["A", "B"] and t.articles == [2, 2]
    assert t.labels == ["Doubt", "Loaded_Language"]  # 3 articles vs 2
    assert t.counts == [[2, 1], [1, 1]] and t.shares == [[1.0, 0.5], [0.5, 0.5]]
    m = table(con, "techniques", "month", model="model-A", filters=Filters(technique="Doubt"))
    assert m.groups == ["2022-01", "2022-02", "(no date)"] and m.labels == ["Doubt"]
    assert m.counts == [[1], [2], [0]]
    # the default model is the latest used; an unknown one is named with what exists
    assert table(con).model == "model-B" and table(con).labels == []
    with pytest.raises(InputError, match="not found; the store has: model-B, model-A"):
        table(con, model="nope")


def test_frames_genres_filters_and_article_list(db: Path):
    con = connect(db, readonly=True)
    f = table(con, "frames", "month", model="model-A", filters=Filters(since="2022-02", until="2022-02"))
    assert f.groups == ["2022-02"] and dict(zip(f.labels, f.counts[0])) == {"Political": 2, "Economic": 1}
    g = table(con, "genres", None, model="model-A", filters=Filters(technique="Loaded_Language"))
    assert g.groups == ["all"] and g.articles == [2] and g.labels == ["opinion"]
    lst = list_articles(con, "model-A", Filters(source="B"))
    assert lst["total"] == 2 and {a["id"] for a in lst["articles"]} == {"3", "4"}
    three = next(a for a in lst["articles"] if a["id"] == "3")
    assert three["techniques"] == ["Loaded_Language", "Doubt"]  # most used first
    ov = overview(con, "model-A")
    assert (ov["ok"], ov["errors"], ov["sources"], ov["months"]) == (4, 1, ["A", "B"], ["2022-01", "2022-02"])
    with pytest.raises(InputError, match="YYYY-MM"):
        table(con, filters=Filters(since="March"))
    with pytest.raises(InputError, match="unknown technique"):
        table(con, filters=Filters(technique="Lies"))


@pytest.mark.parametrize("by,name", [("month", "m.png"), ("source", "s.svg"), (None, "all.png")])
def test_charts_are_written(db: Path, tmp_path: Path, by, name):
    t = table(connect(db, readonly=True), "techniques", by, model="model-A")
    out = write_chart(t, tmp_path / name)
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if name.endswith(".png") else b"<svg" in data[:2000]
    assert len(data) > 5000
    with pytest.raises(InputError, match=".png or .svg"):
        write_chart(t, tmp_path / "x.jpg")


def test_month_of():
    assert month_of("2022-03-04") == "2022-03" and month_of("2022-03") == "2022-03"
    assert month_of("03/04/2022") is None and month_of(None) is None and month_of("2022-13-45") is None


def test_jsonl_store_recovers_a_cut_last_line(tmp_path: Path):
    path = tmp_path / "r.jsonl"
    s = JsonlStore(path, "m")
    s.add(rec("1", "A", None))
    s.add(rec("2", "A", None))
    s.close()
    with path.open("ab") as f:  # what kill -9 in the middle of a write leaves
        f.write(b'{"id": "3", "status": "ok", "ana')
    s = JsonlStore(path, "m")
    assert s.done() == {"1", "2"}
    s.add(rec("3", "A", None))
    s.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["1", "2", "3"]
    assert JsonlStore(path, "other").done() == set()
    with pytest.raises(InputError, match="needs a SQLite store"):
        JsonlStore(path, "m").done(retry_errors=True)


def test_bad_database_files_are_user_errors(tmp_path: Path):
    with pytest.raises(InputError, match="no such corpus database"):
        connect(tmp_path / "none.sqlite", readonly=True)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InputError, match="not a"):
        connect(junk, readonly=True)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="not a spinscan corpus database"):
        connect(other, readonly=True)


def test_a_store_of_spinscan_0_2_is_upgraded_in_place_with_zero_shot_marks(tmp_path):
    import sqlite3

    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)  # the articles table as spinscan 0.2.4 wrote it, with one error row
    con.execute(
        "CREATE TABLE articles (pk INTEGER PRIMARY KEY, id TEXT NOT NULL, model TEXT NOT NULL, run INTEGER, "
        'status TEXT NOT NULL, error TEXT, "where" TEXT, lang TEXT, title TEXT, source TEXT, date TEXT, '
        "month TEXT, url TEXT, genre TEXT, n_paragraphs INTEGER, text TEXT, analysis TEXT, analysed_at TEXT, "
        "UNIQUE (id, model))"
    )
    con.execute("INSERT INTO articles (id, model, status, error) VALUES ('a', 'm', 'error', 'empty')")
    con.execute(
        "INSERT INTO articles (id, model, status, lang) VALUES ('p', 'm', 'ok', 'pt'), ('f', 'm', 'ok', 'fr')"
    )
    con.commit()
    con.close()
    store = SqliteStore(db, "m", [], "test")
    store.add({"id": "b", "status": "error", "error": "bad", "error_code": "invalid_input", "where": "b"})
    store.add({"id": "c", "status": "error", "error": "x", "where": "c", "author": "Ana", "site": "Daily"})
    rows = store.con.execute(
        "SELECT id, error, error_code, author, site FROM articles WHERE status = 'error' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("a", "empty", None, None, None), ("b", "bad", "invalid_input", None, None), ("c", "x", None, "Ana", "Daily")
    ]  # fmt: skip
    # the rows stored before zero_shot existed: every earlier model trained on the six languages
    marks = dict(store.con.execute("SELECT id, zero_shot FROM articles WHERE status = 'ok'").fetchall())
    assert marks == {"p": 1, "f": 0}
    version = store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert version == "6"
    store.close()


def test_a_store_path_that_cannot_be_written_is_refused_clearly(tmp_path):
    import pytest

    from spinscan.errors import OutputError

    with pytest.raises(OutputError, match="is a folder"):
        connect(tmp_path)
    with pytest.raises(OutputError, match="does not exist"):
        connect(tmp_path / "missing" / "c.sqlite")
    with pytest.raises(OutputError, match="is a folder"):
        JsonlStore(tmp_path, "m")


def test_statistics_split_by_voice_and_csv_export(tmp_path: Path):
    from click.testing import CliRunner

    from spinscan.cli import main

    path = tmp_path / "v.sqlite"
    s = SqliteStore(path, "m", [], "t")
    quoted = rec("q", "A", "2022-01-05", techs=[[], ["Loaded_Language"], []])
    quoted["analysis"]["paragraphs"][1]["voices"] = {"Loaded_Language": "quoted"}
    quoted["analysis"]["paragraphs"][1]["spans"][0]["voice"] = "quoted"
    own = rec("o", "A", "2022-01-06", techs=[[], ["Loaded_Language", "Doubt"], []])
    own["analysis"]["paragraphs"][1]["voices"] = {"Loaded_Language": "author", "Doubt": "author"}
    s.add(quoted)
    s.add(own)
    s.close()
    con = connect(path, readonly=True)
    assert (
        con.execute("SELECT voice FROM spans WHERE pk = (SELECT pk FROM articles WHERE id = 'q')").fetchone()[
            0
        ]
        == "quoted"
    )
    every = table(con, "techniques")
    assert dict(zip(every.labels, every.counts[0])) == {"Loaded_Language": 2, "Doubt": 1}
    inside = table(con, "techniques", filters=Filters(voice="quoted"))
    assert dict(zip(inside.labels, inside.counts[0])) == {"Loaded_Language": 1}
    author = table(con, "techniques", filters=Filters(voice="author"))
    assert dict(zip(author.labels, author.counts[0])) == {"Loaded_Language": 1, "Doubt": 1}
    with pytest.raises(InputError, match="unknown voice"):
        table(con, "techniques", filters=Filters(voice="narrator"))
    out = tmp_path / "t.csv"
    r = CliRunner().invoke(main, ["stats", "--db", str(path), "--by", "source", "--csv", str(out)])
    assert r.exit_code == 0, r.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("source,articles,Loaded_Language articles") and rows[1].startswith(
        "A,2,2,1,1.0,0.5"
    )
    r = CliRunner().invoke(main, ["stats", "--db", str(path), "--voice", "quoted", "--json"])
    assert json.loads(r.stdout)["labels"] == ["Loaded_Language"]


def test_export_tables_as_csv_and_parquet(db: Path, tmp_path: Path):
    import csv

    from click.testing import CliRunner

    from spinscan.cli import main
    from spinscan.corpus.export import export

    con = connect(db, readonly=True)
    out = tmp_path / "spans.csv"
    n = export(con, "spans", out, "csv", "model-A")
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert n == len(got) == 7  # articles 1 and 3: 3 spans each, 2: one, 4: none
    assert got[0].keys() >= {
        "id",
        "model",
        "source",
        "month",
        "lang",
        "technique",
        "start",
        "end",
        "voice",
        "text",
    }
    assert all(r["text"] == TEXT[int(r["start"]) : int(r["end"])] for r in got)  # offsets index the text
    arts = tmp_path / "articles.csv"
    assert export(con, "articles", arts, "csv") == 6  # both models, the error row too
    rows = list(csv.DictReader(arts.open(encoding="utf-8")))
    assert {r["status"] for r in rows} == {"ok", "error"} and rows[4]["error_code"] in ("", "invalid_input")
    pq = pytest.importorskip("pyarrow.parquet")
    for what in ("articles", "techniques", "spans", "frames", "genres"):
        path = tmp_path / f"{what}.parquet"
        k = export(con, what, path, "parquet", "model-A")
        t = pq.read_table(path)
        assert t.num_rows == k > 0 and "id" in t.column_names
    assert pq.read_table(tmp_path / "spans.parquet").schema.field("start").type == "int64"
    # the command: format from the suffix, a bad output folder refused before any work
    r = CliRunner().invoke(
        main, ["export", "--db", str(db), "--what", "frames", "--out", str(tmp_path / "f.parquet")]
    )
    assert r.exit_code == 0 and "rows written" in r.output
    r = CliRunner().invoke(main, ["export", "--db", str(db), "--out", str(tmp_path / "no" / "a.csv")])
    assert r.exit_code != 0 and "does not exist" in r.output


def test_two_outlets_and_two_months_compared(db: Path):
    from click.testing import CliRunner

    from spinscan.cli import main
    from spinscan.corpus.compare import compare_groups

    r = compare_groups(connect(db, readonly=True), "source", "A", "B", "model-A")
    assert r["a"]["articles"] == 2 and r["b"]["articles"] == 2
    assert r["a"]["genres"] == {"opinion": 0.5, "reporting": 0.5} and r["b"]["genres"] == {"opinion": 1.0}
    assert r["a"]["techniques"]["Doubt"] == 1.0 and r["b"]["techniques"]["Doubt"] == 0.5
    assert r["shared"] == ["Doubt", "Loaded_Language"] and r["only_a"] == r["only_b"] == []
    assert r["largest_differences"][0]["difference"] == 0.5
    with pytest.raises(InputError, match="found: A, B"):
        compare_groups(connect(db, readonly=True), "source", "A", "Nowhere", "model-A")
    out = CliRunner().invoke(
        main,
        ["compare", "--db", str(db), "--by", "month", "2022-01", "2022-02", "--json", "--model", "model-A"],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["a"]["group"] == "2022-01"
    page = db.parent / "cmp.html"
    out = CliRunner().invoke(
        main, ["compare", "--db", str(db), "A", "B", "--model", "model-A", "--html", str(page)]
    )
    assert out.exit_code == 0 and "shared: Doubt, Loaded_Language" in out.output
    html = page.read_text(encoding="utf-8")
    assert (
        "<table class='compare'>" in html
        and "source A" in html
        and "Both use: Doubt, Loaded_Language." in html
    )
    out = CliRunner().invoke(
        main, ["compare", "--db", str(db), "A", "B", "--html", str(db.parent / "no" / "x.html")]
    )
    assert out.exit_code == 2 and "does not exist" in out.output
    # without --model: the store's latest model, which has no article from B
    out = CliRunner().invoke(main, ["compare", "--db", str(db), "A", "B"])
    assert out.exit_code == 2 and "not in the store for model model-B" in out.output


def test_export_writes_real_xlsx_and_refuses_unknown_suffixes(db: Path, tmp_path: Path):
    from click.testing import CliRunner

    from spinscan.cli import main

    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "spans.xlsx"
    r = CliRunner().invoke(main, ["export", "--db", str(db), "--what", "spans", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:2] == b"PK"  # a zip: a workbook, not CSV under its name
    ws = openpyxl.load_workbook(out, read_only=True)["spans"]
    rows = list(ws.iter_rows(values_only=True))
    con = connect(db, readonly=True)
    assert (
        rows[0][:2] == ("id", "model")
        and len(rows) == 1 + con.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    )
    assert all(r[-1] == TEXT[r[rows[0].index("start")] : r[rows[0].index("end")]] for r in rows[1:])
    for name, extra in (("t.xls", []), ("t.json", []), ("t", []), ("t.csv", ["--format", "xlsx"])):
        r = CliRunner().invoke(main, ["export", "--db", str(db), "--out", str(tmp_path / name), *extra])
        assert r.exit_code == 2 and r.output.count("\n") == 1 and "error:" in r.output, (name, r.output)
        assert not (tmp_path / name).exists()


class _Racing:
    """A connection whose mode switch is refused while another process creates the same store."""

    def __init__(self, refusals: int, error: str = "database is locked") -> None:
        self.refusals, self.error, self.switched = refusals, error, False

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode=WAL":
            if self.refusals:
                self.refusals -= 1
                raise sqlite3.OperationalError(self.error)
            self.switched = True
        mode = "wal" if self.switched else "delete"
        return type("C", (), {"fetchone": lambda _self: (mode,)})()


def test_a_store_switched_to_wal_by_two_processes_at_once_waits_its_turn():
    con = _Racing(3)
    wal_mode(con)  # type: ignore[arg-type]
    assert con.switched and con.refusals == 0
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        wal_mode(_Racing(10**6), wait=0.2)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        wal_mode(_Racing(1, "disk I/O error"))  # type: ignore[arg-type]


def test_articles_analysed_zero_shot_are_stored_marked_filtered_and_exported(tmp_path: Path):
    from spinscan.corpus.export import export

    path = tmp_path / "z.sqlite"
    s = SqliteStore(path, "model-A", ["in.jsonl"], "0.6.0")
    s.add(rec("en1", "A", "2022-01-05"))
    pt = rec("pt1", "A", "2022-01-06")
    pt["analysis"] = {**pt["analysis"], "lang": "pt", "zero_shot": True}
    s.add(pt)
    s.add(error_rec("bad"))
    s.close()
    con = connect(path, readonly=True)
    assert dict(con.execute("SELECT id, zero_shot FROM articles").fetchall()) == {
        "en1": 0,
        "pt1": 1,
        "bad": None,
    }
    only = list_articles(con, "model-A", Filters(zero_shot=True))
    assert [a["id"] for a in only["articles"]] == ["pt1"] and only["articles"][0]["zero_shot"] is True
    trained = table(con, "techniques", "lang", "model-A", Filters(zero_shot=False))
    assert trained.groups == ["en"] and trained.articles == [1]
    out = tmp_path / "articles.csv"
    export(con, "articles", out, "csv")
    lines = out.read_text(encoding="utf-8").splitlines()
    col = lines[0].split(",").index("zero_shot")
    assert sorted(line.split(",")[col] for line in lines[1:]) == ["", "0", "1"]


def test_trends_by_week_and_day_with_dated_periods_and_a_compare_over_a_period(tmp_path: Path):
    from spinscan.corpus.compare import compare_groups

    path = tmp_path / "t.sqlite"
    s = SqliteStore(path, "model-A", ["feed"], "0.6.0")
    s.add(rec("1", "A", "2026-11-02T08:00:00Z"))  # a Monday
    s.add(rec("2", "A", "2026-11-08", techs=[[], ["Doubt"], []]))  # the Sunday of that week
    s.add(rec("3", "B", "2026-11-09"))  # the next Monday
    s.add(rec("4", "B", "some day"))  # undated
    s.close()
    con = connect(path, readonly=True)
    w = table(con, "techniques", "week", "model-A")
    assert w.groups == ["2026-11-02", "2026-11-09", "(no date)"] and w.articles == [2, 1, 1]
    d = table(con, "techniques", "day", "model-A", Filters(since="2026-11-03", until="2026-11-09"))
    assert d.groups == ["2026-11-08", "2026-11-09"]
    lone = table(con, "techniques", "source", "model-A", Filters(technique="Doubt", since="2026-11-08"))
    assert lone.groups == ["A", "B"] and lone.labels == ["Doubt"]
    c = compare_groups(con, "source", "A", "B", "model-A", since="2026-11-05", until="2026-11-30")
    assert (c["a"]["articles"], c["b"]["articles"], c["period"]) == (1, 1, ["2026-11-05", "2026-11-30"])


def test_who_is_cast_how_and_which_narratives_are_counted_by_outlet_and_exported(tmp_path: Path):
    from spinscan.corpus.export import export

    def cast(role: str) -> list[dict]:
        return [{"entity": "Putin", "mentions": [[0, 5], [7, 12]], "main_role": role, "fine_roles": ["Tyrant"],
                 "main_scores": {role: 0.8}, "fine_scores": {"Tyrant": 0.7}}]  # fmt: skip

    s = SqliteStore(tmp_path / "c.sqlite", "m", [], "test")
    for id_, source, role in (("1", "A", "Antagonist"), ("2", "A", "Antagonist"), ("3", "B", "Protagonist")):
        r = rec(id_, source, "2022-03-16")
        r["analysis"].update(entities=cast(role), narratives=["URW: Praise of Russia"],
                             subnarratives=["URW: Praise of Russia: Other"],
                             narrative_scores={"URW: Praise of Russia": 0.7, "URW: Discrediting Ukraine": 0.2})  # fmt: skip
        s.add(r)
    s.add(rec("4", "B", "2022-03-17"))  # an analysis of a model without those heads
    s.close()
    con = connect(tmp_path / "c.sqlite")
    t = table(con, "roles", "source")
    assert t.labels == ["Putin — Antagonist", "Putin — Protagonist"] and t.groups == ["A", "B"]
    assert t.counts == [[2, 0], [0, 1]] and t.shares[1] == [0.0, 0.5]  # B: 1 of its 2 articles
    n = table(con, "narratives", "week")
    assert n.labels == ["URW: Praise of Russia"] and sum(sum(r) for r in n.counts) == 3
    assert export(con, "entities", tmp_path / "e.csv", "csv") == 3
    head, first = (tmp_path / "e.csv").read_text().splitlines()[:2]
    assert "entity,main_role,fine_roles,mentions" in head and "Putin,Antagonist,Tyrant,2" in first
    assert export(con, "narratives", tmp_path / "n.csv", "csv") == 6

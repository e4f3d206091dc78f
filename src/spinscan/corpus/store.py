"""Where batch results go: a SQLite corpus store (default) or a JSON Lines file.

Both are written one record at a time and are durable when ``add`` returns (a SQLite
transaction per article; a flushed line), so a killed batch loses at most the article
being written. Reopening finds what is done for a model: a rerun skips it. Results of
different models are kept apart (one row per article id and model).
"""

from __future__ import annotations

import datetime
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from ..labels import TRAIN_LANGUAGES

log = logging.getLogger(__name__)

# 2: error codes, author, site, voices; 3: zero_shot; 4: canonical_url, fetched_at, content_hash and
# the watch tables; 5: date_raw, a date as its source wrote it when it is no real date (older stores
# are upgraded in place); 6: narratives and entities (SemEval-2025 Task 10), new tables
SCHEMA_VERSION = "6"
UPGRADE = {  # the columns an older store lacks, by table
    "articles": {
        "error_code": "TEXT",
        "author": "TEXT",
        "site": "TEXT",
        "zero_shot": "INTEGER",
        "canonical_url": "TEXT",
        "fetched_at": "TEXT",
        "content_hash": "TEXT",
        "date_raw": "TEXT",
    },  # fmt: skip
    "techniques": {"voice": "TEXT"},
    "spans": {"voice": "TEXT"},
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY, model TEXT NOT NULL, spinscan TEXT, started TEXT, finished TEXT,
    inputs TEXT, ok INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS articles (
    pk INTEGER PRIMARY KEY, id TEXT NOT NULL, model TEXT NOT NULL, run INTEGER REFERENCES runs,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')), error TEXT, error_code TEXT, "where" TEXT,
    lang TEXT, title TEXT, source TEXT, date TEXT, month TEXT, url TEXT, author TEXT, site TEXT,
    genre TEXT, n_paragraphs INTEGER, text TEXT, analysis TEXT, analysed_at TEXT, zero_shot INTEGER,
    canonical_url TEXT, fetched_at TEXT, content_hash TEXT, date_raw TEXT,
    UNIQUE (id, model));
CREATE TABLE IF NOT EXISTS watch_sources (
    url TEXT PRIMARY KEY, outlet TEXT, etag TEXT, modified TEXT, checked_at TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS watch_urls (
    url TEXT PRIMARY KEY, state TEXT NOT NULL, note TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS genres (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, genre TEXT NOT NULL, score REAL,
    PRIMARY KEY (pk, genre)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS frames (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, frame TEXT NOT NULL, score REAL,
    chosen INTEGER NOT NULL, PRIMARY KEY (pk, frame)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS techniques (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, line_no INTEGER NOT NULL,
    technique TEXT NOT NULL, score REAL, voice TEXT, PRIMARY KEY (pk, line_no, technique)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spans (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, line_no INTEGER NOT NULL,
    technique TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, score REAL, voice TEXT);
CREATE TABLE IF NOT EXISTS narratives (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, narrative TEXT NOT NULL, score REAL,
    chosen INTEGER NOT NULL, PRIMARY KEY (pk, narrative)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    pk INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, entity TEXT NOT NULL, main_role TEXT NOT NULL,
    fine_roles TEXT, mentions INTEGER NOT NULL, score REAL, PRIMARY KEY (pk, entity)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_source ON articles (model, source);
CREATE INDEX IF NOT EXISTS articles_month ON articles (model, month);
CREATE INDEX IF NOT EXISTS articles_lang ON articles (model, lang);
CREATE INDEX IF NOT EXISTS techniques_technique ON techniques (technique, pk);
CREATE INDEX IF NOT EXISTS frames_frame ON frames (frame, chosen, pk);
CREATE INDEX IF NOT EXISTS spans_article ON spans (pk, technique);
"""


def valid_date(value: object) -> str | None:
    """``value`` when it is an ISO 8601 month, day or time of a day that exists, else None
    (a sitemap's ``2026-99-99`` or ``2026-02-31`` is kept as raw text, never as a date)."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if len(v) == 7:
        return v if month_of(v) == v else None
    if len(v) < 10 or (len(v) > 10 and v[10] not in "T "):
        return None
    try:
        datetime.date.fromisoformat(v[:10])
    except ValueError:
        return None
    return v


def month_of(date: str | None) -> str | None:
    """'YYYY-MM' of an ISO date or timestamp; None when it does not start like one."""
    if date and len(date) >= 7 and date[:4].isdigit() and date[4] == "-" and date[5:7].isdigit():
        if 1 <= int(date[5:7]) <= 12:
            return date[:7]
    return None


def wal_mode(con: sqlite3.Connection, wait: float = 30.0) -> None:
    """Switch a store to WAL. SQLite answers a mode switch with "locked" at once, without its busy
    wait, while another process creates or switches the same new file: wait here instead."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection to a corpus store (read-only ones never create or change the file)."""
    p = Path(path)
    if readonly:
        if not p.is_file():
            raise InputError(f"{p}: no such corpus database; create it with `spinscan batch ... --db {p}`")
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True, check_same_thread=False)
        try:
            con.execute("SELECT 1 FROM articles LIMIT 1")
        except sqlite3.DatabaseError as e:
            con.close()
            raise InputError(f"{p}: not a spinscan corpus database ({e})") from e
    else:
        if p.is_dir():
            raise OutputError(f"{p}: is a folder; give the file name of a corpus database")
        if not p.parent.is_dir():
            raise OutputError(f"{p}: folder {p.parent} does not exist; create it first")
        con = sqlite3.connect(p, timeout=30)
        check_ours(con, p)  # (before anything is written to it, the WAL switch included)
        try:
            wal_mode(con)
        except sqlite3.DatabaseError as e:
            con.close()
            raise InputError(f"{p}: not a SQLite database ({e}); give a new file name") from e
        con.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
        # the write lock first (with the busy wait): two processes creating one store never meet halfway
        con.executescript("BEGIN IMMEDIATE;\n" + SCHEMA)
        for table, columns in UPGRADE.items():  # a store of spinscan 0.2: add what it lacks, keep its rows
            have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
            for col, kind in columns.items():
                if col not in have:
                    con.execute(f"ALTER TABLE {table} ADD COLUMN {col} {kind}")
                    if col == "zero_shot":  # every model before 0.6 trained on the six SemEval languages
                        marks = ", ".join("?" * len(TRAIN_LANGUAGES))
                        con.execute(
                            f"UPDATE articles SET zero_shot = (lang NOT IN ({marks})) WHERE status = 'ok'",
                            TRAIN_LANGUAGES,
                        )
        con.execute("CREATE INDEX IF NOT EXISTS articles_hash ON articles (content_hash)")  # (once upgraded)
        # dates that are no real day (stored before 0.8): kept as raw text, out of the date column
        con.execute(
            "UPDATE articles SET date_raw = date, date = NULL, month = NULL WHERE date IS NOT NULL AND "
            "length(date) >= 10 AND (date(substr(date, 1, 10)) IS NULL OR date(substr(date, 1, 10)) != "
            "substr(date, 1, 10))"
        )
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        con.commit()
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA foreign_keys=ON")
    return con


def check_ours(con: sqlite3.Connection, p: Path) -> None:
    """Refuse to write into a SQLite file that is not a spinscan store, or one of a newer spinscan
    (whose schema this version would damage)."""
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        cols = {r[1] for r in con.execute("PRAGMA table_info(articles)")}
        version = None
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = row[0] if row else None
    except sqlite3.DatabaseError as e:
        con.close()
        raise InputError(f"{p}: not a spinscan corpus database ({e}); give a new file name") from e
    if tables and not {"id", "model", "status", "text", "analysis"} <= cols:
        con.close()
        raise InputError(
            f"{p}: a SQLite database of something else, not a spinscan corpus; give a new file name"
        )
    if version is not None and (not str(version).isdigit() or int(version) > int(SCHEMA_VERSION)):
        con.close()
        raise InputError(
            f"{p}: written by a newer spinscan (store schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade spinscan to add to it"
        )


def compact_analysis(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis without paragraph texts (the article text is stored once, beside it)."""
    out = dict(analysis)
    out["paragraphs"] = [{k: v for k, v in p.items() if k != "text"} for p in analysis["paragraphs"]]
    out.pop("timings", None)
    return out


def full_analysis(compact: dict[str, Any], text: str) -> dict[str, Any]:
    """Inverse of :func:`compact_analysis`: paragraph texts cut back out of the article."""
    out = dict(compact)
    out["paragraphs"] = [
        {**p, "text": text[p["start"] : p["end"]].rstrip("\r")} for p in compact["paragraphs"]
    ]
    return out


class SqliteStore:
    """Results in a SQLite file (see SCHEMA)."""

    def __init__(self, path: str | Path, model: str, inputs: list[str], version: str) -> None:
        self.path = Path(path)
        self.model = model
        self.con = connect(self.path)
        cur = self.con.execute(
            "INSERT INTO runs (model, spinscan, started, inputs) VALUES (?, ?, ?, ?)",
            (model, version, _now(), json.dumps(inputs)),
        )
        self.run = cur.lastrowid
        self.con.commit()
        self.written = 0

    def done(self, retry_errors: bool = False) -> set[str]:
        sql = "SELECT id FROM articles WHERE model = ?" + (" AND status = 'ok'" if retry_errors else "")
        return {r[0] for r in self.con.execute(sql, (self.model,))}

    def add(self, rec: dict[str, Any]) -> None:
        """Write one record in its own transaction; a store that cannot be written is an OutputError
        (the batch stops; every record written before stays)."""
        try:
            self._add(rec)
        except sqlite3.OperationalError as e:  # read-only file, full disk, locked past the time-out
            raise OutputError(
                f"{self.path}: cannot write to the corpus database ({e}); the {self.written} articles "
                "written before are kept; fix it and run the same command again to finish"
            ) from e
        self.written += 1

    def _add(self, rec: dict[str, Any]) -> None:
        a = rec.get("analysis")
        with self.con:  # one transaction per article
            self.con.execute("DELETE FROM articles WHERE id = ? AND model = ?", (rec["id"], self.model))
            cur = self.con.execute(
                'INSERT INTO articles (id, model, run, status, error, error_code, "where", lang, title, '
                "source, date, month, url, author, site, genre, n_paragraphs, text, analysis, analysed_at, "
                "zero_shot, canonical_url, fetched_at, content_hash, date_raw) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rec["id"], self.model, self.run, rec["status"], rec.get("error"), rec.get("error_code"),
                    rec.get("where"),
                    (a or {}).get("lang") or rec.get("lang"), rec.get("title"), rec.get("source"),
                    valid_date(rec.get("date")), month_of(valid_date(rec.get("date"))), rec.get("url"),
                    rec.get("author"),
                    rec.get("site"),
                    a["genre"] if a else None, len(a["paragraphs"]) if a else None, rec.get("text"),
                    json.dumps(compact_analysis(a), ensure_ascii=False) if a else None, _now(),
                    int(bool(a.get("zero_shot"))) if a else None,
                    rec.get("canonical_url"), rec.get("fetched_at"), rec.get("content_hash"),
                    rec.get("date") if rec.get("date") and not valid_date(rec.get("date")) else None,
                ),
            )  # fmt: skip
            if a:
                self._add_labels(cur.lastrowid, a)
            col = "ok" if rec["status"] == "ok" else "errors"
            self.con.execute(
                f"UPDATE runs SET {col} = {col} + 1, finished = ? WHERE run = ?", (_now(), self.run)
            )

    def _add_labels(self, pk: int, a: dict[str, Any]) -> None:
        ex = self.con.executemany
        ex("INSERT INTO genres VALUES (?, ?, ?)", [(pk, g, s) for g, s in a["genre_scores"].items()])
        chosen = set(a["frames"])
        ex(
            "INSERT INTO frames VALUES (?, ?, ?, ?)",
            [(pk, f, s, f in chosen) for f, s in a["frame_scores"].items()],
        )
        ex(
            "INSERT INTO techniques (pk, line_no, technique, score, voice) VALUES (?, ?, ?, ?, ?)",
            [
                (pk, p["line_no"], t, p["scores"].get(t), (p.get("voices") or {}).get(t))
                for p in a["paragraphs"]
                for t in p["techniques"]
            ],
        )
        chosen = set(a.get("narratives") or []) | set(a.get("subnarratives") or [])
        ex(
            "INSERT INTO narratives VALUES (?, ?, ?, ?)",
            [(pk, n, s, n in chosen) for n, s in (a.get("narrative_scores") or {}).items()],
        )
        ex(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)",
            [
                (pk, e["entity"], e["main_role"], "; ".join(e["fine_roles"]), len(e["mentions"]),
                 (e.get("main_scores") or {}).get(e["main_role"]))
                for e in a.get("entities") or []
            ],
        )  # fmt: skip
        ex(
            'INSERT INTO spans (pk, line_no, technique, start, "end", score, voice) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (pk, p["line_no"], s["technique"], s["start"], s["end"], s["score"], s.get("voice"))
                for p in a["paragraphs"]
                for s in p["spans"]
            ],
        )

    def close(self) -> None:
        self.con.close()


class JsonlStore:
    """Results as JSON Lines, one record per line, appended and flushed one by one."""

    def __init__(self, path: str | Path, model: str) -> None:
        self.path = Path(path)
        self.model = model
        self._done: set[str] = set()
        if self.path.is_dir() or not self.path.parent.is_dir():
            why = "is a folder" if self.path.is_dir() else f"folder {self.path.parent} does not exist"
            raise OutputError(f"{self.path}: {why}; give a file name for the results")
        if self.path.is_file():
            self._recover()
        self.f = self.path.open("a", encoding="utf-8", newline="\n")

    def _recover(self) -> None:
        """Read what is done; cut a last line that a killed run left unfinished."""
        with self.path.open("rb+") as f:
            data = f.read()
            end = data.rfind(b"\n") + 1
            if end < len(data):
                log.warning("%s: dropping an unfinished last record (%d bytes)", self.path, len(data) - end)
                f.truncate(end)
        for n, line in enumerate(data[:end].splitlines(), start=1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(
                    f"{self.path}:{n}: not a spinscan results line ({e.msg}); use a new --out"
                ) from e
            if rec.get("model") == self.model:
                self._done.add(rec["id"])

    def done(self, retry_errors: bool = False) -> set[str]:
        if retry_errors:
            raise InputError("--retry-errors needs a SQLite store (--db); a JSON Lines file is append-only")
        return set(self._done)

    def add(self, rec: dict[str, Any]) -> None:
        try:
            self.f.write(json.dumps({**rec, "model": self.model}, ensure_ascii=False) + "\n")
            self.f.flush()
        except OSError as e:
            raise OutputError(
                f"{self.path}: cannot write the results ({e.strerror}); earlier lines are kept"
            ) from e
        self._done.add(rec["id"])

    def close(self) -> None:
        self.f.close()


def open_store(path: str | Path, model: str, inputs: list[str], version: str) -> SqliteStore | JsonlStore:
    """A JSON Lines file for .jsonl/.ndjson names, else a SQLite store."""
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        return JsonlStore(path, model)
    return SqliteStore(path, model, inputs, version)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

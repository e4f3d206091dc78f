"""A corpus store's results as flat tables, for pandas, R, DuckDB and spreadsheet users: CSV,
Parquet or XLSX.

One row per article, per paragraph technique, per span, per frame or per genre score, each
with the article's id, model, outlet, month, language and whether it was analysed zero-shot, so
that a table stands alone. Rows are
streamed from SQLite in chunks; Parquet needs pyarrow (``pip install 'spinscan[parquet]'``), XLSX
openpyxl (``pip install 'spinscan[xlsx]'``, written in its streaming mode).
"""

from __future__ import annotations

import csv
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, OutputError

log = logging.getLogger(__name__)

WHAT = ("articles", "techniques", "spans", "frames", "genres", "narratives", "entities")
FORMATS = ("csv", "parquet", "xlsx")
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
XLSX_ROWS = 1_048_576  # a worksheet's limit, the header row included
CHUNK = 20_000
_KEYS = "a.id, a.model, a.source, a.month, a.lang, a.zero_shot"
QUERIES = {
    "articles": (
        "SELECT a.id, a.model, a.status, a.error_code, a.error, a.lang, a.zero_shot, a.title, a.source,"
        " a.site, a.date, a.month, a.url, a.canonical_url, a.author, a.genre, a.n_paragraphs, a.fetched_at,"
        " a.analysed_at FROM articles a"
    ),
    "techniques": f"SELECT {_KEYS}, t.line_no, t.technique, t.score, t.voice"
    " FROM techniques t JOIN articles a ON a.pk = t.pk",
    "spans": f'SELECT {_KEYS}, s.line_no, s.technique, s.start, s."end", s.score, s.voice,'
    ' substr(a.text, s.start + 1, s."end" - s.start) AS text FROM spans s JOIN articles a ON a.pk = s.pk',
    "frames": f"SELECT {_KEYS}, f.frame, f.score, f.chosen FROM frames f JOIN articles a ON a.pk = f.pk",
    "genres": f"SELECT {_KEYS}, g.genre, g.score FROM genres g JOIN articles a ON a.pk = g.pk",
    "narratives": f"SELECT {_KEYS}, n.narrative, n.score, n.chosen"
    " FROM narratives n JOIN articles a ON a.pk = n.pk",
    "entities": f"SELECT {_KEYS}, e.entity, e.main_role, e.fine_roles, e.mentions, e.score"
    " FROM entities e JOIN articles a ON a.pk = e.pk",
}
ORDER = {
    "articles": "a.pk",
    "techniques": "a.pk, t.line_no, t.technique",
    "spans": "a.pk, s.start, s.technique",
    "frames": "a.pk, f.frame",
    "genres": "a.pk, g.genre",
    "narratives": "a.pk, n.narrative",
    "entities": "a.pk, e.entity",
}


def rows(con: sqlite3.Connection, what: str, model: str | None = None) -> tuple[list[str], Iterator[tuple]]:
    """The column names and the rows of one table (all models, or ``model``'s)."""
    if what not in QUERIES:
        raise InputError(f"--what {what!r}: expected one of {', '.join(WHAT)}")
    sql = QUERIES[what] + (" WHERE a.model = ?" if model else "") + f" ORDER BY {ORDER[what]}"
    cur = con.execute(sql, (model,) if model else ())
    names = [d[0] for d in cur.description]

    def chunks() -> Iterator[tuple]:
        while batch := cur.fetchmany(CHUNK):
            yield from batch

    return names, chunks()


def format_of(out: str | Path, fmt: str | None = None) -> str:
    """The format to write ``out`` in: ``fmt`` if given, else the one its suffix names. A suffix
    that names no format, or another one than ``fmt``, is refused (no CSV under an .xlsx name)."""
    suffix = Path(out).suffix.lower()
    by_suffix = SUFFIXES.get(suffix)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt is None and by_suffix is None:
        raise OutputError(
            f"{out}: the name ends in {suffix or 'no suffix'}; give a .csv, .parquet or .xlsx file "
            "(or --format)"
        )
    if fmt is not None and by_suffix is not None and by_suffix != fmt:
        raise OutputError(f"{out}: a {suffix} name for --format {fmt}; make them agree")
    return fmt or by_suffix  # type: ignore[return-value]


def export(con: sqlite3.Connection, what: str, out: str | Path, fmt: str, model: str | None = None) -> int:
    """Write one table to ``out`` as CSV, Parquet or XLSX; returns the number of rows written."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    names, it = rows(con, what, model)
    out = Path(out)
    try:
        if fmt == "csv":
            return _csv(names, it, out)
        if fmt == "xlsx":
            return _xlsx(names, it, out, what)
        return _parquet(names, it, out, what)
    except OSError as e:  # a full disk, a folder gone: one line, and no half-written file left
        if part_of(out) != out:
            part_of(out).unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot be written ({e.strerror or e})") from e


# A cell that starts like a formula runs as one when a spreadsheet opens the file; third parties
# write feed titles and outlet names, so text cells are made inert (OWASP's CSV advice: a ')
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def inert(v):
    """``v`` as a spreadsheet shows it without running it: text starting with = + - @ (or a tab
    or CR) gets a leading apostrophe; numbers stay numbers."""
    return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v


def part_of(out: Path) -> Path:
    """Where a file is written before it takes ``out``'s name (so a failed export leaves none);
    a device or pipe (``/dev/stdout``) is written as it is."""
    return out.with_name(out.name + ".part") if not out.exists() or out.is_file() else out


def _csv(names: list[str], it: Iterator[tuple], out: Path) -> int:
    n = 0
    tmp = part_of(out)
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(names)
        for r in it:
            w.writerow([inert(v) for v in r])
            n += 1
    if tmp != out:
        tmp.replace(out)
    return n


# column types for Parquet (SQLite's are loose); anything not listed is text
_INTS = {"n_paragraphs", "line_no", "start", "end", "chosen", "zero_shot"}
_FLOATS = {"score"}


def _parquet(names: list[str], it: Iterator[tuple], out: Path, what: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise OutputError(
            "Parquet needs pyarrow: pip install 'spinscan[parquet]' (or use --format csv)"
        ) from e
    schema = pa.schema(
        [(c, pa.int64() if c in _INTS else pa.float64() if c in _FLOATS else pa.string()) for c in names]
    )
    n = 0
    tmp = part_of(out)
    with pq.ParquetWriter(tmp, schema) as w:
        batch: list[tuple] = []
        for r in it:
            batch.append(r)
            if len(batch) == CHUNK:
                w.write_table(_table(pa, schema, batch))
                n += len(batch)
                batch = []
        if batch or not n:
            w.write_table(_table(pa, schema, batch))
            n += len(batch)
    if tmp != out:
        tmp.replace(out)
    log.info("%s: %d rows of %s", out, n, what)
    return n


def _table(pa, schema, batch: list[tuple]):
    cols = list(zip(*batch)) if batch else [[] for _ in schema]
    return pa.table([pa.array(list(c), type=f.type) for c, f in zip(cols, schema)], schema=schema)


def _xlsx(names: list[str], it: Iterator[tuple], out: Path, what: str) -> int:
    try:
        from openpyxl import Workbook
    except ImportError as e:
        raise OutputError("XLSX needs openpyxl: pip install 'spinscan[xlsx]' (or use --format csv)") from e
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(what)
    ws.append(names)
    n = 0

    def cell(v):
        if not isinstance(v, str):
            return v
        c = WriteOnlyCell(ws, _cell(v))
        c.data_type = "s"  # text, even when it starts with "=" (openpyxl would make it a formula)
        return c

    for r in it:
        if n + 1 >= XLSX_ROWS:
            raise OutputError(
                f"{out}: more than {XLSX_ROWS - 1:,} rows, a worksheet's limit; export as .csv or .parquet"
            )
        ws.append([cell(v) for v in r])
        n += 1
    tmp = part_of(out)
    wb.save(tmp)
    if tmp != out:
        tmp.replace(out)  # (a failed export leaves no half-written workbook under the name)
    log.info("%s: %d rows of %s", out, n, what)
    return n


_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])  # control characters XLSX cannot hold


def _cell(v):
    return v.translate(_ILLEGAL) if isinstance(v, str) else v


ANNOTATION_FORMATS = ("label-studio", "doccano")


def export_for_annotation(
    con: sqlite3.Connection, out: str | Path, fmt: str, model: str | None = None
) -> int:
    """The stored analyses as tasks to correct: a Label Studio JSON list of tasks with predictions,
    or doccano JSONL rows (see :mod:`spinscan.annotations`); returns how many articles. An
    article whose stored analysis is damaged is left out (and logged), never a cut file."""
    out = Path(out)
    try:
        return _annotation_tasks(con, out, fmt, model)
    except OSError as e:
        if part_of(out) != out:
            part_of(out).unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot be written ({e.strerror or e})") from e


def _annotation_tasks(con: sqlite3.Connection, out: Path, fmt: str, model: str | None) -> int:
    import json

    from ..annotations import doccano_row, label_studio_task
    from ..types import Analysis
    from .store import full_analysis

    sql = "SELECT id, model, text, analysis FROM articles WHERE status = 'ok'" + (
        " AND model = ?" if model else ""
    )
    n = damaged = 0
    tmp = part_of(out)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("[\n" if fmt == "label-studio" else "")
        for row in con.execute(sql + " ORDER BY pk", (model,) if model else ()):
            try:
                a = Analysis.from_dict(
                    {**full_analysis(json.loads(row["analysis"]), row["text"]), "id": row["id"]}
                )
            except (ValueError, TypeError, KeyError, AttributeError, IndexError) as e:
                damaged += 1  # a damaged stored analysis: left out, named, never a cut file
                log.warning("%s: its stored analysis cannot be read (%s); left out", row["id"], e)
                continue
            if fmt == "label-studio":
                f.write(
                    (",\n" if n else "")
                    + json.dumps(label_studio_task(a, row["text"], row["model"]), ensure_ascii=False)
                )
            else:
                f.write(json.dumps(doccano_row(a, row["text"]), ensure_ascii=False) + "\n")
            n += 1
        f.write("\n]\n" if fmt == "label-studio" else "")
    if tmp != out:
        tmp.replace(out)
    if damaged:
        log.warning("%d article(s) with a damaged stored analysis left out of %s", damaged, out)
    return n

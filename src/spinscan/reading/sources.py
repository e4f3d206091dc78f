"""Batch inputs: folders of .txt and .html files, WARC crawls, JSON Lines, CSV, official data folders.

Reading happens in two steps so that a cluster engine can do the second one on its
workers: :func:`list_inputs` turns what the user named into file entries (cheap: names
only), and :func:`parse_file` turns one file's bytes into items. A bad item (empty,
binary, undecodable, too long, a broken JSON line) becomes an item with ``error`` set;
it never stops the batch.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..labels import LANGUAGES
from ..text import MAX_BYTES, check_text, decode_bytes, join_title, too_big
from .html import HTML_SUFFIXES
from .pages import page_item, warc_items

FIELDS = ("id", "text", "html", "lang", "title", "source", "date", "url", "author", "site")
_OFFICIAL_DIR = re.compile(r"^(?P<split>[a-z]+)-articles-subtask-[123]$")
_OFFICIAL_FILE = re.compile(r"^article(\d+)\.txt$")


@dataclass(frozen=True)
class FileEntry:
    """One input file and how to read it."""

    path: str
    kind: str  # txt | html | warc | jsonl | csv | official
    root: str  # the folder the user named (txt ids are paths relative to it)
    lang: str | None = None  # official folders know their language
    split: str | None = None


@dataclass
class Item:
    """One article to analyse (or the reason it cannot be)."""

    id: str
    text: str | None
    where: str  # file, or file:line, for messages
    lang: str | None = None
    title: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    error: str | None = None
    author: str | None = None
    site: str | None = None
    skipped: list | None = None  # [line_no, reason] pairs of clutter a page's reading marked
    fetch: str | None = None  # a URL to fetch before analysing (the ``url`` column alone)

    def to_dict(self) -> dict:
        return asdict(self)

    def clutter(self) -> dict[int, str] | None:
        """The clutter marks as ``analyze(skipped=...)`` takes them (None: mark them there)."""
        return None if self.skipped is None else {int(k): str(v) for k, v in self.skipped}


def _official_entries(root: Path) -> list[FileEntry]:
    """Articles of an official data folder, each (language, split, id) once.

    The same article sits in several subtask folders; the first folder wins.
    """
    seen: set[tuple[str, str, str]] = set()
    out: list[FileEntry] = []
    for lang in LANGUAGES:
        for d in sorted((root / lang).glob("*-articles-subtask-*")):
            m = _OFFICIAL_DIR.match(d.name)
            if not m or not d.is_dir():
                continue
            for f in sorted(d.iterdir()):
                fm = _OFFICIAL_FILE.match(f.name)
                key = (lang, m["split"], fm.group(1) if fm else "")
                if fm and key not in seen:
                    seen.add(key)
                    out.append(FileEntry(str(f), "official", str(root), lang, m["split"]))
    return out


def _is_official(root: Path) -> bool:
    return any(
        (root / lang).is_dir() and any((root / lang).glob("*-articles-subtask-*")) for lang in LANGUAGES
    )


def list_inputs(inputs: list[str | Path]) -> list[FileEntry]:
    """File entries for what the user named; raise InputError for a path that does not exist."""
    entries: list[FileEntry] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            if _is_official(p):
                entries += _official_entries(p)
                continue
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            found = [FileEntry(str(f), _kind(f), str(p)) for f in files if _kind(f)]  # type: ignore
            if not found:
                raise InputError(
                    f"{p}: a folder with no article file in it ({len(files)} other files); expected .txt, "
                    ".html, .warc(.gz), .jsonl or .csv files"
                )
            entries += found
        elif p.is_file():
            kind = _kind(p)
            if not kind:
                raise InputError(
                    f"{p}: unknown input type '{p.suffix}'; expected a .txt, .html, .warc(.gz), "
                    ".jsonl (.ndjson), .csv file or a folder of them"
                )
            entries.append(FileEntry(str(p), kind, str(p.parent)))
        else:
            raise InputError(f"{p}: no such file or folder")
    return entries


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    return {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(path.suffix.lower())


def parse_file(entry: FileEntry, data: bytes, max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    """The items of one input file (``data`` = its bytes)."""
    if entry.kind in ("txt", "official", "html"):
        yield _text_item(entry, data, max_bytes)
        return
    if entry.kind == "warc":
        yield from warc_items(entry, io.BytesIO(data), max_bytes, _warc_item(entry))
        return
    yield from _records(entry, io.BytesIO(data), max_bytes)


def _warc_item(entry: FileEntry):
    def make(uri: str, where: str) -> Item:
        return Item(id=uri, text=None, where=where)

    return make


def _records(entry: FileEntry, stream: BinaryIO, max_bytes: int) -> Iterator[Item]:
    """The items of a JSON Lines or CSV file, read as a stream (files may be huge)."""
    where = entry.path
    if entry.kind == "jsonl":
        rows = _jsonl_rows(stream, where)
    else:
        rows = _csv_rows(stream, where)
    for line, row, problem in rows:
        yield _record_item(row, f"{where}:{line}", problem, max_bytes)


def _text_item(entry: FileEntry, data: bytes, max_bytes: int) -> Item:
    path = Path(entry.path)
    if entry.kind == "official":
        item = Item(id=_OFFICIAL_FILE.match(path.name).group(1), text=None, where=entry.path, lang=entry.lang)
        item.source = f"semeval2023/{entry.lang}/{entry.split}"
    else:
        rel = path.relative_to(entry.root) if path.is_relative_to(entry.root) else Path(path.name)
        # a folder per outlet is the usual layout: corpus/<outlet>/<article>.txt
        name = rel.name
        for suffix in (".gz", *HTML_SUFFIXES, ".txt"):
            name = name.removesuffix(suffix) if name.lower().endswith(suffix) else name
        item = Item(id=(rel.parent / name).as_posix().removeprefix("./"), text=None, where=entry.path)
        item.source = rel.parts[0] if len(rel.parts) > 1 else None
    if entry.kind == "html":
        return page_item(item, data, entry.path, max_bytes)
    try:
        item.text = decode_bytes(data, entry.path, max_bytes)
    except InputError as e:
        item.error = str(e)
    return item


def _jsonl_rows(stream: BinaryIO, where: str) -> Iterator[tuple[int, dict | None, str | None]]:
    for n, raw in enumerate(stream, start=1):
        if n == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:  # one bad line costs that line only
            yield n, None, f"{where}:{n}: not UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1})"
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            msg = e.msg.removesuffix(" at")  # ("Invalid control character at" ends so)
            yield n, None, f"{where}:{n}: not valid JSON ({msg} at column {e.colno})"
            continue
        if not isinstance(row, dict):
            yield n, None, f"{where}:{n}: expected a JSON object, found {type(row).__name__}"
            continue
        yield n, row, None


def _csv_rows(stream: BinaryIO, where: str) -> Iterator[tuple[int, dict | None, str | None]]:
    bad: set[int] = set()  # physical lines that are not UTF-8

    def lines() -> Iterator[str]:
        for n, raw in enumerate(stream, start=1):
            raw = raw.removeprefix(codecs.BOM_UTF8) if n == 1 else raw
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad.add(n)
                yield raw.decode("utf-8", errors="replace")

    reader = csv.DictReader(lines())
    try:
        if not reader.fieldnames or "text" not in reader.fieldnames or 1 in bad:
            found = ", ".join(reader.fieldnames or []) or "nothing"
            yield 1, None, f"{where}: expected a UTF-8 header with a 'text' column (and 'id'), found {found}"
            return
        last = reader.line_num
        for row in reader:
            first, last = last + 1, reader.line_num
            if bad.intersection(range(first, last + 1)):
                yield first, None, f"{where}:{first}: not UTF-8; convert the file first"
            else:
                yield first, {k: v for k, v in row.items() if k is not None}, None
    except csv.Error as e:
        yield reader.line_num, None, f"{where}:{reader.line_num}: broken CSV ({e}); the rest is skipped"


def _record_item(row: dict | None, where: str, problem: str | None, max_bytes: int) -> Item:
    row = row or {}
    raw_id = row.get("id")
    item = Item(id=str(raw_id) if raw_id not in (None, "") else where, text=None, where=where)
    if problem:
        item.error = problem
        return item
    if not isinstance(raw_id, str | int | None) or isinstance(raw_id, bool):
        item.id = where
        item.error = f"{where}: field 'id' must be a string or an integer, found {type(raw_id).__name__}"
        return item
    for f in ("lang", "title", "source", "date", "url", "author", "site"):
        v = row.get(f)
        if v not in (None, ""):
            if not isinstance(v, str | int | float):
                item.error = f"{where}: field '{f}' must be a string, found {type(v).__name__}"
                return item
            setattr(item, f, str(v))
    text, html = row.get("text"), row.get("html")
    if text in (None, "") and isinstance(html, str) and html.strip():  # a saved page
        return page_item(item, html.encode("utf-8"), where, max_bytes, item.url)
    if text in (None, "") and html in (None, "") and item.url:  # a link: fetched when its turn comes
        item.fetch = item.url
        return item
    if not isinstance(text, str):
        found = "nothing" if text is None else type(text).__name__
        item.error = f"{where}: expected a 'text' field with the article (or 'html', or 'url'), found {found}"
        return item
    try:
        item.text = check_text(join_title(item.title, text), where, max_bytes)
    except InputError as e:
        item.error = str(e)
    return item


def read_entry(entry: FileEntry, max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    """Read and parse one input file on this machine."""
    try:
        size = Path(entry.path).stat().st_size
        if entry.kind in ("txt", "official", "html") and size > max_bytes:  # refuse before reading it
            yield _file_error(entry, str(too_big(entry.path, size, max_bytes)))
            return
        if entry.kind in ("jsonl", "csv"):
            with open(entry.path, "rb") as f:
                yield from _records(entry, f, max_bytes)
            return
        if entry.kind == "warc":  # read as a stream: crawls are large
            with open(entry.path, "rb") as f:
                yield from warc_items(entry, f, max_bytes, _warc_item(entry))
            return
        data = Path(entry.path).read_bytes()
    except OSError as e:
        yield _file_error(entry, f"{entry.path}: {e.strerror}")
        return
    yield from parse_file(entry, data, max_bytes)


def _file_error(entry: FileEntry, message: str) -> Item:
    """The error item of a whole file; a text file's keeps its usual id, so a rerun replaces it."""
    if entry.kind in ("txt", "official", "html"):
        item = _text_item(
            entry if entry.kind != "html" else FileEntry(entry.path, "txt", entry.root), b"", MAX_BYTES
        )
    else:
        item = Item(id=Path(entry.path).stem, text=None, where=entry.path)
    item.error = message
    return item


def iter_items(entries: list[FileEntry], max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    for e in entries:
        yield from read_entry(e, max_bytes)


def count_items(entries: list[FileEntry]) -> int:
    """How many items the entries hold (for a progress bar), reading files as streams."""
    n = 0
    for e in entries:
        if e.kind in ("txt", "official", "html", "warc"):  # (a WARC counts as one until read)
            n += 1
            continue
        try:
            with open(e.path, "rb") as f:
                if e.kind == "jsonl":
                    n += sum(1 for raw in f if raw.strip() and raw.strip() != codecs.BOM_UTF8)
                else:
                    n += sum(1 for _ in _csv_rows(f, e.path))
        except OSError:
            n += 1
    return n

"""doccano: a sequence-labelling project's JSONL export in and out, and spinscan's own JSONL.

doccano writes one JSON object a line, ``text`` with ``label: [[start, end, "Tag"], ...]`` (or
``entities: [{"start_offset", "end_offset", "label"}]``), code-point offsets as Python counts
them. A text-classification label (a plain string in ``label``, or ``cats``) names the genre or
frames. spinscan's own JSONL is read in ``jsonl``; it shares this module's line reader.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..types import Analysis, Article, Span
from .names import Names
from .spans import offsets, strings, with_paragraph_techniques

MAX_ZIP_BYTES = 500_000_000  # what the JSONL files of one export may inflate to


def texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of an export: the file itself, or each JSONL file inside a zip (doccano
    exports a zip of one ``.jsonl`` per user or ``all.jsonl``)."""
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as z:
                members = [
                    m for m in z.infolist() if m.filename.endswith((".jsonl", ".json")) and not m.is_dir()
                ]
                if not members:
                    raise InputError(f"{path}: a zip with no .jsonl file in it")
                if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
                    raise InputError(f"{path}: its JSONL files inflate to over {MAX_ZIP_BYTES / 1e6:.0f} MB")
                for m in members:
                    yield f"{path}!{m.filename}", z.read(m).decode("utf-8")
        except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as e:
            raise InputError(f"{path}: cannot read the zip's files ({e})") from e
        return
    try:
        yield str(path), path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read it as UTF-8 text ({e})") from e


def lines_of(path: Path) -> Iterator[tuple[str, dict]]:
    """(where, row) of every JSON line of an export (a file or a zip of them)."""
    found = False
    for name, raw in texts(path):
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise InputError(f"{name}:{n}: not valid JSON ({e})") from e
            if not isinstance(row, dict):
                raise InputError(f"{name}:{n}: expected a JSON object per line")
            found = True
            yield f"{name}:{n}", row
    if not found:
        raise InputError(f"{path}: the file is empty; export the annotated articles into it")


def row_text(row: dict, where: str) -> str:
    text = row.get("text", row.get("data"))
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: no 'text'")
    return text


def row_lang(row: dict, where: str) -> str | None:
    lang = row.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise InputError(f"{where}: 'lang' should be a language code, found {lang!r}")
    return lang


def row_classes(labels: list[str], names: Names, where: str) -> tuple[str | None, list[str] | None]:
    genre, frames = None, []
    for lab in labels:
        if g := names.find(lab, "genres"):
            genre = g
        elif f := names.find(lab, "frames"):
            frames.append(f)
        else:
            raise InputError(f"{where}: unknown label {lab!r} (no genre or frame); name it in a --map file")
    return genre, frames or None


def read_doccano(path: str | Path, names: Names | None = None, lang: str | None = None) -> list[Article]:
    """The articles of a doccano JSONL export."""
    p, names = Path(path), names or Names()
    out = []
    for n, (where, row) in enumerate(lines_of(p), start=1):
        text = row_text(row, where)
        spans: list[Span] = []
        triples = row.get("label", row.get("labels"))
        if triples is not None and not isinstance(triples, list):
            raise InputError(f"{where}: 'label' should be a list, found {str(triples)[:40]!r}")
        classes = [x for x in triples or [] if isinstance(x, str)]
        classes += strings(row.get("cats") or [], where, "cats")
        regions = [x for x in triples or [] if not isinstance(x, str)]
        entities = row.get("entities") or []
        if not isinstance(entities, list):
            raise InputError(f"{where}: 'entities' should be a list")
        regions += [
            [e.get("start_offset"), e.get("end_offset"), e.get("label")] if isinstance(e, dict) else e
            for e in entities
        ]
        for k, r in enumerate(regions, start=1):
            if not (isinstance(r, list | tuple) and len(r) == 3):
                raise InputError(f"{where}, region {k}: expected [start, end, label], found {str(r)[:60]}")
            start, end = offsets(r[0], r[1], len(text), f"{where}, region {k}")
            t = names.find(str(r[2]))
            if t is None:
                raise InputError(f"{where}, region {k}: unknown technique {r[2]!r}; name it in a --map file")
            spans.append(Span(t, start, end, 1.0))
        a = Article(id=str(row.get("id", n)), text=text, lang=row_lang(row, where) or lang)
        a.meta["where"] = where
        a.genre, a.frames = row_classes(classes, names, where)
        a.spans = spans
        out.append(with_paragraph_techniques(a, known=bool(regions) or "entities" in row or triples == []))
    return out


def doccano_row(analysis: Analysis, text: str) -> dict[str, Any]:
    """One doccano JSONL row for ``text`` with the analysis's spans as labels (code points) to
    correct, and its genre and frames in ``meta.spinscan`` (never read back as gold)."""
    spans = [[s.start, s.end, s.technique] for p in analysis.paragraphs for s in p.spans]
    # the genre and frames are spinscan's guesses, not a person's: they travel in the metadata,
    # which doccano shows beside the text and `learn` never takes for gold
    guess = {"genre": analysis.genre, "frames": analysis.frames, "model": analysis.model.get("version")}
    return {"id": analysis.id, "text": text, "lang": analysis.lang, "label": spans,
            "meta": {"spinscan": guess}}  # fmt: skip

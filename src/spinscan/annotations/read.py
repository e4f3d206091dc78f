"""Reading annotated articles from any of the supported formats, told apart by their shape."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..errors import InputError
from ..languages import normalise_language
from ..types import Article
from .doccano import read_doccano
from .jsonl import read_jsonl
from .label_studio import read_label_studio
from .names import Names
from .prodigy import is_prodigy, read_prodigy
from .spans import with_paragraph_techniques

log = logging.getLogger(__name__)
FORMATS = ("label-studio", "doccano", "jsonl", "prodigy", "semeval")


def format_of(path: Path) -> str:
    """Which format ``path`` is in: a folder is the official layout; a JSON list is Label Studio
    (full or JSON_MIN); JSONL whose rows carry an ``answer`` is Prodigy's, ``spans`` spinscan's own,
    else doccano's (a zip too: doccano exports one)."""
    if path.is_dir():
        return "semeval"
    head = path.read_text(encoding="utf-8", errors="replace")[:200_000].lstrip()
    if head.startswith("["):
        return "label-studio"
    first = head.split("\n", 1)[0]
    try:
        row = json.loads(first)
    except ValueError:
        return "doccano"  # (its reader names the broken line)
    if isinstance(row, dict) and ("annotations" in row and "data" in row):
        return "label-studio"
    if is_prodigy(row):  # (spans with a label and an answer: not spinscan's own JSONL)
        return "prodigy"
    return (
        "jsonl"
        if isinstance(row, dict) and any(k in row for k in ("spans", "genre", "frames", "techniques"))
        else "doccano"
    )


def read_annotations(
    sources: list[str | Path],
    lang: str | None = None,
    names: Names | None = None,
    fmt: str | None = None,
    **label_studio,
) -> list[Article]:
    """Every annotated article of ``sources`` (files or official folders), with its language
    (its own, else ``lang``) as spinscan's code. Raises InputError naming the file and task or
    region of anything that cannot be read safely."""
    names = names or Names()
    code = normalise_language(lang) if lang else None
    out: list[Article] = []
    for src in sources:
        p = Path(src)
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
        kind = fmt or format_of(p)
        if kind not in FORMATS:
            raise InputError(f"unknown annotation format {kind!r}; expected one of {', '.join(FORMATS)}")
        try:
            arts = _read(p, kind, names, code, label_studio)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as e:
            # a shape no check foresaw: still one line naming the file, never a traceback
            raise InputError(f"{p}: cannot be read as {kind} annotations ({type(e).__name__}: {e})") from e
        for a in arts:
            if not a.lang:
                raise InputError(f"{a.meta.get('where', p)}: no language; give it with --lang")
            a.lang = normalise_language(a.lang)
        out += arts
    if not out:
        raise InputError("no annotated article in " + ", ".join(str(s) for s in sources))
    ids = [a.id for a in out]
    if len(set(ids)) != len(ids):  # two exports of one project, or ids reused: keep them apart
        for k, a in enumerate(out):
            a.id = f"{a.id}#{k}" if ids.count(a.id) > 1 else a.id
    return out


def _read(p: Path, kind: str, names: Names, code: str | None, label_studio: dict) -> list[Article]:
    if kind == "label-studio":
        return read_label_studio(p, names, code, **label_studio)
    if kind == "doccano":
        return read_doccano(p, names, code)
    if kind == "jsonl":
        return read_jsonl(p, names, code)
    if kind == "prodigy":
        return read_prodigy(p, names, code)
    return read_semeval(p, code)


def read_semeval(root: Path, lang: str | None = None) -> list[Article]:
    """The articles with technique gold of an official folder (every split with gold)."""
    from ..semeval.data import Dataset

    ds = Dataset(root)
    out = []
    for split in ("train", "dev", "test"):
        for code in ds.languages(split, 3):
            if lang and code != lang or not ds.has_gold(code, split, 3):
                continue
            gold = {
                st: {a.id: a for a in ds.articles(code, split, st)}
                for st in (1, 2)
                if ds.has_gold(code, split, st)
            }
            for a in ds.articles(code, split, 3):
                a.meta["where"] = f"{root}/{code}/{split} article {a.id}"
                a.genre = gold.get(1, {}).get(a.id, a).genre if 1 in gold else None
                a.frames = gold.get(2, {}).get(a.id, a).frames if 2 in gold else None
                out.append(
                    with_paragraph_techniques(a, known=a.spans is not None) if a.spans is not None else a
                )
    return out

"""Prodigy: a ``db-out`` JSONL export (``prodigy db-out DATASET > file.jsonl``).

Each line is one example a person answered: ``text``, ``spans`` of ``{start, end, label}`` in
code points (a ``spans.manual`` or ``ner.manual`` recipe), ``answer`` ``accept``, ``reject`` or
``ignore``, and Prodigy's ``_input_hash``/``_task_hash``. Only accepted examples are gold; a
rejected or ignored one is left out (and said so in the log). An example answered twice (the
same ``_input_hash``) counts once, its last answer."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import InputError
from ..types import Article, Span
from .doccano import lines_of
from .names import Names
from .spans import offsets, with_paragraph_techniques

log = logging.getLogger(__name__)


def is_prodigy(row: object) -> bool:
    return isinstance(row, dict) and ("answer" in row or "_task_hash" in row or "_input_hash" in row)


def read_prodigy(path: str | Path, names: Names | None = None, lang: str | None = None) -> list[Article]:
    """The accepted examples of a Prodigy ``db-out`` export, as articles with their spans."""
    p, names = Path(path), names or Names()
    latest: dict[object, tuple[str, dict]] = {}
    for n, (where, row) in enumerate(lines_of(p), start=1):
        latest[row.get("_input_hash", n)] = (where, row)
    out = []
    for where, row in latest.values():
        answer = row.get("answer", "accept")
        if answer != "accept":
            log.warning("%s: answered %r, not accepted; skipped", where, answer)
            continue
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where}: no 'text'")
        rows = row.get("spans") or []
        if not isinstance(rows, list):
            raise InputError(f"{where}: 'spans' should be a list of {{start, end, label}}")
        spans = []
        for k, sp in enumerate(rows, start=1):
            at = f"{where}, span {k}"
            if not isinstance(sp, dict):
                raise InputError(f"{at}: expected {{start, end, label}}")
            t = names.find(str(sp.get("label", "")))
            if t is None:
                raise InputError(f"{at}: unknown technique {sp.get('label')!r}; name it in a --map file")
            start, end = offsets(sp.get("start"), sp.get("end"), len(text), at)
            spans.append(Span(t, start, end, 1.0))
        meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
        a = Article(id=str(meta.get("id") or row.get("_input_hash") or where), text=text,
                    lang=meta.get("lang") or row.get("lang") or lang)  # fmt: skip
        a.meta["where"] = where
        a.spans = spans
        out.append(with_paragraph_techniques(a, known=True))
    return out

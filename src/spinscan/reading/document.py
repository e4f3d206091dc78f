"""What spinscan reads from an input: the text analyses index, page metadata, clutter marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..types import split_paragraphs


@dataclass
class Document:
    """One input as spinscan will analyse it.

    ``text`` is what every offset indexes: for a web page the title on line 1, an empty line,
    then one paragraph per line; for plain text, the text as given. ``skipped`` marks the
    paragraphs (by line number) that are page clutter, with the reason; they stay in ``text``.
    """

    source: str  # the file, URL or "<stdin>" it came from
    text: str
    kind: str  # "html" or "text"
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site: str | None = None
    url: str | None = None
    lang: str | None = None  # as the page declares it (ISO code), when it does
    skipped: dict[int, str] = field(default_factory=dict)

    def paragraphs(self) -> list[dict[str, Any]]:
        """Each paragraph with its line number, offsets, text and clutter reason (or None)."""
        return [
            {
                "line_no": p.line_no,
                "start": p.start,
                "end": p.end,
                "text": p.text.rstrip("\r"),
                "skipped": self.skipped.get(p.line_no),
            }
            for p in split_paragraphs(self.text)
        ]

    @property
    def body(self) -> str:
        """The kept paragraphs after the title line, joined with newlines: the article's text."""
        return "\n".join(
            p.text.strip()
            for p in split_paragraphs(self.text)
            if p.line_no != 1 and p.line_no not in self.skipped
        )

    def to_dict(self) -> dict[str, Any]:
        """The structure of ``spinscan extract --json``."""
        return {
            "file": self.source,
            "kind": self.kind,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "site": self.site,
            "url": self.url,
            "lang": self.lang,
            "body": self.body,
            "text": self.text,
            "paragraphs": self.paragraphs(),
        }

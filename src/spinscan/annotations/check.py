"""What an export would teach, before hours of training: ``spinscan learn --check``.

Reads the sources exactly as ``learn`` does (the same readers, the same checks, so an export that
passes here is read the same way there) and counts, per language, the articles, the spans, the
paragraph labels, the genres and the frames it would learn from; what the readers skipped (a task
without a submitted annotation, choices that name nothing) is collected from their log lines."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from ..types import Article

SKIP_LOGGERS = ("spinscan.annotations",)


class Collect(logging.Handler):
    """Keeps the readers' warnings (each says what was skipped and why)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def collecting() -> tuple[Collect, list[logging.Logger]]:
    handler = Collect()
    loggers = [logging.getLogger(name) for name in SKIP_LOGGERS]
    for lg in loggers:
        lg.addHandler(handler)
    return handler, loggers


def summary(articles: list[Article], skipped: list[str]) -> dict[str, Any]:
    """Totals and per-language counts of what ``learn`` would learn from."""
    by_lang: dict[str, dict[str, Any]] = {}
    for a in articles:
        row = by_lang.setdefault(a.lang or "?", {"articles": 0, "with_spans": 0, "spans": 0,
                                                "labels_only": 0, "paragraph_labels": 0,
                                                "genres": Counter(), "with_frames": 0, "frames": 0,
                                                "sources": Counter()})  # fmt: skip
        row["articles"] += 1
        row["sources"][a.meta.get("source") or "-"] += 1
        if a.spans is not None:
            row["with_spans"] += 1
            row["spans"] += len(a.spans)
        elif a.techniques is not None:  # paragraph labels without spans: the span head skips them
            row["labels_only"] += 1
        row["paragraph_labels"] += sum(len(t) for t in (a.techniques or {}).values())
        if a.genre:
            row["genres"][a.genre] += 1
        if a.frames is not None:
            row["with_frames"] += 1
            row["frames"] += len(a.frames)
    for row in by_lang.values():
        row["genres"] = dict(row["genres"])
        row["sources"] = dict(row["sources"]) if set(row["sources"]) != {"-"} else {}
    return {
        "articles": len(articles),
        "spans": sum(r["spans"] for r in by_lang.values()),
        "languages": by_lang,
        "skipped": skipped,
    }


def lines(s: dict[str, Any]) -> list[str]:
    """The summary as a reader sees it, one line per language, then what was skipped."""
    out = [f"{s['articles']} articles, {s['spans']} spans would be learned from"]
    for lang, r in sorted(s["languages"].items()):
        genres = ", ".join(f"{n} {g}" for g, n in sorted(r["genres"].items())) or "no genre"
        only = f", {r['labels_only']} with paragraph labels only" if r["labels_only"] else ""
        out.append(
            f"  {lang}: {r['articles']} articles; {r['with_spans']} with span annotations ({r['spans']} "
            f"spans){only}; {r['paragraph_labels']} paragraph labels; {genres}; {r['with_frames']} with "
            f"frames ({r['frames']})"
        )
        if r["sources"]:
            out.append("    by source: " + ", ".join(f"{k} {n}" for k, n in sorted(r["sources"].items())))
    out += [f"  skipped: {x}" for x in s["skipped"]]
    return out

"""`spinscan compare A B`: two articles side by side (genre, frames, techniques per 1,000 words,
shared and distinct techniques, the author's words against quoted ones)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..errors import SpinscanError
from ..text import MAX_BYTES
from .analyze import keep_clutter_option, source_id
from .common import backend_option, friendly_errors, model_option
from .main import main


def profile(analysis, text: str) -> dict[str, Any]:
    """What `compare` sets side by side for one article."""
    kept = [p for p in analysis.paragraphs if not p.skipped]
    words = max(1, sum(len(p.text.split()) for p in kept))
    voices = analysis.voice_counts()
    spans = {t: v["author"] + v["quoted"] for t, v in voices.items()}
    return {
        "genre": analysis.genre,
        "genre_scores": analysis.genre_scores,
        "frames": analysis.frames,
        "words": words,
        "techniques": analysis.techniques,
        "spans_per_1000_words": {
            t: round(1000 * n / words, 1) for t, n in sorted(spans.items(), key=lambda kv: -kv[1])
        },
        "quoted_spans": {t: v["quoted"] for t, v in voices.items() if v["quoted"]},
        "author_spans": {t: v["author"] for t, v in voices.items() if v["author"]},
    }


def comparison(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    ta, tb = set(a["techniques"]), set(b["techniques"])
    return {
        "shared": sorted(ta & tb),
        "only_a": sorted(ta - tb),
        "only_b": sorted(tb - ta),
        "same_genre": a["genre"] == b["genre"],
        "shared_frames": sorted(set(a["frames"]) & set(b["frames"])),
    }


@main.command()
@click.argument("first")
@click.argument("second")
@click.option("--lang", default=None, help="Language code of both (detected when omitted).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Refuse inputs larger than this.")
@keep_clutter_option
@model_option
@backend_option
@friendly_errors
def compare(first, second, lang, as_json, max_bytes, keep_clutter, model_dir) -> None:
    """Compare two articles (files, web pages or URLs) side by side.

    \b
    Examples:
      spinscan compare report.html column.html
      spinscan compare --json a.txt https://example.com/news/story
    """
    from ..analysis import analyze_document, get_model
    from ..reading import read_source

    model = get_model(model_dir)
    found = []
    for src in (first, second):
        try:
            doc = read_source(src, max_bytes, keep_clutter=keep_clutter, stdin=sys.stdin.buffer)
            found.append(profile(analyze_document(doc, lang=lang, model=model, id=source_id(src)), doc.text))
        except SpinscanError as e:
            raise SpinscanError(
                f"{src}: {e}" if not str(e).startswith(src) else str(e), setting=e.setting
            ) from e
    a, b = found
    both = comparison(a, b)
    if as_json:
        click.echo(
            json.dumps({"a": {"file": first, **a}, "b": {"file": second, **b}, **both}, ensure_ascii=False)
        )
        return
    t = Table("", source_id(first), source_id(second), title="spinscan compare", show_lines=False)
    t.add_row(
        "genre",
        f"{a['genre']} {a['genre_scores'][a['genre']]:.2f}",
        f"{b['genre']} {b['genre_scores'][b['genre']]:.2f}",
    )
    t.add_row("frames", ", ".join(a["frames"]) or "–", ", ".join(b["frames"]) or "–")
    t.add_row("words analysed", str(a["words"]), str(b["words"]))
    names = list(dict.fromkeys([*a["spans_per_1000_words"], *b["spans_per_1000_words"]]))
    for name in names:
        cells = []
        for x in (a, b):
            rate = x["spans_per_1000_words"].get(name)
            quoted = x["quoted_spans"].get(name, 0)
            cells.append(
                "–" if rate is None else f"{rate:.1f}/1000 words" + (f" ({quoted} quoted)" if quoted else "")
            )
        t.add_row(name, *cells)
    Console().print(t)
    click.echo(f"shared: {', '.join(both['shared']) or 'none'}")
    click.echo(f"only in {source_id(first)}: {', '.join(both['only_a']) or 'none'}")
    click.echo(f"only in {source_id(second)}: {', '.join(both['only_b']) or 'none'}")

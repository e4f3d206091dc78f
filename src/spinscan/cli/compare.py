"""`spinscan compare A B`: two articles side by side (genre, frames, techniques per 1,000 words,
shared and distinct techniques, the author's words against quoted ones)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ..errors import SpinscanError
from .analyze import allow_private_option, keep_clutter_option, source_id
from .common import backend_option, check_output_file, friendly_errors, max_bytes_option, model_option
from .main import main
from .tables import names_table


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
@click.option("--db", default=None, type=click.Path(path_type=Path),
              help="Compare two outlets, months or languages of this store instead (see --by).")  # fmt: skip
@click.option("--by", type=click.Choice(["source", "month", "week", "day", "lang"]), default="source",
              show_default=True, help="With --db: what FIRST and SECOND name.")  # fmt: skip
@click.option("--since", default=None, help="With --db: only articles from this month or day on.")
@click.option("--until", default=None, help="With --db: only articles up to this month or day.")
@click.option("--lang", default=None, help="Language (ISO 639-1) of both (detected when omitted).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--html", "html_out", default=None, type=click.Path(path_type=Path),
              help="Also write the comparison as a self-contained HTML page.")  # fmt: skip
@max_bytes_option("Refuse inputs larger than this.")
@keep_clutter_option
@allow_private_option
@model_option
@backend_option
@friendly_errors
def compare(
    first,
    second,
    db,
    by,
    since,
    until,
    lang,
    as_json,
    html_out,
    max_bytes,
    keep_clutter,
    allow_private,
    model_dir,
) -> None:
    """Compare two articles (files, web pages or URLs), or two outlets or months of a store.

    \b
    Examples:
      spinscan compare report.html column.html
      spinscan compare --json a.txt https://example.com/news/story
      spinscan compare --db corpus.sqlite --by source dailymail bbc
      spinscan compare --db corpus.sqlite --by month 2022-02 2022-03
      spinscan compare --db news.sqlite --by source dailymail bbc --since 2026-11-01 --until 2026-11-30
    """
    if html_out is not None:
        check_output_file(html_out, "--html")
    if db is not None:
        _compare_groups(db, by, first, second, model_dir, as_json, html_out, since, until)
        return
    from ..analysis import analyze_document, get_model
    from ..reading import read_source

    model = get_model(model_dir)
    found = []
    for src in (first, second):
        try:
            doc = read_source(src, max_bytes, allow_private, keep_clutter, stdin=sys.stdin.buffer)
            found.append(profile(analyze_document(doc, lang=lang, model=model, id=source_id(src)), doc.text))
        except SpinscanError as e:
            raise SpinscanError(
                f"{src}: {e}" if not str(e).startswith(src) else str(e), setting=e.setting
            ) from e
    a, b = found
    both = comparison(a, b)
    data = {"a": {"file": first, **a}, "b": {"file": second, **b}, **both}
    heads = (source_id(first), source_id(second))
    title = f"spinscan compare: {first} and {second}"
    _show("spinscan compare", title, heads, _article_rows(a, b), both, data if as_json else None, html_out)


def _article_rows(a: dict, b: dict) -> list[tuple[str, str, str]]:
    """The rows of two articles' comparison: genre, frames, words, each technique's span rate."""
    rows = [("genre", *(f"{x['genre']} {x['genre_scores'][x['genre']]:.2f}" for x in (a, b)))]
    rows.append(("frames", ", ".join(a["frames"]) or "–", ", ".join(b["frames"]) or "–"))
    rows.append(("words analysed", str(a["words"]), str(b["words"])))
    for name in dict.fromkeys([*a["spans_per_1000_words"], *b["spans_per_1000_words"]]):
        rows.append((name, *(_rate(x, name) for x in (a, b))))
    return rows


def _rate(x: dict, name: str) -> str:
    rate = x["spans_per_1000_words"].get(name)
    quoted = x["quoted_spans"].get(name, 0)
    return "–" if rate is None else f"{rate:.1f}/1000 words" + (f" ({quoted} quoted)" if quoted else "")


def _show(title, page_title, heads, rows, both, as_json, html_out, names=None) -> None:
    """The comparison as JSON (``as_json``: the object to print) or a table, and as a page;
    ``names`` (default: the column heads) name the two sides in the "only in" lines."""
    names = names or heads
    if html_out is not None:
        lines = [
            f"Both use: {', '.join(both['shared']) or 'none'}.",
            f"Only {names[0]}: {', '.join(both['only_a']) or 'none'}.",
            f"Only {names[1]}: {', '.join(both['only_b']) or 'none'}.",
        ]
        _write_html(html_out, page_title, heads, rows, lines)
    if as_json is not None:
        click.echo(json.dumps(as_json, ensure_ascii=False))
        return
    t = names_table("", *heads, names=[r[0] for r in rows], title=title, show_lines=False)
    for row in rows:
        t.add_row(*row)
    Console().print(t)
    click.echo(f"shared: {', '.join(both['shared']) or 'none'}")
    click.echo(f"only in {names[0]}: {', '.join(both['only_a']) or 'none'}")
    click.echo(f"only in {names[1]}: {', '.join(both['only_b']) or 'none'}")


def _write_html(
    path: Path, title: str, heads: tuple[str, str], rows: list[tuple[str, str, str]], lines
) -> None:
    """The comparison as one HTML page (the web page's stylesheet inlined; text escaped)."""
    from html import escape

    from ..web import WEB

    css = (WEB / "style.css").read_text(encoding="utf-8")
    body = "".join(
        f"<tr><th scope='row'>{escape(n)}</th><td>{escape(x)}</td><td>{escape(y)}</td></tr>"
        for n, x, y in rows
    )
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{css}</style></head><body><main><h1>{escape(title)}</h1><section class='card'>"
        "<table class='compare'><thead><tr><th></th>"
        f"<th>{escape(heads[0])}</th><th>{escape(heads[1])}</th></tr>"
        f"</thead><tbody>{body}</tbody></table>"
        + "".join(f"<p>{escape(t)}</p>" for t in lines)
        + "</section></main></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    click.echo(f"HTML comparison: {path}", err=True)


def _compare_groups(db, by, first, second, model, as_json, html_out=None, since=None, until=None) -> None:
    from ..corpus.compare import compare_groups
    from ..corpus.store import connect

    # --model names a model directory for articles; for a store it is the model's recorded name
    con = connect(db, readonly=True)
    r = compare_groups(con, by, first, second, str(model) if model else None, since, until)
    heads = (f"{by} {first}", f"{by} {second}")
    page_title = f"spinscan compare: {by} {first} and {second}"
    title = f"spinscan compare ({r['model']})"
    _show(title, page_title, heads, _group_rows(r), r, r if as_json else None, html_out, (first, second))


def _group_rows(r: dict) -> list[tuple[str, str, str]]:
    """The rows of two groups' comparison: articles, genre mix, main frames, largest differences."""
    a, b = r["a"], r["b"]
    pct = lambda d, k: f"{100 * d.get(k, 0):.0f} %"  # noqa: E731
    rows = [("articles", str(a["articles"]), str(b["articles"]))]
    for g in sorted(set(a["genres"]) | set(b["genres"])):
        rows.append((f"genre {g}", pct(a["genres"], g), pct(b["genres"], g)))
    both = lambda f: a["frames"].get(f, 0) + b["frames"].get(f, 0)  # noqa: E731
    for f in sorted(set(a["frames"]) | set(b["frames"]), key=lambda f: -both(f))[:5]:
        rows.append((f"frame {f}", pct(a["frames"], f), pct(b["frames"], f)))
    for d in r["largest_differences"]:
        t = d["technique"]
        cells = [
            f"{pct(x['techniques'], t)} of articles ({pct(x['techniques_quoted'], t)} in quotes)"
            for x in (a, b)
        ]
        rows.append((t, *cells))
    return rows

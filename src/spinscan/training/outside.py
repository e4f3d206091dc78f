"""Genre articles from outside SemEval (``../shared/data/genre-en``), read so that a head learns
genre from them and not outlet, era or dialect.

That data's genre goes with its sources: reporting is mostly BBC 2004-05, opinion US local and
college papers of 2020-24, satire US politics of 2015-17, and some satire names its outlet. So:

- outlet names, bylines, e-mail addresses, handles and links are masked (the texts models read
  and the style features alike), so that "(The Borowitz Report)" teaches nothing;
- no source or outlet dominates: each outlet gives at most ``per_outlet`` articles (a source of
  one outlet its whole share) and each source at most ``per_source`` (a fixed seed picks them),
  and the head's sample weights give each (source, genre) the same total as a SemEval
  language's genre (:func:`spinscan.training.genre_mix.cell_weights`);
- every article keeps its group (source and outlet) and year, so validation can hold out whole
  sources, outlets and years.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError
from ..labels import GENRES
from ..types import Article

log = logging.getLogger(__name__)

FILES = ("reporting-bbc.jsonl", "opinion.jsonl", "satire-and-reporting-2016.jsonl")
MASK = "the outlet"
# names of the outlets in that data and the big ones they quote; derived names from each
# article's outlet field (its domain without the suffix) are masked as well
OUTLET_NAMES = (
    "The Onion", "Onion", "Borowitz Report", "Borowitz", "Andy Borowitz", "The Beaverton", "Beaverton",
    "SatireWire", "Faking News", "NewsThump", "The Spoof", "Der Postillon", "Postillon", "ScrappleFace",
    "Empire News", "National Report", "The Daily Mash", "Daily Mash", "Waterford Whispers",
    "The Peoples Cube", "People's Cube", "The Peedmont", "Hillary Beat Trump", "Satire News",
    "BBC News", "BBC", "Wall Street Journal", "WSJ", "The Economist", "Economist", "NPR", "ABC News",
    "CBS News", "USA Today", "The Guardian", "Guardian", "NBC News", "Washington Post", "Al Jazeera",
    "Fox News", "Suffolk News-Herald", "News-Herald", "Hawaii Tribune-Herald", "Tribune-Herald",
    "MinnPost", "The Harvard Crimson", "Harvard Crimson", "The Crimson", "Stanford Daily",
    "The Stanford Daily", "Eugene Weekly", "LEO Weekly", "Rice Thresher", "The Thresher",
    "Associated Press", "Reuters", "New Yorker", "The New Yorker",
)  # fmt: skip
_NAME = r"[A-Z][\w.'-]+(?:[ \t]+[A-Z][\w.'-]+){0,3}"  # case matters: a name is capitalised
# a byline is a line of its own ("By Jane Doe and John Roe | Staff writer"), not a sentence
_BYLINE = re.compile(
    rf"^[ \t]*(?:[Bb]y|BY|(?:[Ww]ritten|[Pp]osted) by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
    r"[ \t]*(?:[,|\u2013\u2014-][^\n]{0,60})?$",
    re.MULTILINE,
)
_WRITTEN_BY = re.compile(rf"\b(?:[Ww]ritten|[Pp]osted|[Rr]eported) by\s+{_NAME}")
_LINKS = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b|https?://\S+|\bwww\.\S+|(?<!\w)@\w{2,}")


@dataclass
class OutsideArticle:
    id: str
    text: str  # title on line 1, a blank line, then one paragraph per line (the official layout)
    genre: str
    source: str
    outlet: str
    year: str  # "" when unknown

    @property
    def group(self) -> str:
        """What validation holds out together: the source, and the outlet within it."""
        return f"{self.source}/{self.outlet}"


def masker(extra: set[str] = frozenset()):
    """A function that masks outlet names (these and ``extra``), bylines and links in a text."""
    names = sorted({n for n in (*OUTLET_NAMES, *extra) if len(n) >= 3}, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    pattern = re.compile(rf"(?<!\w)(?:the\s+)?(?:{alternatives})(?!\w)", re.IGNORECASE)

    def mask(text: str) -> str:
        text = _LINKS.sub("", text)
        text = _WRITTEN_BY.sub("", _BYLINE.sub("", text))
        return pattern.sub(MASK, text)

    return mask


def _domain_name(outlet: str | None) -> str | None:
    if not outlet:
        return None
    name = outlet.lower().removeprefix("www.").split(".")[0]
    return name if len(name) >= 5 else None


def _layout(title: str, text: str, max_paragraphs: int | None) -> str:
    paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", text)]
    paras = [p for p in paras if p]
    if max_paragraphs:
        paras = paras[:max_paragraphs]
    title = re.sub(r"\s+", " ", title or "").strip()
    return "\n".join([title, "", *paras]) if title else "\n".join(paras)


def read_outside(
    folder: str | Path,
    per_outlet: int = 100,
    per_source: int = 300,
    max_paragraphs: int | None = 12,
    seed: int = 13,
) -> list[OutsideArticle]:
    """The articles of a genre-en folder, masked and capped per outlet and source (see module)."""
    folder = Path(folder)
    rows = []
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise DataError(f"{path}: missing (a genre-en folder holds {', '.join(FILES)})")
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                try:
                    row = json.loads(line) if line.strip() else None
                except json.JSONDecodeError as e:
                    raise DataError(f"{path}:{n}: not valid JSON ({e.msg})") from e
                if row is not None and not (
                    isinstance(row, dict) and {"id", "text", "genre", "source"} <= set(row)
                ):
                    raise DataError(f"{path}:{n}: expected an object with id, text, genre and source")
                if row is not None:
                    rows.append(row)
    extra = {d for r in rows if (d := _domain_name(r.get("outlet")))}
    mask = masker(extra)
    by_outlet: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        if r.get("genre") in GENRES:
            # (Horne's outlets are not recorded: each of its genres counts as one outlet)
            by_outlet[(r["source"], r.get("outlet") or r["genre"], r["genre"])].append(r)
    rng = random.Random(seed)
    by_source: dict[tuple[str, str], list[dict]] = defaultdict(list)
    outlets_of: dict[tuple[str, str], int] = defaultdict(int)
    for source, _, genre in by_outlet:
        outlets_of[(source, genre)] += 1
    for key in sorted(by_outlet):
        got = sorted(by_outlet[key], key=lambda r: r["id"])
        rng.shuffle(got)
        # (a source of one outlet, as the BBC's, may fill its source's share alone)
        cap = max(per_outlet, per_source // outlets_of[(key[0], key[2])])
        by_source[(key[0], key[2])] += got[:cap]
    out = []
    for (source, _genre), got in sorted(by_source.items()):
        rng.shuffle(got)
        for r in got[:per_source]:
            text = _layout(mask(r.get("title") or ""), mask(r["text"]), max_paragraphs)
            year = str(r.get("date") or "")[:4]
            out.append(
                OutsideArticle(str(r["id"]), text, r["genre"], source, r.get("outlet") or r["genre"], year)
            )
    log.info("%s: %d outside genre articles (%s)", folder, len(out), _counts(out))
    return out


def _counts(arts: list[OutsideArticle]) -> str:
    c: dict[str, int] = defaultdict(int)
    for a in arts:
        c[a.genre] += 1
    return ", ".join(f"{g} {c[g]}" for g in GENRES)


def outside_articles(
    folder: str | Path, max_articles: int | None = None, max_paragraphs: int | None = 12
) -> list[Article]:
    """:func:`read_outside` as English articles with their genre; ``meta`` holds the source,
    outlet and year. ``max_articles``: the first of each source (a quick run)."""
    out, seen = [], defaultdict(int)
    for o in read_outside(folder, max_paragraphs=max_paragraphs):
        seen[o.source] += 1
        if max_articles is None or seen[o.source] <= max_articles:
            meta = {"source": o.source, "outlet": o.outlet, "year": o.year}
            out.append(Article(o.id, o.text, "en", genre=o.genre, meta=meta))
    return [a for a in out if a.paragraphs]

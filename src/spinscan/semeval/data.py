"""The official SemEval-2023 Task 3 formats, in and out.

``../shared/data/semeval2023/README.md`` is the contract. Articles are read raw
(``newline=''``, no BOM stripping) so offsets match the official span files.
Gold of each subtask is read from that subtask's own article folder, because the
article sets (and for English even the texts) differ between subtasks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import DataError
from ..labels import FRAMES, GENRES, LANGUAGES, TECHNIQUES
from ..languages import is_covered
from ..types import Article, Span

log = logging.getLogger(__name__)

SUBTASKS = (1, 2, 3)
SPLITS = ("train", "dev", "test")
_ARTICLE_RE = re.compile(r"^article(\d+)\.txt$")


def read_raw(path: Path) -> str:
    """Read a UTF-8 file exactly: CRLF and a BOM are kept, so offsets stay official."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not valid UTF-8 ({e.reason} at byte {e.start})") from e
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror})") from e


def _lines(path: Path) -> list[tuple[int, str]]:
    """Non-empty lines of a label file with their 1-based numbers; '\\r' is stripped."""
    text = read_raw(path)
    return [(i, ln.rstrip("\r")) for i, ln in enumerate(text.split("\n"), 1) if ln.strip("\r")]


def file_newline(path: Path) -> str:
    """The line terminator a label file uses ('\\r\\n' or '\\n')."""
    return "\r\n" if b"\r\n" in Path(path).read_bytes() else "\n"


def _bad(path: Path, lineno: int, expected: str, found: str) -> DataError:
    return DataError(
        f"{path}:{lineno}: expected {expected}, found {found[:80]!r}; "
        "fix or remove that line (the official format is described in the data README)"
    )


def _check_labels(path: Path, lineno: int, labels: list[str], allowed: Sequence[str]) -> None:
    unknown = [lab for lab in labels if lab not in allowed]
    if unknown:
        raise _bad(path, lineno, "labels from the official list", ",".join(unknown))


def _number(s: str) -> bool:
    """ASCII digits only: ``"²".isdigit()`` is True, and int() refuses it."""
    return s.isascii() and s.isdigit()


def _split_labels(field: str) -> list[str]:
    return [x for x in field.split(",") if x] if field else []


def read_subtask1(path: Path) -> list[tuple[str, str]]:
    """``id<TAB>genre`` rows, in file order."""
    rows = []
    for n, line in _lines(path):
        cols = line.split("\t")
        if len(cols) != 2 or not _number(cols[0]):
            raise _bad(path, n, "'id<TAB>genre'", line)
        _check_labels(path, n, [cols[1]], GENRES)
        rows.append((cols[0], cols[1]))
    return rows


def read_subtask2(path: Path) -> list[tuple[str, list[str]]]:
    """``id<TAB>frame,frame,...`` rows, in file order (label order kept)."""
    rows = []
    for n, line in _lines(path):
        cols = line.split("\t")
        if len(cols) not in (1, 2) or not _number(cols[0]):
            raise _bad(path, n, "'id<TAB>frame,frame,...'", line)
        labels = _split_labels(cols[1] if len(cols) == 2 else "")
        _check_labels(path, n, labels, FRAMES)
        rows.append((cols[0], labels))
    return rows


def read_subtask3(path: Path) -> list[tuple[str, int, list[str]]]:
    """``id<TAB>line_no<TAB>technique,...`` rows, in file order (label order kept)."""
    rows = []
    for n, line in _lines(path):
        cols = line.split("\t")
        if len(cols) not in (2, 3) or not _number(cols[0]) or not _number(cols[1]):
            raise _bad(path, n, "'id<TAB>line_no<TAB>technique,...'", line)
        labels = _split_labels(cols[2] if len(cols) == 3 else "")
        _check_labels(path, n, labels, TECHNIQUES)
        rows.append((cols[0], int(cols[1]), labels))
    return rows


def read_spans(path: Path) -> list[tuple[str, str, int, int]]:
    """``id<TAB>technique<TAB>start<TAB>end`` rows, in file order."""
    rows = []
    for n, line in _lines(path):
        cols = line.split("\t")
        if len(cols) != 4 or not (_number(cols[0]) and _number(cols[2]) and _number(cols[3])):
            raise _bad(path, n, "'id<TAB>technique<TAB>start<TAB>end'", line)
        _check_labels(path, n, [cols[1]], TECHNIQUES)
        rows.append((cols[0], cols[1], int(cols[2]), int(cols[3])))
    return rows


def read_template(path: Path) -> list[tuple[str, int, str]]:
    """``id<TAB>line_no<TAB>raw line`` rows; the text keeps a trailing '\\r' (CRLF articles)."""
    rows = []
    text = read_raw(path)
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        cols = line.split("\t", 2)
        if len(cols) != 3 or not _number(cols[0]) or not _number(cols[1]):
            raise _bad(path, n, "'id<TAB>line_no<TAB>text'", line)
        rows.append((cols[0], int(cols[1]), cols[2]))
    return rows


def _write(path: Path, lines: Iterable[str], newline: str = "\n") -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        for line in lines:
            f.write(line + newline)


def write_subtask1(path: Path, rows: Iterable[tuple[str, str]]) -> None:
    _write(path, (f"{i}\t{g}" for i, g in rows))


def write_subtask2(path: Path, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
    _write(path, (f"{i}\t{','.join(fs)}" for i, fs in rows))


def write_subtask3(path: Path, rows: Iterable[tuple[str, int, Sequence[str]]]) -> None:
    _write(path, (f"{i}\t{n}\t{','.join(ts)}" for i, n, ts in rows))


def write_spans(path: Path, rows: Iterable[tuple[str, str, int, int]], newline: str = "\n") -> None:
    _write(path, (f"{i}\t{t}\t{s}\t{e}" for i, t, s, e in rows), newline)


def paragraph_rows(article: Article) -> list[tuple[str, int, str]]:
    """The template rows the official rule gives for an article."""
    return [(article.id, p.line_no, p.text) for p in article.paragraphs]


class Dataset:
    """A folder in the official layout: ``<root>/<lang>/<split>-articles-subtask-N/``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise DataError(
                f"{self.root}: no such folder; point --data at the SemEval-2023 Task 3 data "
                "(the folder holding en/, fr/, ... and scorers/)"
            )

    def _dir(self, lang: str, split: str, subtask: int) -> Path:
        return self.root / lang / f"{split}-articles-subtask-{subtask}"

    def languages(self, split: str, subtask: int | None = None) -> list[str]:
        """Languages that have articles for this split (and subtask); absent ones are skipped."""
        subtasks = SUBTASKS if subtask is None else (subtask,)
        # the SemEval languages first, then any other covered language a folder was made for
        # (articles a team annotated, written in this layout to learn from)
        others = sorted(p.name for p in self.root.iterdir() if p.is_dir() and p.name not in LANGUAGES)
        codes = [*LANGUAGES, *(c for c in others if is_covered(c))]
        return [lang for lang in codes if any(self._dir(lang, split, st).is_dir() for st in subtasks)]

    def has_gold(self, lang: str, split: str, subtask: int) -> bool:
        base = self.root / lang
        if subtask == 3:
            return (base / f"{split}-labels-subtask-3.txt").is_file() or (
                base / f"{split}-labels-subtask-3"
            ).is_dir()
        return (base / f"{split}-labels-subtask-{subtask}.txt").is_file()

    def gold_path(self, lang: str, split: str, subtask: int) -> Path:
        return self.root / lang / f"{split}-labels-subtask-{subtask}.txt"

    def article_paths(self, lang: str, split: str, subtask: int) -> list[Path]:
        d = self._dir(lang, split, subtask)
        if not d.is_dir():
            return []
        paths = [p for p in d.iterdir() if _ARTICLE_RE.match(p.name)]  # skips ._article* files
        return sorted(paths, key=lambda p: int(_ARTICLE_RE.match(p.name).group(1)))

    def articles(self, lang: str, split: str, subtask: int, gold: bool = True) -> list[Article]:
        """The articles of one subtask, with that subtask's gold attached when present."""
        arts = []
        for p in self.article_paths(lang, split, subtask):
            aid = _ARTICLE_RE.match(p.name).group(1)
            arts.append(Article(id=aid, text=read_raw(p), lang=lang, meta={"path": str(p)}))
        if gold and arts and self.has_gold(lang, split, subtask):
            self._attach_gold(arts, lang, split, subtask)
        return arts

    def _attach_gold(self, arts: list[Article], lang: str, split: str, subtask: int) -> None:
        by_id = {a.id: a for a in arts}
        base = self.root / lang
        if subtask == 1:
            for aid, genre in read_subtask1(self.gold_path(lang, split, 1)):
                if aid in by_id:
                    by_id[aid].genre = genre
        elif subtask == 2:
            for aid, frames in read_subtask2(self.gold_path(lang, split, 2)):
                if aid in by_id:
                    by_id[aid].frames = frames
        else:
            merged = self.gold_path(lang, split, 3)
            if merged.is_file():
                rows = read_subtask3(merged)
            else:
                rows = [
                    r
                    for f in sorted((base / f"{split}-labels-subtask-3").glob("*-labels-subtask-3.txt"))
                    for r in read_subtask3(f)
                ]
            for a in arts:
                a.techniques = {}
            for aid, line_no, techs in rows:
                if aid in by_id:
                    by_id[aid].techniques[line_no] = techs
            for aid, spans in self._spans(lang, split, by_id).items():
                by_id[aid].spans = spans

    def _spans(self, lang: str, split: str, by_id: dict[str, Article]) -> dict[str, list[Span]]:
        d = self.root / lang / f"{split}-labels-subtask-3-spans"
        out: dict[str, list[Span]] = {}
        if not d.is_dir():
            return out
        for aid, art in by_id.items():
            f = d / f"article{aid}-labels-subtask-3.txt"
            if f.is_file():
                spans = [Span(t, s, e) for _, t, s, e in read_spans(f)]
                for sp in spans:
                    if sp.end > len(art.text):
                        raise DataError(f"{f}: span {sp.start}-{sp.end} is beyond the article end")
                out[aid] = spans
        return out

    def template(self, lang: str, split: str) -> list[tuple[str, int, str]]:
        """Official subtask-3 template rows, preferring the per-article templates.

        The merged train templates of fr/ge/it/po/ru are broken (quirk 3); the per-article
        ones are right, so they win wherever they exist.
        """
        per_article = sorted((self.root / lang / f"{split}-labels-subtask-3").glob("*.template"))
        if per_article:
            return [r for f in per_article for r in read_template(f)]
        merged = self.root / lang / f"{split}-labels-subtask-3.template"
        if merged.is_file():
            return read_template(merged)
        return []

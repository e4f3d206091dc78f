"""Core value types: articles, paragraphs, spans and analysis results.

All offsets are end-exclusive character offsets into the *raw* article text, as
read with ``newline=''``: a BOM and the ``\\r`` of CRLF line ends count as one
character each, exactly as in the official span files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


def trimmed(start: int, text: str) -> tuple[int, int]:
    """[start, end) of ``text`` (which begins at ``start``) without surrounding whitespace."""
    return start + len(text) - len(text.lstrip()), start + len(text.rstrip())


@dataclass(frozen=True)
class Paragraph:
    """One non-blank line of an article, numbered as the official templates do."""

    line_no: int  # 1-based line number counting every line, blank ones included
    start: int
    end: int  # end-exclusive; covers the raw line without its '\n' (a trailing '\r' stays)
    text: str  # the raw line, possibly ending in '\r'

    @property
    def trimmed(self) -> tuple[int, int]:
        """[start, end) of the paragraph without its leading and trailing whitespace: where
        ``text.strip()`` lies in the article, which models read and spans may cover."""
        return trimmed(self.start, self.text)


@dataclass(frozen=True)
class Span:
    """A technique used at text[start:end]."""

    technique: str
    start: int = field(metadata={"doc": "Character offset into the article text (inclusive)."})
    end: int = field(metadata={"doc": "Character offset into the article text (exclusive)."})
    score: float = field(default=1.0, metadata={"doc": "The token head's score of the span, in [0, 1]."})
    voice: str = field(
        default="author",
        metadata={
            "doc": "quoted: most of the span is inside quotation marks (a speaker's words); else author."
        },
    )
    focus_start: int | None = field(
        default=None,
        metadata={
            "doc": "For a span over its whole paragraph: where the sentence or clause most likely to "
            "carry the technique starts (null otherwise); what a reader's eye should go to."
        },
    )
    focus_end: int | None = field(
        default=None, metadata={"doc": "Where that sentence or clause ends (exclusive)."}
    )

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span offsets {self.start}..{self.end}")
        if (self.focus_start is None) != (self.focus_end is None) or (
            self.focus_start is not None and not self.start <= self.focus_start < self.focus_end <= self.end
        ):
            raise ValueError(
                f"invalid focus {self.focus_start}..{self.focus_end} of span {self.start}..{self.end}"
            )


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split raw text into paragraphs by the official rule.

    Line k (1-based, splitting on '\\n') is a paragraph iff ``line.strip() != ''``.
    """
    paragraphs: list[Paragraph] = []
    pos = 0
    for k, line in enumerate(text.split("\n"), start=1):
        if line.strip() != "":
            paragraphs.append(Paragraph(k, pos, pos + len(line), line))
        pos += len(line) + 1
    return paragraphs


@dataclass
class Article:
    """A news article: its raw text and, when known, its gold labels."""

    id: str
    text: str
    lang: str | None = None
    title: str | None = None
    genre: str | None = None
    frames: list[str] | None = None
    # line_no -> techniques (gold of subtask 3), in the order of the gold file
    techniques: dict[int, list[str]] | None = None
    spans: list[Span] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return split_paragraphs(self.text)


@dataclass
class ParagraphResult:
    """Techniques predicted for one paragraph."""

    line_no: int = field(metadata={"doc": "1-based line number, blank lines counted (official rule)."})
    start: int = field(metadata={"doc": "Offset of the line's first character in the article text."})
    end: int = field(metadata={"doc": "Offset just after the line's last character (exclusive)."})
    text: str
    techniques: list[str] = field(metadata={"doc": "The chosen techniques, most probable first."})
    scores: dict[str, float] = field(metadata={"doc": "Every technique's score in [0, 1]."})
    spans: list[Span] = field(default_factory=list, metadata={"doc": "Where each technique is used."})
    voices: dict[str, str] = field(
        default_factory=dict,
        metadata={
            "doc": "Per chosen technique: quoted when most of its spans' characters are quoted, else author."
        },
    )
    skipped: str | None = field(
        default=None,
        metadata={
            "doc": "Why the paragraph was not analysed (page clutter: duplicate, boilerplate, "
            "navigation), or null."
        },
    )
    cues: dict[str, float] = field(
        default_factory=dict,
        metadata={
            "doc": "The paragraph's genre cues in [0, 1]: `subjective` (reads as the author's view) "
            "and `satire` (only in the languages where it was shown to work); empty when the model has no "
            "cue heads."
        },
    )

    @property
    def trimmed(self) -> tuple[int, int]:
        """[start, end) of the paragraph's text without surrounding whitespace."""
        return trimmed(self.start, self.text)


GENRE_CLOSE = 0.15  # the top two genre probabilities this close: the genre is uncertain
GENRE_SURE = 0.5  # ... or the top one under this


@dataclass
class Analysis:
    """What spinscan says about one article."""

    lang: str = field(
        metadata={
            "doc": "Language code: the official one of the SemEval languages (en fr ge it po ru es gr "
            "ka), else ISO 639-1 (pt, uk, ja, ...); `spinscan languages` lists them."
        }
    )
    lang_detected: bool = field(metadata={"doc": "Whether the language was detected (not given)."})
    genre: str = field(metadata={"doc": "opinion, reporting or satire."})
    genre_scores: dict[str, float] = field(metadata={"doc": "The three genre probabilities."})
    frames: list[str] = field(metadata={"doc": "The chosen frames, most probable first."})
    frame_scores: dict[str, float] = field(metadata={"doc": "Every frame's score in [0, 1]."})
    paragraphs: list[ParagraphResult]
    model: dict[str, str] = field(metadata={"doc": "The model's name, kind and version."})
    id: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    lang_name: str = field(default="", metadata={"doc": "The language's English name."})
    zero_shot: bool = field(
        default=False,
        metadata={
            "doc": "No article of this language trained the model: expect the quality measured "
            "for unseen languages (`spinscan languages`)."
        },
    )
    zero_shot_heads: list[str] = field(
        default_factory=list,
        metadata={
            "doc": "The heads that read this language zero-shot: all three when `zero_shot`; genre "
            "and frames for a language taught only its techniques (`spinscan learn`)."
        },
    )
    narratives: list[str] = field(
        default_factory=list,
        metadata={
            "doc": "The narratives the article carries (SemEval-2025 Task 10 taxonomies of the "
            "Ukraine war and climate change), `Other` for none; empty when the model has no "
            "narrative head."
        },
    )
    subnarratives: list[str] = field(
        default_factory=list,
        metadata={"doc": "Their subnarratives (`<narrative>: Other` when none of one's is told)."},
    )
    narrative_scores: dict[str, float] = field(
        default_factory=dict,
        metadata={"doc": "Every narrative's score, and the chosen subnarratives' scores, in [0, 1]."},
    )
    entities: list[dict[str, Any]] = field(
        default_factory=list,
        metadata={
            "doc": "Who is cast how (SemEval-2025 Task 10 entity framing): per entity found, its "
            "`mentions` ([start, end] code points), `main_role` (Protagonist, Antagonist or Innocent), "
            "`fine_roles`, and the scores of both; empty when the model has no role heads."
        },
    )
    genre_evidence: dict[str, Any] = field(
        default_factory=dict,
        metadata={
            "doc": "Why the genre: `subjective_share` (of analysed paragraphs reading as the author's "
            "view), `subjective_paragraphs` (their indexes in `paragraphs`), `satire_cue` (the paragraphs' "
            "mean cue; null in the languages where it was not shown to work) and `satire_paragraphs` "
            "([index, cue] of those at .5 or more, strongest first); empty when the model has no cue heads."
        },
    )
    lang_confidence: float | None = field(
        default=None,
        metadata={"doc": "The language identifier's probability (null when the language was given)."},
    )
    lang_note: str | None = field(
        default=None,
        metadata={
            "doc": "Set when the language may be wrong: the identifier was unsure between languages, "
            "or the text mixes languages; says which language was used."
        },
    )

    def voice_counts(self) -> dict[str, dict[str, int]]:
        """Per technique, how many of its spans are the author's and how many quoted."""
        out: dict[str, dict[str, int]] = {}
        for p in self.paragraphs:
            for sp in p.spans:
                c = out.setdefault(sp.technique, {"author": 0, "quoted": 0})
                c[sp.voice] = c.get(sp.voice, 0) + 1
        return out

    @property
    def genre_uncertain(self) -> bool:
        """Whether the evidence is weak: the top two genre probabilities (calibrated per
        language) are closer than :data:`GENRE_CLOSE`, or the top one is under
        :data:`GENRE_SURE`. The genre is then said to be uncertain everywhere (report, web page,
        JSON)."""
        ranked = sorted(self.genre_scores.values(), reverse=True)
        return len(ranked) > 1 and (ranked[0] - ranked[1] < GENRE_CLOSE or ranked[0] < GENRE_SURE)

    @property
    def techniques(self) -> dict[str, int]:
        """How many paragraphs use each technique, most frequent first."""
        counts: dict[str, int] = {}
        for p in self.paragraphs:
            for t in p.techniques:
                counts[t] = counts.get(t, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        """The inverse of :meth:`to_dict` (a stored or sent analysis back as an object)."""
        names = {f.name for f in fields(cls)}
        paras = [
            ParagraphResult(**{**p, "spans": [Span(**sp) for sp in p.get("spans", [])]})
            for p in d.get("paragraphs", [])
        ]
        return cls(**{k: v for k, v in d.items() if k in names and k != "paragraphs"}, paragraphs=paras)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the structure of ``spinscan analyze --json``."""
        d = asdict(self)
        d["techniques"] = self.techniques
        d["genre_uncertain"] = self.genre_uncertain
        for p in d["paragraphs"]:
            p["text"] = p["text"].rstrip("\r")
        return d

"""Genre signals outside SemEval and outside English (``../shared/data/genre-multi``), read the
way inference will see text.

- FreSaDa: French articles, satire (Le Gorafi and others) or regular news; its own split is by
  outlet, so ``train`` and ``test`` are two sources that never share an outlet. The outlet
  names that leak the label (Le Gorafi in 710 satire texts, HuffPost in 132 regular ones) are
  masked as in :mod:`.outside`; the title is the first paragraph, as on a web page.
- SeLeRoSa: Romanian sentences, satirical or not (majority of three annotators). Its entities
  come as ``<PERSON>``, ``<GPE>`` ... and links as ``@URL``, which no page shows: the tags are
  removed (a sentence reads without its names; the model's state is a mean over tokens, and
  tag tokens that never occur at inference would teach the head a shortcut of its own).
- CheckThat! 2025 subjectivity: news sentences in Arabic, Bulgarian, German, English and
  Italian, subjective or objective.

None carries SemEval's three-way genre: FreSaDa gives satire against news at article level,
SeLeRoSa satire at sentence level, CheckThat! how much of a text is the author's view. They
train the cue heads of :mod:`.cues`; FreSaDa also joins the genre head's outside rows.
"""

from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..languages import normalise_language
from ..types import Article

log = logging.getLogger(__name__)

FILES = {
    "fresada": "fresada-fr.jsonl",
    "selerosa": "selerosa-ro.jsonl",
    "subjectivity": "checkthat2025-subjectivity.jsonl",
}
# outlet names in FreSaDa that give its label away (masked as genre-en's are)
FRENCH_OUTLETS = (
    "Le Gorafi", "Gorafi", "gorafi.fr", "Le HuffPost", "HuffPost", "Huffington Post", "HuffingtonPost",
    "huffingtonpost.fr", "Le Huffington Post",
)  # fmt: skip
MASK = "le journal"
_OUTLETS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(n) for n in sorted(FRENCH_OUTLETS, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_TAGS = re.compile(r"\s*(?:<(?:PERSON|NORP|GPE|ORG|LOC|FAC|EVENT|PRODUCT|WORK_OF_ART|LAW|LANGUAGE)>|@URL)")
_LINKS = re.compile(r"https?://\S+|\bwww\.\S+")


@dataclass
class Sentence:
    """One labelled sentence: ``label`` 1 for the cue (satirical, subjective), 0 for not."""

    id: str
    text: str
    lang: str
    label: int
    split: str
    group: str  # sentences of one group (a SeLeRoSa article) are held out together
    meta: dict = field(default_factory=dict)


def read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise DataError(f"{path}: missing (a genre-multi folder holds {', '.join(FILES.values())})")
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}:{n}: not valid JSON ({e.msg})") from e
            if not (isinstance(row, dict) and {"id", "text", "label"} <= set(row)):
                raise DataError(f"{path}:{n}: expected an object with id, text and label")
            rows.append(row)
    return rows


def mask_french(text: str) -> str:
    return _OUTLETS.sub(MASK, _LINKS.sub("", text))


def untag(text: str) -> str:
    """A SeLeRoSa sentence without its entity tags and link marks, spaces tidied."""
    out = _TAGS.sub("", text)
    out = re.sub(r"\(\s*(?:[,;&]|și|si|and)?(?:\s*[,;&])*\s*\)", "", out)  # "(<PERSON>, <PERSON>)"
    out = re.sub(r"(?:\s*,){2,}", ",", out)
    out = re.sub(r"\s+([,.;:!?)])", r"\1", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip(" ,;")


def fresada_articles(
    folder: str | Path, per_split: int | None = None, max_paragraphs: int | None = 8, seed: int = 13
) -> list[Article]:
    """FreSaDa's articles as French Articles with genre ``satire`` or ``reporting``; ``meta``
    names the source (``fresada:train``/``fresada:test``: disjoint outlets). ``per_split``: at
    most that many of each split, half of each label where there are enough (a fixed seed)."""
    rows = read_rows(Path(folder) / FILES["fresada"])
    rng = random.Random(seed)
    out = []
    for split in ("train", "test"):
        chosen = []
        for label in ("satire", "reporting"):
            got = sorted(
                (r for r in rows if r.get("split") == split and r["label"] == label), key=lambda r: r["id"]
            )
            rng.shuffle(got)
            chosen += got[: None if per_split is None else per_split // 2]
        for r in sorted(chosen, key=lambda r: r["id"]):
            paras = [p.strip() for p in mask_french(r["text"]).split("\n") if p.strip()][:max_paragraphs]
            title = re.sub(r"\s+", " ", mask_french(r.get("title") or "")).strip()
            text = "\n\n".join([title, *paras] if title else paras)
            meta = {"source": f"fresada:{split}", "outlet": f"fresada:{split}"}
            out.append(Article(r["id"], text, "fr", genre=r["label"], meta=meta))
    log.info("FreSaDa: %d articles", len(out))
    return [a for a in out if a.paragraphs]


def selerosa_sentences(folder: str | Path) -> list[Sentence]:
    out = []
    for r in read_rows(Path(folder) / FILES["selerosa"]):
        text = untag(r["text"])
        if len(text) >= 3:
            label, group = int(r["label"] == "satire"), f"selerosa:{r.get('news_id')}"
            meta = {"votes": r.get("satire_votes")}
            out.append(Sentence(r["id"], text, "ro", label, r.get("split", "train"), group, meta))
    return out


def selerosa_sample(folder: str | Path, train_articles: int | None = 400, seed: int = 1) -> list[Sentence]:
    """SeLeRoSa's test sentences and those of ``train_articles`` of its train articles (whole
    articles, a fixed seed; None: all): a cue head needs a few thousand, not fourteen."""
    got = selerosa_sentences(folder)
    groups = sorted({s.group for s in got if s.split == "train"})
    random.Random(seed).shuffle(groups)
    keep = set(groups[:train_articles] if train_articles is not None else groups)
    return [s for s in got if s.split == "test" or s.group in keep]


def subjectivity_sentences(folder: str | Path) -> list[Sentence]:
    return [
        Sentence(
            r["id"],
            r["text"].strip(),
            normalise_language(r["lang"]),
            int(r["label"] == "SUBJ"),
            r.get("split", "train"),
            r["id"],
        )  # fmt: skip
        for r in read_rows(Path(folder) / FILES["subjectivity"])
        if r["text"].strip()
    ]


def as_articles(sentences: list[Sentence]) -> list[Article]:
    """Each sentence as a one-paragraph article (what the encoder reads), keyed by its id."""
    return [Article(s.id, s.text, s.lang) for s in sentences]

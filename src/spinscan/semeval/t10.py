"""SemEval-2025 Task 10 (entity framing and narratives): its folder layout in and out, and its
official measures, scored by article id.

The release: ``DIR/<LANG>/raw-documents/<id>`` (texts read with ``newline=""``: a CR counts in the
offsets), ``subtask-1-annotations.txt`` (id, entity, start, end, main role, fine roles...) or the
inputs' ``subtask-1-entity-mentions.txt`` (id, entity, start, end), and
``subtask-2-annotations.txt`` (id, narratives ``;``-joined, subnarratives ``;``-joined). Its
offsets are end-inclusive; here, as everywhere in spinscan, ``end`` is exclusive: converted when
read and when written, nowhere else.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError

log = logging.getLogger(__name__)

LANGS = ("BG", "EN", "HI", "PT", "RU")
CODES = {"BG": "bg", "EN": "en", "HI": "hi", "PT": "pt", "RU": "ru"}
OTHER = "Other"


@dataclass
class Mention:
    entity: str
    start: int  # code points, end exclusive
    end: int
    main_role: str | None = None
    fine_roles: list[str] = field(default_factory=list)


@dataclass
class T10Article:
    id: str
    lang: str  # the release's folder name (EN, ...)
    text: str
    mentions: list[Mention] = field(default_factory=list)
    narratives: list[str] | None = None
    subnarratives: list[str] | None = None


def _rows(path: Path) -> list[list[str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot be read ({e})") from e
    return [line.split("\t") for line in lines if line.strip()]


def _labels(cell: str) -> list[str]:
    """A ``;``-joined label cell, each label once, in its order."""
    return list(dict.fromkeys(x.strip() for x in cell.split(";") if x.strip()))


def read_release(root: str | Path, langs: tuple[str, ...] | None = None) -> list[T10Article]:
    """Every article of a release folder (one or more ``<LANG>`` folders), with what gold it has."""
    root = Path(root)
    found = [d.name for d in sorted(root.iterdir()) if d.is_dir() and (d / "raw-documents").is_dir()]
    if not found:
        raise DataError(f"{root}: no <LANG>/raw-documents folder (the SemEval-2025 Task 10 layout)")
    out = []
    for lang in found:
        if langs and lang not in langs:
            continue
        d = root / lang
        arts = {}
        for p in sorted((d / "raw-documents").iterdir()):
            if p.is_file():
                with p.open(encoding="utf-8", newline="") as f:
                    arts[p.name] = T10Article(p.name, lang, f.read())
        for name in ("subtask-1-annotations.txt", "subtask-1-entity-mentions.txt"):
            if (d / name).is_file():
                for n, row in enumerate(_rows(d / name), start=1):
                    _mention(arts, row, f"{d / name}:{n}")
                break
        if (d / "subtask-2-annotations.txt").is_file():
            for n, row in enumerate(_rows(d / "subtask-2-annotations.txt"), start=1):
                if len(row) < 3 or row[0] not in arts:
                    raise DataError(
                        f"{d}/subtask-2-annotations.txt:{n}: expected id, narratives, subnarratives"
                    )
                arts[row[0]].narratives, arts[row[0]].subnarratives = _labels(row[1]), _labels(row[2])
        out += arts.values()
    return out


def _mention(arts: dict[str, T10Article], row: list[str], where: str) -> None:
    if len(row) < 4 or row[0] not in arts or not (row[2].isdigit() and row[3].isdigit()):
        raise DataError(f"{where}: expected id, entity, start, end (an article of the folder, offsets)")
    a = arts[row[0]]
    start, end = int(row[2]), int(row[3]) + 1  # end-inclusive there, exclusive here
    if not 0 <= start < end <= len(a.text):
        raise DataError(f"{where}: {start}..{end - 1} lies outside {row[0]} ({len(a.text)} characters)")
    m = Mention(row[1], start, end)
    if len(row) >= 6:
        m.main_role, m.fine_roles = row[4], [x for x in row[5:] if x]
    a.mentions.append(m)


def text_folds(arts: list[T10Article], k: int = 5, seed: int = 13) -> np.ndarray:
    """A validation fold per article; articles of one text share it (the release holds one text
    under several ids)."""
    keys = sorted({hashlib.sha256(a.text.encode()).hexdigest() for a in arts})
    fold_of = dict(zip(keys, np.random.RandomState(seed).permutation(len(keys)) % k))
    return np.array([fold_of[hashlib.sha256(a.text.encode()).hexdigest()] for a in arts])


def write_subtask2(path: str | Path, rows: list[tuple[str, list[str], list[str]]]) -> None:
    """``id<TAB>narratives<TAB>subnarratives`` lines (``Other`` when none)."""
    lines = [f"{i}\t{';'.join(n) or OTHER}\t{';'.join(s) or OTHER}" for i, n, s in rows]
    Path(path).write_text("".join(x + "\n" for x in lines), encoding="utf-8")


def write_subtask1(path: str | Path, rows: list[tuple[str, Mention]]) -> None:
    """``id<TAB>entity<TAB>start<TAB>end<TAB>main role<TAB>fine roles...`` (end-inclusive)."""
    lines = [
        "\t".join([i, m.entity, str(m.start), str(m.end - 1), m.main_role or "", *m.fine_roles])
        for i, m in rows
    ]
    Path(path).write_text("".join(x + "\n" for x in lines), encoding="utf-8")


def samples_f1(gold: dict[str, list[str]], pred: dict[str, list[str]]) -> float:
    """Mean over the gold articles (paired by id) of each one's F1 between the label sets; an
    article missing from ``pred`` scores 0."""
    if not gold:
        return 0.0
    total = 0.0
    for i, g in gold.items():
        gs, ps = set(g), set(pred.get(i) or [])
        hit = len(gs & ps)
        total += 2 * hit / (len(gs) + len(ps)) if gs or ps else 1.0
    return total / len(gold)


def role_scores(gold: dict[tuple, Mention], pred: dict[tuple, Mention]) -> dict[str, float]:
    """Main-role accuracy and the fine-role exact match ratio over the gold mentions, keyed by
    (article id, start, end); a mention without a prediction counts wrong."""
    if not gold:
        return {"main_role_accuracy": 0.0, "fine_role_emr": 0.0}
    main = fine = 0
    for k, g in gold.items():
        p = pred.get(k)
        main += bool(p and p.main_role == g.main_role)
        fine += bool(p and set(p.fine_roles) == set(g.fine_roles))
    return {"main_role_accuracy": main / len(gold), "fine_role_emr": fine / len(gold)}


def score_narratives(
    gold: list[T10Article], pred: dict[str, tuple[list[str], list[str]]]
) -> dict[str, float]:
    """Samples-F1 of narratives and subnarratives over the gold articles, by id."""
    g = [a for a in gold if a.narratives is not None]
    return {
        "narratives_f1": samples_f1(
            {a.id: a.narratives or [] for a in g}, {i: p[0] for i, p in pred.items()}
        ),
        "subnarratives_f1": samples_f1(
            {a.id: a.subnarratives or [] for a in g}, {i: p[1] for i, p in pred.items()}
        ),
    }


def predict_release(model, root: str | Path, out: str | Path, progress=None) -> dict[str, int]:
    """``OUT/<LANG>/subtask-2.txt`` (narratives) and, for the given mentions of a release folder,
    ``OUT/<LANG>/subtask-1.txt`` (their roles); articles per language. The model must have the
    heads (``spinscan train --kind narratives``)."""
    from ..models.roles import decide_roles
    from ..types import Article

    roles = getattr(model, "roles", None)
    if "narratives" not in getattr(model, "article_heads", {}) or roles is None:
        raise DataError(f"{model.name} {model.version} has no narrative and role heads; train them first")
    arts = read_release(root)
    written: dict[str, int] = {}
    for lang in sorted({a.lang for a in arts}):
        rows2, rows1 = [], []
        for a in [a for a in arts if a.lang == lang]:
            doc = Article(a.id, a.text.replace("\r", ""), CODES.get(lang, lang.lower()))
            if not doc.paragraphs:
                rows2.append((a.id, [], []))
                continue
            pred = model.predict([doc], (2,))[0]
            rows2.append((a.id, pred.narratives, pred.subnarratives))
            if a.mentions:
                paras = doc.paragraphs
                states = np.asarray(model.encode_paragraphs(paras, [doc.lang] * len(paras)).states)
                found = [(m.entity, m.start - a.text.count("\r", 0, m.start), 0) for m in a.mentions]
                bounds = [(p.start, p.end) for p in paras]
                sent = model.sentence_states(doc.text, doc.lang, [s for _, s, _ in found], bounds)
                pm, pf = roles.mention_proba(found, bounds, states, states.mean(0), sent)
                for m, x, y in zip(a.mentions, pm, pf):
                    main, fine = decide_roles(x, y, roles.fine.labels, roles.fine_threshold)
                    rows1.append((a.id, Mention(m.entity, m.start, m.end, main, fine)))
            if progress:
                progress(1)
        d = Path(out) / lang
        d.mkdir(parents=True, exist_ok=True)
        write_subtask2(d / "subtask-2.txt", rows2)
        if rows1:
            write_subtask1(d / "subtask-1.txt", rows1)
        written[lang] = len(rows2)
    return written


def read_subtask1(path: str | Path) -> dict[tuple, Mention]:
    """A subtask-1 prediction file: (id, start, end exclusive) -> the mention with its roles."""
    out = {}
    for n, row in enumerate(_rows(Path(path)), start=1):
        if len(row) < 6 or not (row[2].isdigit() and row[3].isdigit()):
            raise DataError(f"{path}:{n}: expected id, entity, start, end, main role, fine roles")
        start, end = int(row[2]), int(row[3]) + 1
        out[(row[0], start, end)] = Mention(row[1], start, end, row[4], row[5:])
    return out


def read_subtask2(path: str | Path) -> dict[str, tuple[list[str], list[str]]]:
    """A subtask-2 prediction file: id -> (narratives, subnarratives)."""
    out = {}
    for n, row in enumerate(_rows(Path(path)), start=1):
        if len(row) < 3:
            raise DataError(f"{path}:{n}: expected id, narratives, subnarratives (tab-separated)")
        out[row[0]] = (_labels(row[1]), _labels(row[2]))
    return out


def evaluate_release(root: str | Path, pred_dir: str | Path) -> dict[str, dict[str, float]]:
    """Per language, the measures of ``PRED/<LANG>/subtask-1.txt`` (main-role accuracy, fine-role
    exact match, mentions by id and offsets) and ``subtask-2.txt`` (samples-F1, articles by id)
    against the release's gold, where both exist."""
    gold = read_release(root)
    res: dict[str, dict[str, float]] = {}
    for lang in sorted({a.lang for a in gold}):
        mine = [a for a in gold if a.lang == lang]
        got: dict[str, float] = {}
        p = Path(pred_dir) / lang / "subtask-2.txt"
        if p.is_file() and any(a.narratives is not None for a in mine):
            got.update(score_narratives(mine, read_subtask2(p)))
        p = Path(pred_dir) / lang / "subtask-1.txt"
        g = {(a.id, m.start, m.end): m for a in mine for m in a.mentions if m.main_role}
        if p.is_file() and g:
            got.update(role_scores(g, read_subtask1(p)))
        if got:
            res[lang] = {k: round(v, 4) for k, v in got.items()}
    return res

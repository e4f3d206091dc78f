"""Teaching a model a team's own annotated articles (``spinscan learn``).

The articles become a language member of the base model (see ``encoder.language_member``): its
fine-tuned top continues on them for a few epochs over the frozen layers, a share of the
articles is held out to choose on (the epoch, the member's weight beside the base, the language's
technique thresholds and span settings), and before and after are scored there with thresholds
and span settings cross-fitted over two halves. The held-out articles are the team's own, which
no part of the base model saw, so the lexical partner's probabilities for them are the shipped
partner's own (as inference will compute them). The new model is written only when it does
better than the base on the held-out articles (or when forced); the taught language is then one
of the model's trained languages, no longer zero-shot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, ModelError, OutputError
from ..labels import TECHNIQUES
from ..models.base import load_model
from ..semeval.data import write_spans, write_subtask1, write_subtask2, write_subtask3
from ..types import Article
from .encoder.data import LAYOUT_EXTRAS

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
MIN_ARTICLES = 10  # fewer leave nothing to hold out and choose on


@dataclass
class LearnOptions:
    epochs: int = 2
    heldout: float = 0.3  # share of the articles held out to choose on and to score before/after
    lr_layers: float = 3e-5
    lr_head: float = 1e-3
    seed: int = 13
    force: bool = False  # write the model even when the base does better on the held-out part


def one_language(articles: list[Article], lang: str | None) -> tuple[str, list[Article]]:
    """The language to teach and its articles with technique annotations."""
    langs = sorted({a.lang for a in articles if a.lang})
    if lang is None:
        if len(langs) != 1:
            raise InputError(f"the articles are in several languages ({', '.join(langs)}); choose one")
        lang = langs[0]
    found = [a for a in articles if a.lang == lang and a.techniques is not None]
    if len(found) < MIN_ARTICLES:
        raise InputError(
            f"{len(found)} article(s) in {lang} with technique annotations; learning needs at least "
            f"{MIN_ARTICLES} (a share is held out to choose settings and to check the result)"
        )
    return lang, found


def write_dataset(articles: list[Article], root: Path, lang: str) -> dict[str, str]:
    """The articles in the official layout under ``root`` (split ``train``, ids numbered from 1),
    written whole to a temporary folder and renamed; returns number -> the article's own id."""
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    d = tmp / lang
    ids, groups, unknown = {}, {}, []
    rows1, rows2, rows3, spans = [], [], [], []
    for n, a in enumerate(articles, start=1):
        num = str(n)
        ids[num] = a.id
        if a.meta.get("group"):  # paragraph items of one article: held out together
            groups[num] = f"group:{a.meta['group']}"
        if a.spans is None:  # paragraph labels only: the span head must not read "no span" here
            unknown.append(num)
        for st in (1, 2, 3):
            if st == 3 or (st == 1 and a.genre) or (st == 2 and a.frames is not None):
                folder = d / f"train-articles-subtask-{st}"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"article{num}.txt").write_bytes(a.text.encode("utf-8"))
        if a.genre:
            rows1.append((num, a.genre))
        if a.frames is not None:
            rows2.append((num, a.frames))
        for p in a.paragraphs:
            rows3.append((num, p.line_no, (a.techniques or {}).get(p.line_no, [])))
        spans += [(num, s.technique, s.start, s.end) for s in a.spans or []]
    d.mkdir(parents=True, exist_ok=True)
    write_subtask1(d / "train-labels-subtask-1.txt", rows1)
    write_subtask2(d / "train-labels-subtask-2.txt", rows2)
    write_subtask3(d / "train-labels-subtask-3.txt", rows3)
    span_dir = d / "train-labels-subtask-3-spans"
    span_dir.mkdir(parents=True, exist_ok=True)
    by_article: dict[str, list] = {}
    for row in spans:
        by_article.setdefault(row[0], []).append(row)
    for num, rows in by_article.items():
        write_spans(span_dir / f"article{num}-labels-subtask-3.txt", rows)
    (tmp / "ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    (tmp / LAYOUT_EXTRAS).write_text(
        json.dumps({"groups": groups, "spans_unknown": unknown}, ensure_ascii=False), encoding="utf-8"
    )
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    return ids


def fingerprint(articles: list[Article], lang: str, base: Path, opts: LearnOptions) -> str:
    """What a work folder was made from: a rerun with the same inputs resumes it."""
    h = hashlib.sha256(f"{lang}|{base.resolve()}|{opts}".encode())
    for a in articles:
        h.update(a.text.encode("utf-8"))
        h.update(json.dumps([(s.technique, s.start, s.end) for s in a.spans or []]).encode())
        h.update(json.dumps([a.spans is None, a.meta.get("group"), a.techniques], sort_keys=True).encode())
    return h.hexdigest()[:16]


def base_lexical_probs(run, base) -> np.ndarray:
    """The shipped lexical partner's paragraph probabilities for the run's held-out rows."""
    tab, held = run.data.paragraphs, run.data.heldout()
    ids = set(tab.groups[held].tolist())
    rows = []
    for lang in run.cfg.languages:
        for a in run.ds.articles(lang, "train", 3):
            if a.techniques is None or a.id not in ids:
                continue
            pred = base.lexical.predict([Article(id=a.id, text=a.text, lang=lang)], (3,))[0]
            rows += [[s[t] for t in TECHNIQUES] for s in pred.paragraph_scores]
    if len(rows) != int(held.sum()):
        raise RuntimeError("held-out rows and the lexical partner's rows disagree")
    return np.array(rows, dtype=np.float32)


MARKER = ".spinscan-learn"  # in every work folder spinscan made; only those are ever cleared
WRITTEN = ("data", "data.tmp", "run", "candidate", "report.json", "fingerprint")  # what learn writes there


def prepare_work(work: Path, stamp: str) -> None:
    """The work folder, made or resumed: a folder spinscan did not make (not empty, no marker) is
    refused; one made for other articles or settings is cleared of what spinscan wrote, and of
    nothing else."""
    if work.exists() and not work.is_dir():
        raise OutputError(f"{work}: is a file; give a folder for learn's work")
    if work.is_dir() and any(work.iterdir()) and not (work / MARKER).is_file():
        raise OutputError(
            f"{work}: a folder spinscan did not make (it has files and no {MARKER}); give a new or "
            "empty work folder"
        )
    old = work / "fingerprint"
    if old.is_file() and old.read_text().strip() != stamp:  # other articles or settings: start afresh
        for name in WRITTEN:
            path = work / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("a work folder of `spinscan learn`; safe to delete\n")
    old.write_text(stamp + "\n")


def learn(
    articles: list[Article],
    base_dir: str | Path,
    out_dir: str | Path,
    work: str | Path,
    lang: str | None = None,
    opts: LearnOptions | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Teach the base model ``articles`` (one language); returns the held-out report with
    ``written`` (whether ``out_dir`` was written) and ``better`` (whether it beat the base)."""
    from ..models.encoder import EncoderModel
    from .encoder.config import EncoderTrainConfig
    from .encoder.language_member import add_language_member
    from .encoder.run import EncoderRun

    opts = opts or LearnOptions()
    base_dir, out_dir, work = Path(base_dir), Path(out_dir), Path(work)
    base = load_model(base_dir)
    if not isinstance(base, EncoderModel):
        raise ModelError(f"{base_dir}: learning needs an encoder model (the default is one)")
    lang, found = one_language(articles, lang)
    prepare_work(work, fingerprint(found, lang, base_dir, opts))
    if not (work / "data" / lang).is_dir():
        write_dataset(found, work / "data", lang)
    train = base.config.get("train") or {}
    cfg = EncoderTrainConfig(
        languages=(lang,),
        n_frozen=base.settings.n_frozen,
        max_tokens=base.settings.max_tokens,
        epochs=opts.epochs,
        lr_layers=opts.lr_layers,
        lr_head=opts.lr_head,
        heldout=opts.heldout,
        heldout_en_ptc_dev=False,
        seed=opts.seed,
        batch_size=int(train.get("batch_size", 16)),
        token_weight=float(train.get("token_weight", 1.0)),
        init_from=str(base_dir),
        backbone=train.get("backbone"),
        extra={"unseen_articles": True},
    )
    run = EncoderRun(work / "data", work / "run", cfg)
    run.finetune(progress)
    p_lex = base_lexical_probs(run, base) if base.lexical else None
    candidate = work / "candidate"
    shutil.rmtree(candidate, ignore_errors=True)
    add_language_member(run, candidate, None, lexical_probs=p_lex, conservative=True)
    report = json.loads((candidate / "metrics.json").read_text())["language_members"][-1]
    n_held = len(set(run.data.paragraphs.groups[run.data.heldout()].tolist()))
    report.update(articles=len(found), heldout_articles=n_held, language=lang, out=str(out_dir))
    before, after = summary(report, lang, "base"), summary(report, lang, "taught")
    report["better"] = after["techniques"] + after["spans"] > before["techniques"] + before["spans"]
    report["written"] = bool(report["better"] or opts.force)
    metrics = json.loads((candidate / "metrics.json").read_text())
    metrics["language_members"][-1] = {k: v for k, v in report.items() if k not in ("out", "written")}
    (candidate / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    if report["written"]:
        tmp = out_dir.with_name(out_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(candidate, tmp)
        shutil.rmtree(out_dir, ignore_errors=True)
        tmp.rename(out_dir)
    (work / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def summary(report: dict[str, Any], lang: str, name: str) -> dict[str, float]:
    """Paragraph technique micro-F1 and technique-aware span F1 on the held-out articles of the
    base as it is (``base``) or of the taught model with the settings it keeps (``taught``; those
    it chose on the held-out articles counted cross-fitted)."""
    r = report["as_shipped"][name]
    return {"techniques": float(r["techniques"]), "spans": float(r["spans"])}

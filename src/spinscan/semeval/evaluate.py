"""Scoring predictions with the official SemEval-2023 Task 3 scorers.

The scorers are the organisers' scripts (``<data>/scorers/``), run as they are in
a subprocess with this interpreter, so our numbers are the official ones.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import DataError, ScorerError
from ..spans import span_prf, span_scores
from .data import Dataset, read_raw, read_spans, read_subtask3, write_subtask3

log = logging.getLogger(__name__)

OFFICIAL_METRIC = {1: "macro-F1", 2: "micro-F1", 3: "micro-F1"}
_LABEL_LIST = {2: "frames_subtask2.txt", 3: "techniques_subtask3.txt"}


def pred_path(out: str | Path, lang: str, split: str, subtask: int) -> Path:
    return Path(out) / lang / f"{split}-predictions-subtask-{subtask}.txt"


def spans_pred_path(out: str | Path, lang: str, split: str) -> Path:
    return Path(out) / lang / f"{split}-predictions-spans.txt"


def score_spans(ds: Dataset, lang: str, split: str, pred_file: Path) -> dict[str, Any] | None:
    """SemEval-2020 Task 11 span F1 (technique-aware and -agnostic) where span gold exists."""
    gold_dir = ds.root / lang / f"{split}-labels-subtask-3-spans"
    if not gold_dir.is_dir() or not pred_file.is_file():
        return None
    pred = read_spans(pred_file)
    ids = {r[0] for r in pred} | {a.id for a in ds.articles(lang, split, 3, gold=False)}
    gold = [r for f in sorted(gold_dir.glob("*.txt")) for r in read_spans(f) if r[0] in ids]
    s = span_scores(pred, gold)
    f1 = {k: round(v["f1"], 4) for k, v in s.items()}
    return {"metric": "span F1 (SemEval-2020 Task 11)", **f1, "detail": s}


def find_scorers(data_dir: str | Path, scorers: str | Path | None = None) -> Path:
    d = Path(scorers) if scorers else Path(data_dir) / "scorers"
    missing = [f"scorer-subtask-{i}.py" for i in (1, 2, 3) if not (d / f"scorer-subtask-{i}.py").is_file()]
    if missing:
        raise ScorerError(
            f"{d}: official scorer(s) {', '.join(missing)} not found; they come with the task data "
            "(scorers/ beside the language folders), or pass --scorers DIR"
        )
    return d


def run_scorer(subtask: int, gold: Path, pred: Path, scorers: Path) -> dict[str, float]:
    """Score one prediction file; return {'macro-F1': x, 'micro-F1': y}."""
    cmd = [sys.executable, str(scorers / f"scorer-subtask-{subtask}.py"), "-g", str(gold), "-p", str(pred)]
    if subtask in _LABEL_LIST:
        cmd += ["-f", str(scorers / _LABEL_LIST[subtask])]
    res = subprocess.run(cmd + ["-o"], capture_output=True, text=True, check=False)
    fields = res.stdout.strip().split("\t")
    if res.returncode != 0 or len(fields) != 2:
        # Without -o the scorer logs why it rejected the file; show that to the user.
        why = subprocess.run(cmd, capture_output=True, text=True, check=False)
        msg = (why.stdout + why.stderr).strip().splitlines()
        raise ScorerError(f"official scorer rejected {pred}: {msg[-1] if msg else 'no output'}")
    a, b = (float(x) for x in fields)
    # Scorer 1 prints macro then micro; scorers 2 and 3 print micro then macro.
    return {"macro-F1": a, "micro-F1": b} if subtask == 1 else {"micro-F1": a, "macro-F1": b}


def gold_file(ds: Dataset, lang: str, split: str, subtask: int, tmp: Path) -> Path:
    """The gold file the scorer needs; subtask-3 gold may exist only per article."""
    merged = ds.gold_path(lang, split, subtask)
    if merged.is_file() or subtask != 3:
        return merged
    rows = [
        r
        for f in sorted((ds.root / lang / f"{split}-labels-subtask-3").glob("*.txt"))
        for r in read_subtask3(f)
    ]
    path = tmp / f"{lang}-{split}-gold-3.txt"
    write_subtask3(path, rows)
    return path


def evaluate(
    data_dir: str | Path,
    split: str,
    pred_dir: str | Path,
    langs: list[str] | None = None,
    scorers: str | Path | None = None,
) -> dict[str, dict[str, Any]]:
    """lang -> subtask -> official scores, for every language and subtask with gold and predictions."""
    ds = Dataset(data_dir)
    sc = find_scorers(data_dir, scorers)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for lang in langs or ds.languages(split):
            for st in (1, 2, 3):
                if not ds.has_gold(lang, split, st):
                    continue
                pred = pred_path(pred_dir, lang, split, st)
                if not pred.is_file():
                    log.warning("%s: no prediction file, subtask %d of %s not scored", pred, st, lang)
                    continue
                try:
                    scores = run_scorer(st, gold_file(ds, lang, split, st, Path(tmp)), pred, sc)
                except (ScorerError, DataError) as e:
                    log.error("%s", e)
                    results.setdefault(lang, {})[f"subtask{st}"] = {"error": str(e)}
                    continue
                results.setdefault(lang, {})[f"subtask{st}"] = {
                    "metric": OFFICIAL_METRIC[st],
                    "score": scores[OFFICIAL_METRIC[st]],
                    **scores,
                }
            spans = score_spans(ds, lang, split, spans_pred_path(pred_dir, lang, split))
            if spans:
                results.setdefault(lang, {})["spans"] = spans
    return results


def evaluate_ptc_si(model, ptc_dir: str | Path, split: str = "dev") -> dict[str, Any]:
    """Technique-agnostic span F1 on the SemEval-2020 Task 11 (PTC) span-identification gold.

    PTC's techniques are a different (older) scheme, so only where spans are is compared,
    not which technique. Also scores the baseline of whole-paragraph spans from the same
    model's paragraph labels.
    """
    from ..analysis import analyze

    root = Path(ptc_dir)
    arts = sorted((root / f"{split}-articles").glob("article*.txt"))
    gold_file = root / f"{split}-task-si.labels"
    if not arts or not gold_file.is_file():
        raise DataError(f"{root}: expected {split}-articles/ and {split}-task-si.labels (PTC v2 layout)")
    gold = []
    for line in read_raw(gold_file).splitlines():
        if line.strip():
            aid, s, e = line.split("\t")
            gold.append((aid, "*", int(s), int(e)))
    pred, whole = [], []
    for p in arts:
        aid = p.stem[len("article") :]
        a = analyze(read_raw(p), lang="en", model=model, id=aid, keep_clutter=True)  # as the gold has it
        pred += [(aid, "*", s.start, s.end) for par in a.paragraphs for s in par.spans]
        for par in a.paragraphs:
            if par.techniques:
                whole.append((aid, "*", *par.trimmed))
    r = span_prf(pred, gold, aware=False)
    b = span_prf(whole, gold, aware=False)
    return {"articles": len(arts), "si": {k: round(v, 4) for k, v in r.items()},
            "whole_paragraph_baseline": {k: round(v, 4) for k, v in b.items()}}  # fmt: skip

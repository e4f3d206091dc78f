"""Label Studio: a text project's JSON export in, tasks with predictions out.

Label Studio's text editor stores a region's ``start``/``end`` in code points, as spinscan counts
them, and that is what spinscan writes. Regions are read by their ``text`` rather than by trusting
one convention: at the code-point offsets first, then as UTF-16 code units (what spinscan before
0.8 wrote: an emoji counted twice), else at the occurrence of that text nearest the offsets; a
region without a ``text`` is taken in code points. A task's latest annotation that was not
cancelled is the one read; ``labels`` regions become technique spans, ``choices`` the genre or
the frames (by the control's ``from_name`` when given, else by what the choices name). In a
project that labels spans (a ``labels`` region anywhere in the export), an annotation without one
says the article has no technique; otherwise its techniques stay unknown.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..types import Analysis, Article, Span
from .names import Names
from .spans import is_int, offsets, strings, with_paragraph_techniques

log = logging.getLogger(__name__)


def utf16_to_points(text: str) -> list[int]:
    """For each UTF-16 offset into ``text`` (0..len16), the code-point offset (-1 inside a pair)."""
    out = []
    for i, ch in enumerate(text):
        out.append(i)
        if ord(ch) > 0xFFFF:
            out.append(-1)  # the second unit of a surrogate pair: no character boundary
    out.append(len(text))
    return out


def points_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of code-point ``offset`` in ``text``."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def _latest(task: dict, where: str) -> dict | None:
    anns = task.get("annotations") or []
    if not isinstance(anns, list):
        raise InputError(f"{where}: 'annotations' should be a list")
    done = [a for a in anns if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None
    return max(
        done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), _order(a.get("id")))
    )


def _order(x: object) -> tuple[int, str]:
    """An annotation id to order by, whatever its type (numbers first, by value)."""
    return (int(x), "") if is_int(x) else (2**62, str(x))


def from_json_min(row: dict, text_field: str, names: Names) -> dict:
    """A row of Label Studio's JSON_MIN export as a full task: the data fields at the top level,
    each control's result under its name (labels: a list of ``{start, end, text, labels}``; a
    single choice: a string; several: ``{"choices": [...]}``)."""
    result: list[dict] = []
    data: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "start" in v for v in value):
            result += [{"from_name": key, "type": "labels", "value": v} for v in value]
        elif isinstance(value, dict) and "choices" in value:
            result.append({"from_name": key, "type": "choices", "value": {"choices": value["choices"]}})
        elif (
            isinstance(value, str)
            and key != text_field
            and (names.find(value, "genres") or names.find(value, "frames"))
        ):
            result.append({"from_name": key, "type": "choices", "value": {"choices": [value]}})
        else:
            data[key] = value
    return {
        "id": row.get("id"),
        "data": data,
        "annotations": [{"id": row.get("annotation_id"), "result": result}],
    }


def _list(x: object) -> list:
    return x if isinstance(x, list) else []


def _text_of(task: dict, where: str, text_field: str) -> str:
    data = task.get("data")
    if not isinstance(data, dict):
        raise InputError(f"{where}: the task has no 'data' object")
    text = data.get(text_field)
    if text is None:
        strings = [v for v in data.values() if isinstance(v, str) and "\n" in v]
        text = strings[0] if len(strings) == 1 else None
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: no text in data.{text_field} (give the field's name with --text-field)")
    return text


def read_label_studio(
    path: str | Path,
    names: Names | None = None,
    lang: str | None = None,
    text_field: str = "text",
    genre_from: str | None = None,
    frames_from: str | None = None,
) -> list[Article]:
    """The annotated tasks of a Label Studio JSON export, as articles with their gold."""
    p = Path(path)
    names = names or Names()
    try:
        tasks = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{p}: not a Label Studio JSON export ({e})") from e
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not tasks:
        raise InputError(f"{p}: no tasks (a Label Studio export is a JSON list of tasks)")
    # a project that labels spans: a submitted annotation without a region says "no technique here"
    spans_project = any(
        isinstance(r, dict) and r.get("type") == "labels"
        for t in tasks
        if isinstance(t, dict)
        for a in [*_list(t.get("annotations")), *_list(t.get("predictions"))]
        if isinstance(a, dict)
        for r in _list(a.get("result"))
    )
    # likewise frames: where the project has a frames control (a region of it anywhere, predicted or
    # annotated), an annotation without one says "no frames" (the annotator removed them)
    frames_project = any(
        isinstance(r, dict) and r.get("type") == "choices" and isinstance(r.get("value"), dict)
        and (r.get("from_name") == frames_from or (frames_from is None and any(
            isinstance(c, str) and names.find(c, "frames") for c in _list(r["value"].get("choices")))))
        for t in tasks
        if isinstance(t, dict)
        for a in [*_list(t.get("annotations")), *_list(t.get("predictions"))]
        if isinstance(a, dict)
        for r in _list(a.get("result"))
    )  # fmt: skip
    out = []
    for n, task in enumerate(tasks, start=1):
        where = f"{p}: task {task.get('id', n) if isinstance(task, dict) else n}"
        if not isinstance(task, dict):
            raise InputError(f"{where}: expected a task object")
        if "data" not in task and "annotations" not in task:  # the JSON_MIN export: one flat row a task
            task = from_json_min(task, text_field, names)
        ann = _latest(task, where)
        if ann is None:
            log.warning("%s: no annotation that was not cancelled; skipped", where)
            continue
        text = _text_of(task, where, text_field)
        data = task["data"]
        task_lang = data.get("lang") or lang
        if task_lang is not None and not isinstance(task_lang, str):
            raise InputError(f"{where}: data.lang should be a language code, found {task_lang!r}")
        a = Article(id=str(data.get("id") or task.get("id") or n), text=text, lang=task_lang)
        a.meta["where"] = where
        result = ann.get("result") or []
        if not isinstance(result, list):
            raise InputError(f"{where}: the annotation's 'result' should be a list of regions")
        a.spans, genre, frames = _regions(result, text, where, names, genre_from, frames_from)
        a.genre, a.frames = genre, (frames if frames is not None or not frames_project else [])
        out.append(with_paragraph_techniques(a, known=a.spans is not None or spans_project))
    return out


def region_offsets(text: str, value: dict, to_points: list[int], at: str) -> tuple[int, int]:
    """A labels region's code-point offsets, found by its ``text`` (see the module)."""
    raw_s, raw_e = value.get("start"), value.get("end")
    if not is_int(raw_s) or not is_int(raw_e) or not 0 <= raw_s < raw_e:
        raise InputError(f"{at}: offsets {raw_s!r}..{raw_e!r} are not a range of whole numbers")
    said = value.get("text")
    if said is None:
        return offsets(raw_s, raw_e, len(text), at)
    if not isinstance(said, str) or not said:
        raise InputError(f"{at}: its text should be the words the region covers, found {str(said)[:40]!r}")
    if raw_e <= len(text) and text[raw_s:raw_e] == said:
        return raw_s, raw_e  # code points (Label Studio's editor, spinscan from 0.8)
    if raw_e < len(to_points) and min(to_points[raw_s], to_points[raw_e]) >= 0:
        s, e = to_points[raw_s], to_points[raw_e]
        if text[s:e] == said:
            return s, e  # UTF-16 code units (spinscan before 0.8)
    found = [i for i in range(len(text)) if text.startswith(said, i)]
    if not found:
        raise InputError(f"{at}: its text {said[:40]!r} is nowhere in the task's text")
    s = min(found, key=lambda i: abs(i - raw_s))
    log.info("%s: %r found at %d, not at %d (offsets counted another way)", at, said[:40], s, raw_s)
    return s, s + len(said)


def _regions(result: list, text: str, where: str, names: Names, genre_from, frames_from):
    to_points = utf16_to_points(text)
    spans: list[Span] | None = None
    genre, frames = None, None
    for k, r in enumerate(result, start=1):
        if not isinstance(r, dict):
            continue
        at = f"{where}, region {r.get('id', k)}"
        value = r.get("value") or {}
        if not isinstance(value, dict):
            raise InputError(f"{at}: 'value' should be an object, found {str(value)[:40]!r}")
        kind = r.get("type")
        if kind == "labels":
            spans = spans if spans is not None else []
            s, e = region_offsets(text, value, to_points, at)
            for label in strings(value.get("labels") or [], at, "labels"):
                t = names.find(label)
                if t is None:
                    raise InputError(f"{at}: unknown technique {label!r}; name it in a --map file")
                spans.append(Span(t, s, e, 1.0))
        elif kind == "choices":
            chosen = strings(value.get("choices") or [], at, "choices")
            name = r.get("from_name")
            as_genre = [names.find(c, "genres") for c in chosen]
            as_frames = [names.find(c, "frames") for c in chosen]
            if name == genre_from or (genre_from is None and chosen and all(as_genre)):
                if not all(as_genre) or len(chosen) != 1:
                    raise InputError(
                        f"{at}: expected one genre of opinion, reporting, satire; found {chosen}"
                    )
                genre = as_genre[0]
            elif name == frames_from or (frames_from is None and chosen and all(as_frames)):
                if not all(as_frames):
                    bad = [c for c, f in zip(chosen, as_frames) if f is None]
                    raise InputError(f"{at}: unknown frame(s) {bad}; name them in a --map file")
                frames = sorted(set(as_frames), key=as_frames.index)
            else:
                log.warning("%s: choices %s (from %r) name no genre or frames; skipped", at, chosen, name)
    return spans, genre, frames


def label_studio_task(
    analysis: Analysis, text: str, model_version: str, from_name: str = "label", to_name: str = "text"
) -> dict[str, Any]:
    """A Label Studio task for ``text`` with the analysis as its prediction (offsets in code
    points, as Label Studio's editor counts them; a score per region), ready to import into a
    project that labels the 23 techniques."""
    result: list[dict[str, Any]] = []
    for p in analysis.paragraphs:
        for k, sp in enumerate(p.spans):
            result.append(
                {
                    "id": f"p{p.line_no}-{k}",
                    "from_name": from_name,
                    "to_name": to_name,
                    "type": "labels",
                    "score": round(sp.score, 4),
                    "value": {
                        "start": sp.start,
                        "end": sp.end,
                        "text": text[sp.start : sp.end],
                        "labels": [sp.technique],
                    },
                }
            )
    result.append(_choices("genre", to_name, [analysis.genre], analysis.genre_scores.get(analysis.genre, 0)))
    result.append(
        _choices(
            "frames",
            to_name,
            analysis.frames,
            min((analysis.frame_scores[f] for f in analysis.frames), default=0),
        )
    )
    scores = [r["score"] for r in result if "score" in r]
    return {
        "data": {"text": text, "id": analysis.id, "lang": analysis.lang},
        "predictions": [
            {
                "model_version": model_version,
                "score": round(sum(scores) / len(scores), 4) if scores else 0.0,
                "result": result,
            }
        ],
    }


def _choices(name: str, to_name: str, chosen: list[str], score: float) -> dict[str, Any]:
    return {
        "id": name,
        "from_name": name,
        "to_name": to_name,
        "type": "choices",
        "score": round(float(score), 4),
        "value": {"choices": chosen},
    }

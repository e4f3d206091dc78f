"""Label Studio's ML backend protocol, the library side: what a project's labeling config names,
spinscan's analysis as a prediction in those names, and the annotations Label Studio sends back.

Label Studio sends a project's labeling config (``/setup``'s ``schema``, ``/predict``'s
``label_config``); its controls are found by their tags, not by spinscan's names: the ``Text``
object (its ``$field`` is where a task keeps the text), the ``Labels`` control on it (span
labels; each ``Label`` value matched to a technique in any common spelling, or by a ``--map``
file), and ``Choices`` controls whose values name genres (one) or frames (several). A prediction
uses the user's own names, code-point offsets (Label Studio's editor counts code points), a score
per region and per task, and the model's version. Techniques the config has no label for are
left out.

Annotations arrive on ``/webhook`` (``ANNOTATION_CREATED``, ``_UPDATED``, ``_DELETED``); they are
kept, per project, as a Label Studio JSON export (``label-studio-project-<id>.json``) that
``spinscan learn`` reads as it is.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..types import Analysis
from .names import Names

log = logging.getLogger(__name__)

EVENTS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED")


@dataclass
class Controls:
    """The names a labeling config gives spinscan's three subtasks."""

    text_field: str = "text"  # the task data field holding the text ($text)
    to_name: str = "text"  # the Text object's name
    spans: str | None = None  # the Labels control's name
    techniques: dict[str, str] = field(default_factory=dict)  # spinscan's technique -> the user's label
    genre: str | None = None  # the Choices control of the genre
    genres: dict[str, str] = field(default_factory=dict)
    frames: str | None = None
    frame_values: dict[str, str] = field(default_factory=dict)


def parse_config(xml: str, names: Names | None = None) -> Controls:
    """The controls of a Label Studio labeling config; InputError when it cannot be read or has
    no Text object to analyse."""
    names = names or Names()
    if not isinstance(xml, str) or not xml.strip():
        raise InputError("the labeling config is empty")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as e:
        raise InputError(f"the labeling config is not readable XML ({e})") from e
    texts = [
        t for t in root.iter() if t.tag in ("Text", "HyperText") and (t.get("value") or "").startswith("$")
    ]
    if not texts:
        raise InputError('the labeling config has no <Text value="$field"> to analyse')
    c = Controls(text_field=texts[0].get("value", "$text")[1:], to_name=texts[0].get("name", "text"))
    for ctl in root.iter():
        if ctl.get("toName") not in (None, c.to_name):
            continue
        values = [x.get("value") for x in ctl if x.get("value")]
        if ctl.tag == "Labels" and c.spans is None:
            c.spans = ctl.get("name")
            for v in values:  # (the first label that names a technique speaks for it)
                t = names.find(v)
                if t and t not in c.techniques:
                    c.techniques[t] = v
        elif ctl.tag == "Choices":
            as_genres = {g: v for v in values if (g := names.find(v, "genres"))}
            as_frames = {f: v for v in values if (f := names.find(v, "frames"))}
            if as_genres and len(as_genres) >= len(as_frames) and c.genre is None:
                c.genre, c.genres = ctl.get("name"), as_genres
            elif as_frames and c.frames is None:
                c.frames, c.frame_values = ctl.get("name"), as_frames
    return c


def prediction(a: Analysis, text: str, c: Controls, model_version: str) -> dict[str, Any]:
    """spinscan's analysis of ``text`` as one Label Studio prediction in the config's names."""
    result: list[dict[str, Any]] = []
    if c.spans:
        for p in a.paragraphs:
            for k, sp in enumerate(p.spans):
                if sp.technique not in c.techniques:
                    continue
                result.append({
                    "id": f"p{p.line_no}-{k}", "from_name": c.spans, "to_name": c.to_name, "type": "labels",
                    "score": round(sp.score, 4),
                    "value": {"start": sp.start, "end": sp.end, "text": text[sp.start : sp.end],
                              "labels": [c.techniques[sp.technique]]},
                })  # fmt: skip
    if c.genre and a.genre in c.genres:
        result.append({"id": "genre", "from_name": c.genre, "to_name": c.to_name, "type": "choices",
                       "score": round(a.genre_scores.get(a.genre, 0.0), 4),
                       "value": {"choices": [c.genres[a.genre]]}})  # fmt: skip
    chosen = [f for f in a.frames if f in c.frame_values]
    if c.frames and chosen:
        result.append({"id": "frames", "from_name": c.frames, "to_name": c.to_name, "type": "choices",
                       "score": round(min(a.frame_scores[f] for f in chosen), 4),
                       "value": {"choices": [c.frame_values[f] for f in chosen]}})  # fmt: skip
    scores = [r["score"] for r in result]
    return {"result": result, "score": round(sum(scores) / len(scores), 4) if scores else 0.0,
            "model_version": model_version}  # fmt: skip


class AnnotationStore:
    """The annotations Label Studio sends, kept per project as a Label Studio JSON export: each
    task once, with its annotations as they stand after the last event."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.lock = threading.Lock()

    def path(self, project: object) -> Path:
        safe = "".join(ch for ch in str(project) if ch.isalnum() or ch in "-_")[:40] or "unknown"
        return self.folder / f"label-studio-project-{safe}.json"

    def apply(self, event: dict[str, Any]) -> str:
        """Keep what one webhook event says; returns what was done, in a word or two."""
        action = event.get("action")
        if action not in EVENTS:
            return "ignored"
        project = (event.get("project") or {}).get("id") if isinstance(event.get("project"), dict) else None
        task, ann = event.get("task"), event.get("annotation")
        if not isinstance(task, dict) or not isinstance(ann, dict) or "id" not in task:
            raise InputError("an annotation event needs 'task' (with its id) and 'annotation' objects")
        with self.lock:
            path = self.path(project if project is not None else task.get("project"))
            tasks = self._read(path)
            entry = tasks.setdefault(str(task["id"]), {"id": task["id"], "data": task.get("data") or {},
                                                       "annotations": []})  # fmt: skip
            entry["annotations"] = [x for x in entry["annotations"] if x.get("id") != ann.get("id")]
            if action != "ANNOTATION_DELETED":
                entry["annotations"].append(ann)
            self._write(path, tasks)
        return "kept" if action != "ANNOTATION_DELETED" else "removed"

    def _read(self, path: Path) -> dict[str, dict]:
        if not path.is_file():
            return {}
        try:
            return {str(t["id"]): t for t in json.loads(path.read_text(encoding="utf-8"))}
        except (ValueError, KeyError, TypeError) as e:  # (a file someone edited): kept aside, not lost
            aside = path.with_name(path.name + ".damaged")
            path.replace(aside)
            log.warning("%s: unreadable (%s); set aside as %s, starting afresh", path, e, aside.name)
            return {}

    def _write(self, path: Path, tasks: dict[str, dict]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(list(tasks.values()), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)

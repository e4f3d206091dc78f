"""Article vectors (the mean frozen-layer state of an article's paragraphs) kept on disk.

Reading thousands of articles through the encoder is the slow part of refitting the genre head
(about half a second an article on 2 cores); the vectors are saved every few dozen articles in
one ``.npz`` keyed by a hash of the text and its language, so a refit that is stopped resumes
where it was and a second refit with other settings reads nothing again. The file carries a
tag naming what made the states (the backbone and its frozen layers: the fine-tuned layers do
not change them); a file of another tag is not used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..types import Article

log = logging.getLogger(__name__)

SAVE_EVERY = 50
BATCH_PARAGRAPHS = 32  # paragraphs read in one call of the encoder


def text_key(text: str, lang: str | None) -> str:
    return hashlib.sha256(f"{lang}\n{text}".encode()).hexdigest()[:24]


def states_tag(model) -> str:
    """What an article's mean frozen state depends on: the backbone, its frozen layers, the window."""
    c = model.config
    return f"{c.get('base')}|frozen {c.get('n_frozen')}|tokens {c.get('max_tokens')}"


class StateCache:
    """``key -> vector`` in an ``.npz`` file, written whole to a temporary name and renamed."""

    def __init__(self, path: str | Path | None = None, tag: str = "") -> None:
        self.path = Path(path) if path is not None else None  # None: in memory only
        self.tag = tag
        self.vectors: dict[str, np.ndarray] = {}
        if self.path is not None and self.path.is_file():
            try:
                with np.load(self.path) as z:
                    found = str(z["tag"]) if "tag" in z.files else ""
                    if found != tag:
                        log.warning("%s: states of %r, not %r; starting afresh", self.path, found, tag)
                    else:
                        self.vectors = dict(zip(z["keys"].tolist(), z["vectors"]))
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:  # damaged: not trusted
                log.warning("%s: unreadable state cache (%s); starting afresh", self.path, e)

    def save(self) -> None:
        if not self.vectors or self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp.npz")
        keys = np.array(list(self.vectors))
        vectors = np.stack(list(self.vectors.values())).astype(np.float32)
        np.savez(tmp, keys=keys, vectors=vectors, tag=np.array(self.tag))
        tmp.replace(self.path)


def cached_article_states(
    model,
    articles: list[Article],
    cache: StateCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    what: str = "reading the articles",
) -> np.ndarray:
    """The mean frozen-layer state of each article (each has a paragraph), from ``cache`` where
    it holds them; the others are computed and saved as they come."""
    cache = cache if cache is not None else StateCache()
    keys = [text_key(a.text, a.lang) for a in articles]
    todo = [i for i, k in enumerate(keys) if k not in cache.vectors]
    log.info("%s: %d articles, %d read before", what, len(articles), len(articles) - len(todo))
    for n, i in enumerate(todo, start=1):
        a = articles[i]
        paras = a.paragraphs
        enc = model.encode_paragraphs(paras, [a.lang] * len(paras))
        cache.vectors[keys[i]] = np.mean(enc.states, axis=0).astype(np.float32)
        if n % SAVE_EVERY == 0:
            cache.save()
        if progress:
            progress(what, n, len(todo))
    if todo:
        cache.save()
    return np.stack([cache.vectors[k] for k in keys]).astype(np.float32)


def cached_paragraph_states(
    model,
    articles: list[Article],
    path: str | Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    what: str = "reading the articles",
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per article id: its paragraphs' frozen-layer states (P, width) and their (start, end)
    offsets, kept in ``path`` (an ``.npz`` of flat arrays, saved as it goes) so a rerun resumes."""
    path = Path(path) if path is not None else None
    got: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if path is not None and path.is_file():
        try:
            with np.load(path) as z:
                if str(z["tag"]) == states_tag(model):
                    cut = np.cumsum(z["counts"])[:-1]
                    for k, s, b in zip(
                        z["ids"].tolist(), np.split(z["states"], cut), np.split(z["bounds"], cut)
                    ):
                        got[k] = (s, b)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
            log.warning("%s: unreadable paragraph states (%s); starting afresh", path, e)

    def save() -> None:
        if path is None or not got:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        ids = list(got)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
        np.savez(
            tmp, ids=np.array(ids), counts=np.array([len(got[k][0]) for k in ids]),
            states=np.concatenate([got[k][0] for k in ids]).astype(np.float16),
            bounds=np.concatenate([got[k][1] for k in ids]).astype(np.int64), tag=np.array(states_tag(model)),
        )  # fmt: skip
        tmp.replace(path)

    todo = [a for a in articles if a.id not in got and a.paragraphs]
    done, saved = 0, 0
    for batch in batches(todo):
        # short texts (sentences) are read many to a call: the encoder pads and runs them together
        paras = [p for a in batch for p in a.paragraphs]
        enc = model.encode_paragraphs(paras, [a.lang for a in batch for _ in a.paragraphs])
        k = 0
        for a in batch:
            n = len(a.paragraphs)
            got[a.id] = (
                np.asarray(enc.states[k : k + n], dtype=np.float32),
                np.array([[p.start, p.end] for p in a.paragraphs]),
            )
            k += n
        done += len(batch)
        if done - saved >= SAVE_EVERY:
            save()
            saved = done
        if progress:
            progress(what, done, len(todo))
    if todo:
        save()
    return got


def batches(articles: list[Article], max_paragraphs: int = BATCH_PARAGRAPHS) -> list[list[Article]]:
    """Consecutive articles grouped so that a group holds at most ``max_paragraphs`` paragraphs
    (an article longer than that is a group of its own)."""
    out: list[list[Article]] = []
    size = 0
    for a in articles:
        n = len(a.paragraphs)
        if out and size + n <= max_paragraphs:
            out[-1].append(a)
            size += n
        else:
            out.append([a])
            size = n
    return out

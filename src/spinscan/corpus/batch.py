"""Batch runs over many articles that never lose work.

The driver reads the inputs, skips what the store already holds for this model,
sends the rest to an engine (this process, N worker processes, or Ray) and writes each
result as it arrives, one durable record at a time. A bad item becomes an error row;
a crashed worker costs only the articles it held, which become error rows too.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import InputError, ModelError
from ..reading.sources import FileEntry, count_items, iter_items, list_inputs
from ..text import MAX_BYTES
from .engines.local import Event, local_engine
from .store import open_store

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")


@dataclass
class BatchSummary:
    """What a batch run did."""

    out: str
    model: str
    total: int = 0
    ok: int = 0
    errors: int = 0
    skipped: int = 0  # done by an earlier run with the same model
    duplicates: int = 0  # an id seen earlier in this run's inputs
    seconds: float = 0.0
    workers: dict[str, float] = field(default_factory=dict)  # worker -> peak RSS (MB)
    interrupted: bool = False

    @property
    def per_minute(self) -> float:
        return 60 * (self.ok + self.errors) / self.seconds if self.seconds else 0.0


def model_identity(model_dir: str | Path) -> str:
    """A model's name, version and a digest of its files: results of different models stay apart."""
    from ..models.base import read_json

    d = Path(model_dir)
    if not d.is_dir():
        raise ModelError(
            f"{d}: no such model directory; give a model directory (or train one)", setting="model"
        )
    cfg = read_json(d / "config.json")
    h = hashlib.sha256()
    for f in sorted(p for p in d.iterdir() if p.is_file() and p.name != "README.md"):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    key = f"{cfg.get('name', cfg.get('kind', 'model'))}-{cfg.get('version', '0')}+{h.hexdigest()[:10]}"
    if cfg.get("kind") == "encoder":  # the backends' numbers differ slightly: their results stay apart
        from ..models.encoder.model import default_backend

        key += f"@{default_backend()}"
    return key


# ---- the driver -------------------------------------------------------------------------------
def run_batch(
    inputs: list[str | Path],
    out: str | Path,
    model_dir: str | Path | None = None,
    workers: int = 1,
    engine: str = "local",
    retry_errors: bool = False,
    max_bytes: int = MAX_BYTES,
    on_start: Callable[[int], None] | None = None,
    on_item: Callable[[BatchSummary], None] | None = None,
) -> BatchSummary:
    """Analyse every article of `inputs` into the store `out` (SQLite, or JSON Lines by suffix).

    A rerun with the same model skips what is done. `on_start(total)` and `on_item(summary)`
    drive a progress display.
    """
    from ..analysis import default_model_path

    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    model_dir = str(Path(model_dir or default_model_path()).resolve())
    key = model_identity(model_dir)
    entries = list_inputs(inputs)
    store = open_store(out, key, [str(i) for i in inputs], __version__)
    summary = BatchSummary(out=str(out), model=key)
    t0 = time.perf_counter()
    try:
        done = store.done(retry_errors)
        summary.total = count_items(entries)
        if on_start:
            on_start(summary.total)
        seen: set[str] = set()
        for ev in _events(engine, entries, model_dir, workers, done, max_bytes):
            if ev[0] == "skip":
                summary.skipped += 1
            elif ev[0] == "dup":
                summary.duplicates += 1
                log.warning("%s: id %r appeared earlier in the inputs; skipped", ev[1].where, ev[1].id)
            else:
                _, rec, worker, rss = ev
                if rec["id"] in seen:
                    summary.duplicates += 1
                    log.warning(
                        "%s: id %r was already analysed in this run; skipped", rec["where"], rec["id"]
                    )
                else:
                    seen.add(rec["id"])
                    store.add(rec)
                    summary.ok += rec["status"] == "ok"
                    summary.errors += rec["status"] == "error"
                    summary.workers[worker] = max(rss, summary.workers.get(worker, 0.0))
            summary.seconds = time.perf_counter() - t0
            if on_item:
                on_item(summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - t0
        store.close()
    summary.workers.pop("lost", None)
    return summary


def _events(
    engine: str, entries: list[FileEntry], model_dir: str, workers: int, done: set[str], max_bytes: int
) -> Iterator[Event]:
    if engine == "ray":
        from .engines.ray import ray_engine

        return ray_engine(entries, model_dir, workers, done, max_bytes)
    return local_engine(iter_items(entries, max_bytes), model_dir, workers, done, max_bytes)

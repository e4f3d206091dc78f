"""Batch runs over many articles that never lose work.

The driver reads the inputs, skips what the store already holds for this model,
sends the rest to an engine (this process, N worker processes, or Ray) and writes each
result as it arrives, one durable record at a time. A bad item becomes an error row;
a crashed worker costs only the articles it held, which become error rows too.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ModelError, SpinscanError
from .inputs import MAX_BYTES
from .sources import FileEntry, Item, count_items, iter_items, list_inputs
from .store import open_store

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
# Each event an engine yields: ("skip", id) for work done earlier, ("dup", item) for an id seen
# earlier in these inputs, or ("record", record, worker, peak RSS in MB).
Event = tuple


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
    from .models.base import read_json

    d = Path(model_dir)
    if not d.is_dir():
        raise ModelError(f"{d}: no such model directory; pass --model DIR or run `spinscan train`")
    cfg = read_json(d / "config.json")
    h = hashlib.sha256()
    for f in sorted(p for p in d.iterdir() if p.is_file() and p.name != "README.md"):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return f"{cfg.get('name', cfg.get('kind', 'model'))}-{cfg.get('version', '0')}+{h.hexdigest()[:10]}"


def error_record(item: Item, message: str) -> dict[str, Any]:
    return {**_meta(item), "status": "error", "error": message, "text": None, "analysis": None}


def _meta(item: Item) -> dict[str, Any]:
    return {k: getattr(item, k) for k in ("id", "where", "lang", "title", "source", "date", "url")}


def analyse_item(item: Item, model) -> dict[str, Any]:
    """The record of one item; input problems become error records, never exceptions."""
    from .analysis import analyze

    if item.error:
        return error_record(item, item.error)
    try:
        a = analyze(item.text, lang=item.lang, model=model, id=item.id)
    except SpinscanError as e:
        return error_record(item, f"{item.where}: {e}")
    except Exception as e:  # a model bug must not end a batch of thousands; it is logged and recorded
        log.exception("internal error on %s", item.where)
        return error_record(item, f"{item.where}: internal error: {type(e).__name__}: {e}")
    return {**_meta(item), "status": "ok", "error": None, "text": item.text, "analysis": a.to_dict()}


def threads_per_worker(workers: int) -> int:
    """Torch threads for each of `workers` models on this machine: the cores split between them."""
    return max(1, (os.cpu_count() or 1) // workers)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


# ---- the local engine: this process, or N spawned worker processes ----------------------------
_worker_model = None


def _init_worker(model_dir: str, threads: int) -> None:
    global _worker_model
    os.environ["SPINSCAN_THREADS"] = str(threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from .analysis import get_model

    _worker_model = get_model(model_dir)


def _work(item: Item) -> tuple[dict[str, Any], str, float]:
    return analyse_item(item, _worker_model), f"pid {os.getpid()}", peak_rss_mb()


def local_engine(items: Iterator[Item], model_dir: str, workers: int, skip: set[str]) -> Iterator[Event]:
    """Analyse items here (workers=1) or in `workers` processes, each loading the model once."""
    todo = _filter(items, skip)
    if workers <= 1:
        from .analysis import get_model

        model = get_model(model_dir)
        for ev in todo:
            yield ev if ev[0] != "item" else ("record", analyse_item(ev[1], model), "main", peak_rss_mb())
        return
    ctx = mp.get_context("spawn")  # torch and fork do not mix
    init = (model_dir, threads_per_worker(workers))

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=init)

    pool = new_pool()
    inflight: dict[Future, Item] = {}
    try:
        for ev in todo:
            if ev[0] != "item":
                yield ev
                continue
            while len(inflight) >= 2 * workers:
                yield from _collect(inflight, block=True)
            try:
                inflight[pool.submit(_work, ev[1])] = ev[1]
            except BrokenProcessPool:
                yield from _collect(inflight, block=False)
                pool = new_pool()
                inflight[pool.submit(_work, ev[1])] = ev[1]
        while inflight:
            yield from _collect(inflight, block=True)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _collect(inflight: dict[Future, Item], block: bool) -> Iterator[Event]:
    done, _ = wait(list(inflight), timeout=None if block else 0, return_when=FIRST_COMPLETED)
    for fut in done:
        item = inflight.pop(fut)
        try:
            rec, worker, rss = fut.result()
        except BrokenProcessPool:
            msg = f"{item.where}: the worker process died while analysing it (out of memory?)"
            yield ("record", error_record(item, msg), "lost", 0.0)
            continue
        yield ("record", rec, worker, rss)


def _filter(items: Iterator[Item], skip: set[str]) -> Iterator[tuple[str, Any]]:
    seen: set[str] = set()
    for item in items:
        if item.id in skip:
            yield ("skip", item.id)
        elif item.id in seen:
            yield ("dup", item)
        else:
            seen.add(item.id)
            yield ("item", item)


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
    from .analysis import default_model_path

    if engine not in ENGINES:
        raise SpinscanError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
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
        from .ray_engine import ray_engine

        return ray_engine(entries, model_dir, workers, done, max_bytes)
    return local_engine(iter_items(entries, max_bytes), model_dir, workers, done)

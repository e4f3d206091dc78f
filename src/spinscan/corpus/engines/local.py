"""The local batch engine: this process, or N spawned worker processes each holding a model.

A worker that dies (out of memory, a crash) breaks its pool: a new pool takes over, and each
article the broken pool held is tried once more there, alone (most were only beside the one
that killed it); an article whose second try also kills its worker becomes a ``worker_died``
error row, and the batch goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ...reading.pages import fetch_item
from ...reading.sources import Item
from ...text import MAX_BYTES
from ..work import analyze_item, error_record, peak_rss_mb, threads_per_worker

Event = tuple  # ("skip", id) | ("dup", item) | ("record", record, worker, peak RSS in MB)

_worker_model = None


def _init_worker(model_dir: str, threads: int) -> None:
    global _worker_model
    os.environ["SPINSCAN_THREADS"] = str(threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ...analysis import get_model

    _worker_model = get_model(model_dir)


# fault injection for the tests: a worker analysing this article id dies (as if killed); with
# ":once", only the first time (a marker file beside the store remembers it)
KILL_ENV = "SPINSCAN_TEST_KILL_WORKER_ON"


def _work(item: Item) -> tuple[dict[str, Any], str, float]:
    target = os.environ.get(KILL_ENV, "")
    if target and target.split(":")[0] == item.id:
        marker = os.environ.get(KILL_ENV + "_MARKER")
        if not target.endswith(":once") or not marker or not os.path.exists(marker):
            if marker:
                open(marker, "w").close()
            os._exit(137)
    return analyze_item(item, _worker_model), f"pid {os.getpid()}", peak_rss_mb()


def local_engine(
    items: Iterator[Item], model_dir: str, workers: int, skip: set[str], max_bytes: int = MAX_BYTES
) -> Iterator[Event]:
    """Analyse items here (workers=1) or in `workers` processes, each loading the model once.

    Items given by URL are fetched here, one at a time (politely: never two requests to a host
    at once), and only when their turn comes, after the done ones were skipped.
    """
    todo = (ev if ev[0] != "item" else ("item", fetch_item(ev[1], max_bytes)) for ev in unseen(items, skip))
    if workers <= 1:
        from ...analysis import get_model

        model = get_model(model_dir)
        for ev in todo:
            yield ev if ev[0] != "item" else ("record", analyze_item(ev[1], model), "main", peak_rss_mb())
        return
    ctx = mp.get_context("spawn")  # torch and fork do not mix
    init = (model_dir, threads_per_worker(workers))

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=init)

    state = {"pool": new_pool()}
    inflight: dict[Future, Item] = {}
    tried: set[str] = set()  # articles a dead worker held once already

    def submit(item: Item) -> None:
        try:
            inflight[state["pool"].submit(_work, item)] = item
        except BrokenProcessPool:
            state["pool"] = new_pool()
            inflight[state["pool"].submit(_work, item)] = item

    retry: list[Item] = []

    def collect(block: bool) -> Iterator[Event]:
        for kind, item, ev in _collect(inflight, block):
            if kind == "record":
                yield ev
            elif item.id in tried:  # alone on its second try, its worker died again
                msg = f"{item.where}: the worker process died while analysing it, twice (out of memory?)"
                yield ("record", error_record(item, msg, "worker_died"), "lost", 0.0)
            else:
                tried.add(item.id)
                retry.append(item)

    def retries() -> Iterator[Event]:
        """Each article a dead worker held, tried again alone (so one that kills its worker
        takes no other down with it the second time)."""
        while retry:
            while inflight:
                yield from collect(block=True)
            if retry:
                submit(retry.pop(0))
                while inflight:
                    yield from collect(block=True)

    try:
        for ev in todo:
            if ev[0] != "item":
                yield ev
                continue
            while len(inflight) >= 2 * workers:
                yield from collect(block=True)
                yield from retries()
            submit(ev[1])
        while inflight or retry:
            yield from collect(block=True)
            yield from retries()
    finally:
        state["pool"].shutdown(wait=False, cancel_futures=True)


def _collect(inflight: dict[Future, Item], block: bool) -> Iterator[tuple[str, Item, Event | None]]:
    """("record", item, event) for each finished article, ("lost", item, None) for one whose
    worker died (its pool is broken)."""
    done, _ = wait(list(inflight), timeout=None if block else 0, return_when=FIRST_COMPLETED)
    for fut in done:
        item = inflight.pop(fut)
        try:
            rec, worker, rss = fut.result()
        except BrokenProcessPool:
            yield ("lost", item, None)
            continue
        yield ("record", item, ("record", rec, worker, rss))


def unseen(items: Iterator[Item], skip: set[str]) -> Iterator[tuple[str, Any]]:
    """("skip", id) for work done earlier, ("dup", item) for an id seen earlier, else ("item", item)."""
    seen: set[str] = set()
    for item in items:
        if item.id in skip:
            yield ("skip", item.id)
        elif item.id in seen:
            yield ("dup", item)
        else:
            seen.add(item.id)
            yield ("item", item)

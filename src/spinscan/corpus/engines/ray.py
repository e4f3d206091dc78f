"""The batch engine on Ray: Ray Data reads the inputs, actors hold one model each.

It connects to the cluster in ``RAY_ADDRESS`` (``ray start --head`` on one node,
``ray start --address=HEAD:6379`` on the others), or starts a local one. Workers read
the input files themselves, so on several nodes the inputs must be on a shared path.
Results stream back to the driver, which writes them to the same store as the local
engine, one record at a time.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import SpinscanError
from ...reading.sources import FileEntry, Item, parse_file
from ..work import analyze_item, peak_rss_mb, threads_per_worker

log = logging.getLogger(__name__)

BATCH = 4  # articles per actor call: small, so results stream back steadily
OBJECT_STORE_BYTES = 1 << 30  # for a local cluster; articles are small


def _parse(row: dict[str, Any], entries: dict[str, FileEntry], skip: set[str], max_bytes: int) -> list[dict]:
    """One input file's items, as rows of JSON (Arrow needs no schema for them)."""
    entry = entries.get(row["path"]) or entries[str(Path(row["path"]).resolve())]
    out = []
    for item in parse_file(entry, row["bytes"], max_bytes):
        kind = "skip" if item.id in skip else "item"
        out.append({"kind": kind, "item": json.dumps(item.to_dict(), ensure_ascii=False)})
    return out


class Analyzer:
    """A Ray actor's work: one model, loaded once, analysing batches of items."""

    model_dir = ""  # set on a subclass: constructor arguments would sit in Ray's object store
    threads = 1

    def __init__(self) -> None:
        os.environ["SPINSCAN_THREADS"] = str(self.threads)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from ...analysis import get_model

        self.model = get_model(self.model_dir)
        self.worker = f"ray pid {os.getpid()}"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        events = []
        for kind, raw in zip(batch["kind"], batch["item"]):
            item = Item(**json.loads(raw))
            if kind == "skip":
                events.append(json.dumps({"skip": item.id}))
            else:
                rec = analyze_item(item, self.model)
                events.append(json.dumps({"record": rec, "worker": self.worker, "rss": peak_rss_mb()}))
        return {"event": np.array(events, dtype=object)}


def ray_engine(
    entries: list[FileEntry], model_dir: str, workers: int, skip: set[str], max_bytes: int
) -> Iterator[tuple]:
    """Events as the local engine yields them, computed on Ray."""
    try:
        import ray
        from ray.data import ActorPoolStrategy, DataContext
    except ImportError as e:
        raise SpinscanError("the Ray engine needs Ray: pip install 'spinscan[ray]' (or \"ray[data]\")") from e
    if not entries:
        return
    if not log.isEnabledFor(logging.INFO):  # Ray Data logs each execution plan at INFO; -v shows it
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    started = False
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        if address:
            log.info("connecting to the Ray cluster at %s", address)
            ray.init(address=address, logging_level=logging.WARNING)
        else:
            # the actors take one CPU each; one more is left for reading and parsing
            ray.init(
                num_cpus=workers + 1,
                object_store_memory=OBJECT_STORE_BYTES,
                include_dashboard=False,
                logging_level=logging.WARNING,
            )
        started = True
    try:
        DataContext.get_current().enable_progress_bars = False  # the CLI shows its own
        by_path = {e.path: e for e in entries} | {str(Path(e.path).resolve()): e for e in entries}
        cpus = int(ray.cluster_resources().get("CPU", workers))
        threads = threads_per_worker(workers) if not os.environ.get("RAY_ADDRESS") else 1
        ds = ray.data.read_binary_files([e.path for e in entries], include_paths=True)
        ds = ds.flat_map(_parse, fn_kwargs={"entries": by_path, "skip": skip, "max_bytes": max_bytes})
        # one JSON Lines file is one block after parsing: cut it so that every actor gets work
        ds = ds.repartition(target_num_rows_per_block=BATCH)
        ds = ds.map_batches(
            type("Analyzer", (Analyzer,), {"model_dir": model_dir, "threads": threads}),
            batch_size=BATCH,
            compute=ActorPoolStrategy(size=workers),
            num_cpus=1,
        )
        log.info("Ray: %d actors on a cluster of %d CPUs", workers, cpus)
        for row in ds.iter_rows():
            ev = json.loads(row["event"])
            if "skip" in ev:
                yield ("skip", ev["skip"])
            else:
                yield ("record", ev["record"], ev["worker"], ev["rss"])
    finally:
        if started:
            ray.shutdown()

"""The Ray engine: a local cluster with 2 workers gives exactly the local engine's results."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscan.corpus.batch import run_batch

from ..conftest import need_shared
from .test_batch import LEXICAL, N_GOOD, make_input, stored

pytestmark = pytest.mark.integration


def test_ray_local_cluster_equals_local_engine(tmp_path: Path, monkeypatch):
    need_shared()
    pytest.importorskip("ray")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # start a local cluster, never join another
    inp = make_input(tmp_path / "in.jsonl")
    folder = tmp_path / "corpus" / "outletX"  # a folder of .txt files too: read by Ray Data
    folder.mkdir(parents=True)
    for k, line in enumerate(inp.read_text(encoding="utf-8").splitlines()[:20]):
        if line.startswith('{"id": "en'):
            (folder / f"a{k}.txt").write_text(line[40:400], encoding="utf-8")
    inputs = [inp, tmp_path / "corpus"]
    local = run_batch(inputs, tmp_path / "local.sqlite", LEXICAL, workers=1)
    on_ray = run_batch(inputs, tmp_path / "ray.sqlite", LEXICAL, workers=2, engine="ray")
    assert on_ray.ok == local.ok >= N_GOOD and on_ray.errors == local.errors == 4
    assert on_ray.duplicates == local.duplicates == 1
    assert len(on_ray.workers) == 2 and all(w.startswith("ray pid") for w in on_ray.workers)
    assert stored(tmp_path / "ray.sqlite") == stored(tmp_path / "local.sqlite")
    # a rerun on Ray skips everything, as the local engine does
    again = run_batch(inputs, tmp_path / "ray.sqlite", LEXICAL, workers=2, engine="ray")
    assert (again.ok, again.errors, again.skipped) == (0, 0, local.ok + local.errors + 1)

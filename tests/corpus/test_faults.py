"""Faults of the store and the model directory: concurrent writers, a store that stops taking
writes, a truncated weights file. Each ends in one clear line, and nothing committed is lost."""

from __future__ import annotations

import json
import multiprocessing as mp
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinscan.cli import main
from spinscan.corpus.batch import run_batch
from spinscan.corpus.store import SqliteStore, connect
from spinscan.errors import ModelError, OutputError
from spinscan.models import load_model

from .test_batch import LEXICAL

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

SENTENCES = [
    "The council voted to close the bridge, and the mayor called it a betrayal of every family.",
    "Officials said the decision would be reviewed next year after a study of traffic in the city.",
]


def articles(path: Path, prefix: str, n: int) -> Path:
    rows = [
        {"id": f"{prefix}{k}", "text": f"Title {k}\n\n{SENTENCES[k % 2]} ({prefix} {k})", "lang": "en"}
        for k in range(n)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def _run(inp: str, db: str, q) -> None:
    s = run_batch([inp], db, LEXICAL)
    q.put((s.ok, s.errors))


def test_two_batches_writing_one_store_at_once_both_complete(tmp_path: Path):
    db = tmp_path / "c.sqlite"
    a, b = articles(tmp_path / "a.jsonl", "a", 60), articles(tmp_path / "b.jsonl", "b", 60)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_run, args=(str(x), str(db), q)) for x in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(q.get() for _ in procs) == [(60, 0), (60, 0)]
    con = connect(db, readonly=True)
    ids = [r[0] for r in con.execute("SELECT id FROM articles")]
    assert len(ids) == 120 == len(set(ids))
    assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2


def test_a_store_that_stops_taking_writes_stops_the_batch_and_keeps_its_rows(tmp_path: Path, monkeypatch):
    db, inp = tmp_path / "c.sqlite", articles(tmp_path / "a.jsonl", "a", 10)
    real = SqliteStore._add
    calls = {"n": 0}

    def failing(self, rec):
        calls["n"] += 1
        if calls["n"] > 4:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(self, rec)

    monkeypatch.setattr(SqliteStore, "_add", failing)
    with pytest.raises(
        OutputError, match="cannot write to the corpus database.*the 4 articles written before are kept"
    ):
        run_batch([inp], db, LEXICAL)
    r = CliRunner().invoke(main, ["batch", str(inp), "--db", str(tmp_path / "d.sqlite"), "--model", LEXICAL])
    assert r.exit_code == 2 and "readonly database" in r.stderr and "Traceback" not in r.output
    assert connect(db, readonly=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 4
    monkeypatch.setattr(SqliteStore, "_add", real)  # fixed: the same command finishes the rest
    s = run_batch([inp], db, LEXICAL)
    assert (s.ok, s.skipped) == (6, 4)


def test_a_truncated_or_missing_weights_file_is_one_line_naming_it(tmp_path: Path):
    model = tmp_path / "lexical"
    shutil.copytree(LEXICAL, model)
    weights = model / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelError, match="weights.safetensors"):
        load_model(model)
    r = CliRunner().invoke(main, ["analyze", "--model", str(model), "-"], input="Title\n\nSome text here.\n")
    assert r.exit_code == 2 and "weights.safetensors" in r.stderr and r.stderr.count("\n") == 1
    weights.unlink()
    with pytest.raises(ModelError, match="weights.safetensors"):
        load_model(model)


@pytest.mark.parametrize("once", [True, False])
def test_a_worker_killed_mid_batch_is_recorded_and_its_article_retried(tmp_path: Path, monkeypatch, once):
    """A worker process that dies (here: exits as if killed while on article k3) breaks its pool:
    a new pool takes over and every article it held is tried once more. Killed once, the article
    is analysed on its second try; killed every time, it is a ``worker_died`` row; either way the
    other articles are all stored, once."""
    from spinscan.corpus.engines.local import KILL_ENV

    inp, db = articles(tmp_path / "in.jsonl", "k", 8), tmp_path / "c.sqlite"
    monkeypatch.setenv(KILL_ENV, "k3:once" if once else "k3")
    monkeypatch.setenv(KILL_ENV + "_MARKER", str(tmp_path / "killed-once"))
    s = run_batch([inp], db, LEXICAL, workers=2)
    con = sqlite3.connect(db)
    got = dict(con.execute("SELECT id, COALESCE(error_code, status) FROM articles").fetchall())
    assert sorted(got) == [f"k{k}" for k in range(8)]
    assert (tmp_path / "killed-once").is_file()  # a worker did die
    if once:
        assert set(got.values()) == {"ok"} and (s.ok, s.errors) == (8, 0)
    else:
        assert got.pop("k3") == "worker_died" and set(got.values()) == {"ok"} and s.errors == 1

"""Batch runs on real articles: kill -9 in the middle, rerun, and nothing is lost or doubled."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinscan.analysis import default_lexical_path
from spinscan.cli import main

from ..conftest import DATA, EXAMPLE, need_shared

pytestmark = pytest.mark.integration
LEXICAL = str(default_lexical_path())
N_GOOD = 240


def make_input(path: Path, n: int = N_GOOD) -> Path:
    """Real train articles with invented outlets and dates, plus bad items of every kind."""
    from spinscan.semeval.data import Dataset

    ds = Dataset(DATA)
    rows = []
    for k in range(n):
        lang = ("en", "fr", "it", "ru", "po", "ge")[k % 6]
        a = ds.articles(lang, "train", 3, gold=False)[k // 6]
        rows.append(json.dumps({"id": f"{lang}{a.id}", "text": a.text, "lang": lang,
                                "source": f"outlet{k % 3}", "date": f"2022-{1 + k % 4:02d}-15"}))  # fmt: skip
    rows[7:7] = ['{"id": "broken', json.dumps({"id": "empty", "text": " \n "})]
    rows.append(json.dumps({"id": "xx", "text": "Some text.", "lang": "xx"}))
    rows.append(json.dumps({"id": "long", "text": "word " * 1_200_000}))
    rows.append(rows[0])  # a duplicate id
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def batch_cmd(inp: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "spinscan", "batch", str(inp), "--out", str(out), "--model", LEXICAL,
            "--json", *extra]  # fmt: skip


def stored(out: Path) -> dict[str, tuple]:
    """id -> what was stored (labels, frames, spans, rounded scores), from either store."""
    if out.suffix == ".jsonl":
        recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        ids = [r["id"] for r in recs]
        assert len(ids) == len(set(ids)), "a record is duplicated"
        return {r["id"]: _key(r["status"], r["analysis"]) for r in recs}
    con = sqlite3.connect(out)
    rows = con.execute("SELECT id, status, analysis FROM articles").fetchall()
    assert len(rows) == len({r[0] for r in rows}), "a record is duplicated"
    return {i: _key(s, json.loads(a) if a else None) for i, s, a in rows}


def _key(status: str, a: dict | None) -> tuple:
    if a is None:
        return (status,)
    paras = tuple(
        (
            p["line_no"],
            tuple(p["techniques"]),
            tuple((s["technique"], s["start"], s["end"]) for s in p["spans"]),
        )
        for p in a["paragraphs"]
    )
    return (status, a["genre"], tuple(a["frames"]), round(a["genre_scores"][a["genre"]], 3), paras)


def count_done(out: Path) -> int:
    if not out.exists():
        return 0
    if out.suffix == ".jsonl":
        return out.read_bytes().count(b"\n")
    try:
        con = sqlite3.connect(f"file:{out}?mode=ro", uri=True, timeout=1)
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_midway(cmd: list[str], out: Path, after: int) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while count_done(out) < after and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, as a crash would
    proc.wait()


@pytest.mark.parametrize("store,workers", [("sqlite", "2"), ("jsonl", "1")])
def test_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, store: str, workers: str):
    need_shared()
    inp = make_input(tmp_path / "in.jsonl")
    killed, clean = tmp_path / f"killed.{store}", tmp_path / f"clean.{store}"
    kill_midway(batch_cmd(inp, killed, "-j", workers), killed, after=40)
    partial = count_done(killed)
    assert 40 <= partial < N_GOOD
    rerun = subprocess.run(batch_cmd(inp, killed, "-j", workers), capture_output=True, text=True, check=True)
    summary = json.loads(rerun.stdout)
    assert summary["skipped"] >= 40 and summary["ok"] + summary["errors"] + summary["skipped"] == N_GOOD + 5
    full = subprocess.run(batch_cmd(inp, clean, "-j", workers), capture_output=True, text=True, check=True)
    s_full = json.loads(full.stdout)
    assert (s_full["ok"], s_full["errors"], s_full["duplicates"]) == (N_GOOD, 4, 1)
    assert len(s_full["peak_rss_mb"]) == int(workers) and all(v > 50 for v in s_full["peak_rss_mb"].values())
    a, b = stored(killed), stored(clean)
    assert len(a) == N_GOOD + 4 and a == b
    # and a third run has nothing left to do
    again = json.loads(
        subprocess.run(batch_cmd(inp, killed), capture_output=True, text=True, check=True).stdout
    )
    assert (again["ok"], again["errors"], again["skipped"]) == (0, 0, N_GOOD + 5)  # the duplicate too


def test_error_rows_keep_their_reason_and_stats_read_the_store(tmp_path: Path):
    need_shared()
    inp = make_input(tmp_path / "in.jsonl", n=30)
    db = tmp_path / "c.sqlite"
    r = CliRunner().invoke(main, ["batch", str(inp), "--db", str(db), "--model", LEXICAL, "--json"])
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(db)
    errors = dict(con.execute("SELECT id, error FROM articles WHERE status = 'error'").fetchall())
    assert set(errors) == {f"{inp}:8", "empty", "xx", "long"}
    assert "not valid JSON" in errors[f"{inp}:8"] and "empty" in errors["empty"]
    assert "unknown language code 'xx'" in errors["xx"] and "more than the limit" in errors["long"]
    # each row carries the stable code of its error, the one the CLI's JSON and the API use
    codes = dict(con.execute("SELECT id, error_code FROM articles WHERE status = 'error'").fetchall())
    assert codes == {f"{inp}:8": "invalid_input", "empty": "invalid_input", "xx": "unsupported_language",
                     "long": "invalid_input"}  # fmt: skip
    n_tech = con.execute("SELECT COUNT(*) FROM techniques").fetchone()[0]
    n_spans = con.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    assert n_tech > 30 and n_spans >= n_tech  # every labelled paragraph technique has a span
    out = CliRunner().invoke(main, ["stats", "--db", str(db), "--by", "source", "--json"])
    t = json.loads(out.output)
    assert t["groups"] == ["outlet0", "outlet1", "outlet2"] and sum(t["articles"]) == 30
    assert "Loaded_Language" in t["labels"]
    chart = tmp_path / "ll.png"
    out = CliRunner().invoke(main, ["stats", "--db", str(db), "--by", "month", "--technique", "Doubt",
                                    "--chart", str(chart)])  # fmt: skip
    assert out.exit_code == 0 and "2022-01" in out.output and chart.read_bytes()[:4] == b"\x89PNG"
    out = CliRunner().invoke(main, ["stats", "--db", str(db), "--errors"])
    assert "4 articles recorded as errors" in out.output
    out = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "none.sqlite")])
    assert out.exit_code == 2 and "no such corpus database" in out.output


def test_default_model_batch_of_a_folder(tmp_path: Path):
    """The default (encoder) model through the batch path: a folder with an outlet sub-folder."""
    need_shared()
    folder = tmp_path / "corpus" / "mailonline"
    folder.mkdir(parents=True)
    (folder / "putin.txt").write_bytes(EXAMPLE.read_bytes())
    (folder / "empty.txt").write_text("")
    out = tmp_path / "r.jsonl"
    r = CliRunner().invoke(main, ["batch", str(tmp_path / "corpus"), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    recs = {x["id"]: x for x in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert recs["mailonline/empty"]["status"] == "error"
    ok = recs["mailonline/putin"]
    assert (
        ok["status"] == "ok" and ok["source"] == "mailonline" and ok["model"].startswith("spinscan-encoder")
    )
    a = ok["analysis"]
    assert a["lang"] == "en" and any(p["spans"] for p in a["paragraphs"])
    text = ok["text"]
    for p in a["paragraphs"]:
        for s in p["spans"]:
            assert p["start"] <= s["start"] < s["end"] <= p["end"] and text[s["start"] : s["end"]].strip()

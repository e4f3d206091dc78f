"""CLI faults of the hostile trial (issue 28): exit codes, one-line usage errors, checked ports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinscan.analysis import default_lexical_path
from spinscan.cli import main

LEXICAL = str(default_lexical_path())


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def one_error_line(r) -> str:
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert "Traceback" not in r.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["analyze", "--no-such-option", "x.txt"], "no-such-option"),
        (["analyze"], "FILES"),
        (["stats"], "--db"),
        (["analyze", "--max-bytes", "-5", "x.txt"], "-5"),
        (["analyze", "--max-bytes", "lots", "x.txt"], "lots"),
        (["serve", "--port", "99999"], "99999"),
        (["nosuchcommand"], "nosuchcommand"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(args, says):
    r = run(*args)
    assert r.exit_code == 2
    assert says in one_error_line(r)


def test_help_and_version_still_exit_0():
    assert run("-h").exit_code == 0 and "analyze" in run("-h").output
    assert run("analyze", "-h").exit_code == 0
    assert run("--version").exit_code == 0


def test_serve_on_a_bad_or_busy_port_exits_2_with_one_line_before_any_banner():
    cmd = [sys.executable, "-m", "spinscan", "serve", "--model", LEXICAL]
    r = subprocess.run([*cmd, "--port", "99999"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "99999" in r.stderr, r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([*cmd, "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "cannot listen" in r.stderr and "http://" not in r.stderr


def test_a_batch_whose_every_article_fails_exits_non_zero(tmp_path: Path):
    inp = tmp_path / "bad.jsonl"
    inp.write_text(
        "\n".join(json.dumps({"id": f"b{k}", "text": " \n "}) for k in range(3)) + "\n", encoding="utf-8"
    )
    out = tmp_path / "x.jsonl"
    r = run("batch", str(inp), "--out", str(out), "--model", LEXICAL)
    assert r.exit_code == 1, r.output
    assert "every article failed" in r.stderr
    assert "stats --db" not in r.stderr and '"status": "error"' in r.stderr  # a hint that works on JSONL
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3 and {x["status"] for x in lines} == {"error"}
    # one good article among the bad: the run worked, the failures are stored
    good = "Council approves the budget\n\nThe council approved the new budget on Monday after a debate.\n"
    inp.write_text(inp.read_text() + json.dumps({"id": "g", "text": good, "lang": "en"}) + "\n")
    r = run("batch", str(inp), "--db", str(tmp_path / "c.sqlite"), "--model", LEXICAL)
    assert r.exit_code == 0 and "stats --db" in r.stderr


def test_a_missing_results_folder_is_named_by_both_spellings(tmp_path: Path):
    r = run("batch", str(tmp_path), "--db", str(tmp_path / "no" / "c.sqlite"))
    assert r.exit_code == 2 and "--db/--out" in one_error_line(r)


def test_plain_text_is_stored_with_its_title_and_extract_names_the_language(tmp_path: Path):
    import sqlite3

    folder = tmp_path / "in"
    folder.mkdir()
    text = (
        "Council approves the budget\n\nThe council approved the new budget on Monday after a long debate.\n"
    )
    (folder / "a.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "c.sqlite"
    r = run("batch", str(folder), "--db", str(db), "--model", LEXICAL)
    assert r.exit_code == 0, r.output
    titles = sqlite3.connect(db).execute("SELECT title FROM articles").fetchall()
    assert titles == [("Council approves the budget",)]
    d = json.loads(run("extract", "--json", str(folder / "a.txt")).stdout)
    assert d["title"] == "Council approves the budget"
    assert d["lang"] == "en" and d["lang_from"].startswith("identified")
    (folder / "pt.txt").write_text("O conselho aprovou o novo orçamento na segunda-feira depois de um longo "
                                   "debate entre os vereadores da cidade.\n", encoding="utf-8")  # fmt: skip
    assert json.loads(run("extract", "--json", str(folder / "pt.txt")).stdout)["lang"] == "pt"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--max-body", "-1"], "--max-body"),
        (["serve", "--max-batch", "0"], "--max-batch"),
        (["suggest", "--n", "0", "x.txt", "--out", "o.json"], "--n"),
        (["learn", "x.json", "--out", "m", "--epochs", "-1"], "--epochs"),
        (["train", "--epochs", "-1", "--out", "m"], "--epochs"),
        (["watch", "--every", "nan", "--db", "w.sqlite", "http://example.com/feed"], "--every"),
        (["watch", "--every", "inf", "--db", "w.sqlite", "http://example.com/feed"], "--every"),
        (
            ["watch", "--once", "--contact", "\u00e9\u00e9", "--db", "w.sqlite", "http://example.com/f"],
            "--contact",
        ),
        (["watch", "--once", "--delay", "-1", "--db", "w.sqlite", "http://example.com/f"], "--delay"),
    ],
)
def test_hostile_trial_values_are_one_line_before_any_work(args, says, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 2 and says in one_error_line(r)


def test_a_device_without_end_is_read_only_up_to_the_limit():
    r = run("extract", "/dev/zero")
    assert r.exit_code == 2 and "limit" in one_error_line(r)


def test_help_lists_commands_by_task_with_whole_summaries():
    out = run("-h").output
    for section in ("Analyse articles:", "Corpora over time:", "Annotate and learn:", "Research:"):
        assert section in out
    assert "..." not in out.split("Analyse articles:")[1]
    assert "\\\n" in run("train", "-h").output.replace(" \\\n", "\\\n")  # the examples keep their line breaks


def test_a_language_name_gets_a_did_you_mean(tmp_path):
    r = run("analyze", "--lang", "english", str(tmp_path / "x.txt"))
    line = one_error_line(r)
    assert r.exit_code == 2 and "did you mean en (English)?" in line and len(line) < 200


def test_a_mistyped_scheme_is_one_line_naming_it_once(tmp_path):
    r = run("extract", "htps://example.com/story")
    line = one_error_line(r)
    assert line.count("htps://example.com/story") == 1 and "https://" in line


def test_a_batch_of_an_empty_folder_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("batch", str(tmp_path / "empty"), "--db", str(tmp_path / "c.sqlite"), "--model", LEXICAL)
    assert r.exit_code == 2 and "no article file" in one_error_line(r)


def test_a_given_language_that_is_plainly_wrong_is_warned_of(tmp_path):
    text = ("Council vote\n\nThe city council voted on Monday to approve a new budget for schools, roads and "
            "hospitals after a long debate that lasted well into the night and divided the members.\n")  # fmt: skip
    f = tmp_path / "a.txt"
    f.write_text(text)
    r = run("analyze", "--lang", "de", "--json", "--model", LEXICAL, str(f))
    assert r.exit_code == 0 and "warning:" in r.stderr and "reads as English" in r.stderr
    assert "reads as English" in json.loads(r.stdout)["lang_note"]
    r = run("analyze", "--lang", "en", "--json", "--model", LEXICAL, str(f))
    assert "warning" not in r.stderr and json.loads(r.stdout)["lang_note"] is None

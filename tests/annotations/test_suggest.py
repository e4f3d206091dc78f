"""`spinscan suggest` and `analyze --format`: the next round of annotation starts from the model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from spinscan.analysis import default_lexical_path
from spinscan.annotations import read_annotations
from spinscan.annotations.suggest import Candidate, choose
from spinscan.cli import main
from spinscan.types import Analysis, ParagraphResult

LEXICAL = str(default_lexical_path())


def cand(name: str, scores: list[float], genre: tuple[float, float], vec: list[float]) -> Candidate:
    paras = [
        ParagraphResult(k, 0, 1, "x", [], {"Doubt": s, "Slogans": 0.0}, []) for k, s in enumerate(scores, 1)
    ]
    a = Analysis(lang="en", lang_detected=True, genre="opinion",
                 genre_scores={"opinion": genre[0], "reporting": genre[1], "satire": 0.0}, frames=[],
                 frame_scores={}, paragraphs=paras, model={}, id=name)  # fmt: skip
    return Candidate(a, "x", np.array(vec, float), {"Doubt": 0.3, "Slogans": 0.3})


def test_unsure_articles_first_and_a_second_copy_of_a_story_later():
    sure = cand("sure", [0.9, 0.02, 0.01], (0.95, 0.05), [1, 0, 0])
    unsure = cand("unsure", [0.28, 0.33, 0.25], (0.5, 0.45), [0, 1, 0])
    copy = cand("copy", [0.28, 0.33, 0.25], (0.5, 0.45), [0, 1, 0.01])  # the same story again
    other = cand("other", [0.27, 0.9, 0.0], (0.6, 0.35), [0, 0, 1])
    got = choose([sure, unsure, copy, other], 3)
    assert [c.analysis.id for c in got] == ["unsure", "other", "copy"]
    assert "unsure on 3 of 3 paragraphs (Doubt near their thresholds)" in got[0].reason
    assert "genre opinion 0.50 or reporting 0.45" in got[0].reason
    assert "close to the articles before it" in got[2].reason and "unlike" in got[1].reason
    # articles annotated already count: a candidate like them waits
    later = choose([cand("u", [0.3], (0.5, 0.45), [0, 1, 0]), cand("o", [0.3], (0.5, 0.45), [0, 0, 1])], 1,
                   annotated=np.array([[0, 1, 0]], float))  # fmt: skip
    assert [c.analysis.id for c in later] == ["o"]


ARTICLES = [
    ("a1", "Vote today\n\nThe corrupt elite betrayed the nation again, as always.\n\nThey lie."),
    ("a2", "Budget\n\nThe council approved the budget on Monday after a short debate."),
    ("a3", "Traitors\n\nOnly traitors would vote for this shameful plan. Wake up!\n\nEnough."),
]


def test_suggest_writes_label_studio_tasks_and_doccano_rows_that_read_back(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t, "lang": "en"}) + "\n" for i, t in ARTICLES))
    out = tmp_path / "next.json"
    r = CliRunner().invoke(
        main, ["suggest", str(src), "--n", "2", "--model", LEXICAL, "--out", str(out), "--json"]
    )
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["rank"] for x in lines] == [1, 2] and all(x["reason"] for x in lines)
    tasks = json.loads(out.read_text())
    assert len(tasks) == 2 and tasks[0]["predictions"][0]["model_version"].startswith("spinscan-lexical")
    # accepted as they are, the predictions read back as annotations with the same spans
    for t in tasks:
        t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"]}]
    (tmp_path / "accepted.json").write_text(json.dumps(tasks))
    back = read_annotations([tmp_path / "accepted.json"])
    assert {a.id for a in back} == {x["id"] for x in lines}
    # what is annotated already is left out
    r = CliRunner().invoke(main, ["suggest", str(src), "--n", "5", "--model", LEXICAL, "--json",
                                  "--annotated", str(tmp_path / "accepted.json")])  # fmt: skip
    assert {json.loads(x)["id"] for x in r.stdout.splitlines()} == {i for i, _ in ARTICLES} - {
        a.id for a in back
    }
    r = CliRunner().invoke(main, ["suggest", str(src), "--model", LEXICAL, "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and ".json (Label Studio) or .jsonl (doccano)" in r.stderr


def test_analyze_writes_label_studio_and_doccano_for_correction(tmp_path: Path):
    f = tmp_path / "a.txt"
    body = "The corrupt elite betrayed the nation again, as always. Traitors! Shame on these criminals."
    f.write_text(f"Vote 🗳 today\n\n{body}\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["analyze", "--model", LEXICAL, "--format", "label-studio", str(f)])
    assert r.exit_code == 0, r.output
    (task,) = json.loads(r.stdout)
    text = task["data"]["text"]  # Label Studio's editor counts code points, as Python does
    regions = [x["value"] for x in task["predictions"][0]["result"] if x["type"] == "labels"]
    assert regions and all(text[v["start"] : v["end"]] == v["text"] for v in regions)
    assert all(v["start"] >= len("Vote 🗳 today\n\n") for v in regions)  # (after the emoji: not shifted)
    r = CliRunner().invoke(main, ["analyze", "--model", LEXICAL, "--format", "doccano", str(f)])
    row = json.loads(r.stdout)
    assert row["label"] and all(row["text"][s:e] == body for s, e, _ in row["label"]) and "cats" not in row
    assert set(row["meta"]["spinscan"]) == {"genre", "frames", "model"}  # a guess, never gold


def test_a_store_exports_its_analyses_as_tasks_that_read_back_exactly(tmp_path: Path):
    from spinscan.corpus.batch import run_batch

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t, "lang": "en"}) + "\n" for i, t in ARTICLES))
    db = tmp_path / "c.sqlite"
    run_batch([src], db, LEXICAL)
    stored = {}
    import sqlite3

    for aid, analysis in sqlite3.connect(db).execute("SELECT id, analysis FROM articles WHERE status = 'ok'"):
        a = json.loads(analysis)
        stored[aid] = {(s["technique"], s["start"], s["end"]) for p in a["paragraphs"] for s in p["spans"]}
    for fmt, name in (("label-studio", "tasks.json"), ("doccano", "rows.jsonl")):
        out = tmp_path / name
        r = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, "--out", str(out)])
        assert r.exit_code == 0 and "3 articles written" in r.stderr, r.output
        if fmt == "label-studio":
            tasks = json.loads(out.read_text())
            for t in tasks:
                t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"]}]
            out.write_text(json.dumps(tasks))
        back = {a.id: {(s.technique, s.start, s.end) for s in a.spans} for a in read_annotations([out])}
        assert back == stored and any(back.values())

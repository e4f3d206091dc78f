"""Narrative and entity-role heads (SemEval-2025 Task 10) learnt on the default model from a few
articles of the training release, then used everywhere: analyze's JSON and report, the official
files, the scorer; a language the heads never read is marked zero-shot for them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinscan.cli import main

from ..conftest import SHARED, need_shared

pytestmark = pytest.mark.integration
T10 = SHARED / "data" / "semeval2025t10" / "train"


def test_narrative_heads_are_learnt_used_and_scored_in_the_official_files(tmp_path: Path):
    need_shared()
    out = tmp_path / "narr"
    r = CliRunner().invoke(main, ["train", "--kind", "narratives", "--data", str(T10), "--out", str(out),
                                  "--max-articles", "8"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "majority baseline" in r.output
    config = json.loads((out / "config.json").read_text())
    assert config["narratives"]["languages"] == ["bg", "en", "hi", "pt", "ru"]
    report = json.loads((out / "metrics.json").read_text())["narratives"]
    assert report["articles"] == 40 and set(report["cross_validated"]) == {
        "BG",
        "EN",
        "HI",
        "PT",
        "RU",
        "mean",
    }
    roles = json.loads((out / "metrics.json").read_text())["entity_roles"]
    assert roles["mentions"] > 20 and 0 <= roles["cross_validated"]["mean"]["main_role_accuracy"] <= 1
    assert "majority_baseline" in roles and config["roles"]["fine_threshold"] == roles["fine_threshold"]
    card = (out / "README.md").read_text()
    assert "## Narratives (SemEval-2025 Task 10" in card and "## Entity roles (SemEval-2025 Task 10" in card
    names = json.loads((out / "entities.json").read_text())
    name = next(n for n in sorted(names, key=len, reverse=True) if n.isascii())
    text = f"Russia is the victim\n\nThe West provoked the war, {name} said, and {name} lied again.\n"
    (tmp_path / "a.txt").write_text(text)
    r = CliRunner().invoke(
        main, ["analyze", "--model", str(out), "--lang", "en", "--json", str(tmp_path / "a.txt")]
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["narratives"] and got["subnarratives"] and "narratives" not in got["zero_shot_heads"]
    assert set(got["narrative_scores"]) >= {n for n in got["narratives"] if n != "Other"}
    cast = next(e for e in got["entities"] if e["entity"] == name)
    assert [text[s:e] for s, e in cast["mentions"]] == [name, name]
    assert cast["main_role"] in ("Protagonist", "Antagonist", "Innocent") and cast["fine_roles"]
    r = CliRunner().invoke(main, ["analyze", "--model", str(out), "--lang", "en", str(tmp_path / "a.txt")])
    assert "Cast: " in r.stdout and "Narratives: " in r.stdout
    r = CliRunner().invoke(
        main, ["analyze", "--model", str(out), "--lang", "fr", "--json", str(tmp_path / "a.txt")]
    )
    assert {"narratives", "entity roles"} <= set(json.loads(r.stdout)["zero_shot_heads"])  # none in French
    # the official files: a small release of two English articles, predicted and scored by id
    rel = tmp_path / "rel" / "EN"
    (rel / "raw-documents").mkdir(parents=True)
    mentions = (T10 / "EN" / "subtask-1-annotations.txt").read_text().splitlines()
    ids = list(dict.fromkeys(x.split("\t")[0] for x in mentions))[:2]
    lines = [
        x
        for x in (T10 / "EN" / "subtask-2-annotations.txt").read_text().splitlines()
        if x.split("\t")[0] in ids
    ]
    for i in ids:
        shutil.copy(T10 / "EN" / "raw-documents" / i, rel / "raw-documents")
    (rel / "subtask-2-annotations.txt").write_text("\n".join(lines) + "\n")
    (rel / "subtask-1-annotations.txt").write_text(
        "\n".join(x for x in mentions if x.split("\t")[0] in ids) + "\n"
    )
    pred = tmp_path / "pred"
    r = CliRunner().invoke(main, ["predict", "--task", "narratives", "--model", str(out), "--data",
                                  str(tmp_path / "rel"), "--out", str(pred)])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = (pred / "EN" / "subtask-2.txt").read_text().splitlines()
    assert len(rows) == 2 and all(len(x.split("\t")) == 3 for x in rows)
    given = [x.split("\t")[:4] for x in mentions if x.split("\t")[0] in ids]
    assert [x.split("\t")[:4] for x in (pred / "EN" / "subtask-1.txt").read_text().splitlines()] == given
    r = CliRunner().invoke(main, ["evaluate", "--task", "narratives", "--data", str(tmp_path / "rel"),
                                  "--pred", str(pred), "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    scores = json.loads(r.stdout)["EN"]
    assert 0 <= scores["narratives_f1"] <= 1 and 0 <= scores["subnarratives_f1"] <= 1
    assert 0 <= scores["main_role_accuracy"] <= 1 and 0 <= scores["fine_role_emr"] <= 1
    # the shipped model has the heads; a model without them (the lexical one) is one clear line
    r = CliRunner().invoke(main, ["predict", "--task", "narratives", "--data", str(tmp_path / "rel"), "--out",
                                  str(tmp_path / "p2")])  # fmt: skip
    assert r.exit_code == 0 and (tmp_path / "p2" / "EN" / "subtask-1.txt").is_file(), r.output
    lexical = Path(__file__).parents[2] / "src" / "spinscan" / "pretrained" / "lexical-0.1"
    r = CliRunner().invoke(main, ["predict", "--task", "narratives", "--model", str(lexical), "--data",
                                  str(tmp_path / "rel"), "--out", str(tmp_path / "p3")])  # fmt: skip
    assert r.exit_code == 2 and "no narrative and role heads" in r.stderr

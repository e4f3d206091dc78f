"""Narrative heads (SemEval-2025 Task 10 subtask 2) learnt on the default model from a few
articles of the training release, then used everywhere: analyze's JSON, the official files,
the scorer; a language the heads never read is marked zero-shot for them."""

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
    assert "## Narratives (SemEval-2025 Task 10" in (out / "README.md").read_text()
    text = (
        "Russia is the victim\n\nThe West provoked the war and Ukraine is run by nazis, the minister said.\n"
    )
    (tmp_path / "a.txt").write_text(text)
    r = CliRunner().invoke(
        main, ["analyze", "--model", str(out), "--lang", "en", "--json", str(tmp_path / "a.txt")]
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["narratives"] and got["subnarratives"] and "narratives" not in got["zero_shot_heads"]
    assert set(got["narrative_scores"]) >= {n for n in got["narratives"] if n != "Other"}
    r = CliRunner().invoke(
        main, ["analyze", "--model", str(out), "--lang", "fr", "--json", str(tmp_path / "a.txt")]
    )
    assert "narratives" in json.loads(r.stdout)["zero_shot_heads"]  # French taught no narrative head
    # the official files: a small release of two English articles, predicted and scored by id
    rel = tmp_path / "rel" / "EN"
    (rel / "raw-documents").mkdir(parents=True)
    lines = (T10 / "EN" / "subtask-2-annotations.txt").read_text().splitlines()[:2]
    for line in lines:
        shutil.copy(T10 / "EN" / "raw-documents" / line.split("\t")[0], rel / "raw-documents")
    (rel / "subtask-2-annotations.txt").write_text("\n".join(lines) + "\n")
    pred = tmp_path / "pred"
    r = CliRunner().invoke(main, ["predict", "--task", "narratives", "--model", str(out), "--data",
                                  str(tmp_path / "rel"), "--out", str(pred)])  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = (pred / "EN" / "subtask-2.txt").read_text().splitlines()
    assert len(rows) == 2 and all(len(x.split("\t")) == 3 for x in rows)
    r = CliRunner().invoke(main, ["evaluate", "--task", "narratives", "--data", str(tmp_path / "rel"),
                                  "--pred", str(pred), "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    scores = json.loads(r.stdout)["EN"]
    assert 0 <= scores["narratives_f1"] <= 1 and 0 <= scores["subnarratives_f1"] <= 1
    r = CliRunner().invoke(main, ["predict", "--task", "narratives", "--data", str(tmp_path / "rel"), "--out",
                                  str(tmp_path / "p2")])  # fmt: skip
    assert r.exit_code == 2 and "no narrative heads" in r.stderr  # the default model has none

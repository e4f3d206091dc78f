"""SemEval-2025 Task 10's layout: end-inclusive offsets (CR counted) converted at the edge,
prediction files written and read back, the official measures paired by article id."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscan.errors import DataError
from spinscan.semeval.t10 import (
    Mention,
    T10Article,
    read_release,
    read_subtask2,
    role_scores,
    samples_f1,
    score_narratives,
    write_subtask1,
    write_subtask2,
)
from spinscan.training.narratives import Taxonomy, decide

TEXT = "Putin called them scum.\r\nThe West is weak, said Lavrov.\r\n"


def release(tmp_path: Path) -> Path:
    d = tmp_path / "EN"
    (d / "raw-documents").mkdir(parents=True)
    (d / "raw-documents" / "EN_1.txt").write_bytes(TEXT.encode())
    (d / "raw-documents" / "EN_2.txt").write_bytes(b"Nothing here.\n")
    lavrov = TEXT.index("Lavrov")
    (d / "subtask-1-annotations.txt").write_text(
        f"EN_1.txt\tPutin\t0\t4\tAntagonist\tTyrant\n"
        f"EN_1.txt\tLavrov\t{lavrov}\t{lavrov + 5}\tAntagonist\tDeceiver\tInstigator\n"
    )
    (d / "subtask-2-annotations.txt").write_text(
        "EN_1.txt\tURW: Praise of Russia;URW: Praise of Russia\tURW: Praise of Russia: Other\n"
        "EN_2.txt\tOther\tOther\n"
    )
    return tmp_path


def test_offsets_are_end_exclusive_here_and_count_the_cr(tmp_path):
    arts = {a.id: a for a in read_release(release(tmp_path))}
    a = arts["EN_1.txt"]
    assert "\r\n" in a.text and [a.text[m.start : m.end] for m in a.mentions] == ["Putin", "Lavrov"]
    assert a.mentions[1].fine_roles == ["Deceiver", "Instigator"] and a.mentions[0].main_role == "Antagonist"
    assert a.narratives == ["URW: Praise of Russia"]  # (the repeated narrative counted once)
    out = tmp_path / "s1.txt"
    write_subtask1(out, [(a.id, m) for m in a.mentions])
    assert out.read_text().splitlines()[0] == "EN_1.txt\tPutin\t0\t4\tAntagonist\tTyrant"  # inclusive again


def test_a_mention_outside_its_text_or_a_broken_row_is_one_error(tmp_path):
    root = release(tmp_path)
    (root / "EN" / "subtask-1-annotations.txt").write_text("EN_1.txt\tPutin\t0\t999\tAntagonist\tTyrant\n")
    with pytest.raises(DataError, match="lies outside EN_1.txt"):
        read_release(root)
    (root / "EN" / "subtask-1-annotations.txt").write_text("EN_9.txt\tPutin\n")
    with pytest.raises(DataError, match="subtask-1-annotations.txt:1"):
        read_release(root)


def test_scores_pair_articles_by_id_not_by_line_order(tmp_path):
    gold = read_release(release(tmp_path))
    pred = tmp_path / "EN" / "p.txt"
    write_subtask2(
        pred,
        [("EN_2.txt", [], []), ("EN_1.txt", ["URW: Praise of Russia"], ["URW: Praise of Russia: Other"])],
    )
    got = read_subtask2(pred)
    assert got["EN_2.txt"] == (["Other"], ["Other"])  # none written as Other
    assert score_narratives(gold, got) == {"narratives_f1": 1.0, "subnarratives_f1": 1.0}
    assert samples_f1({"a": ["x", "y"], "b": ["z"]}, {"a": ["x"]}) == pytest.approx((2 / 3 + 0) / 2)
    g = {("a", 0, 5): Mention("Putin", 0, 5, "Antagonist", ["Tyrant", "Deceiver"])}
    assert role_scores(g, {("a", 0, 5): Mention("Putin", 0, 5, "Antagonist", ["Deceiver", "Tyrant"])}) == {
        "main_role_accuracy": 1.0, "fine_role_emr": 1.0}  # fmt: skip
    assert role_scores(g, {}) == {"main_role_accuracy": 0.0, "fine_role_emr": 0.0}


def test_the_taxonomy_decides_subnarratives_under_their_narratives(tmp_path):
    (tmp_path / "subtask2_narratives.txt").write_text("URW: A\nURW: B\nOther\n")
    (tmp_path / "subtask2_subnarratives.txt").write_text("URW: A: a1\nURW: A: Other\nURW: B: b1\nOther\n")
    tax = Taxonomy.from_files(tmp_path)
    assert tax.narratives == ["URW: A", "URW: B"] and tax.subnarratives == ["URW: A: a1", "URW: B: b1"]
    assert decide(tax, [0.9, 0.1], [0.2, 0.9], 0.5, 0.5) == (
        ["URW: A"],
        ["URW: A: Other"],
    )  # b1's parent is out
    assert decide(tax, [0.9, 0.6], [0.7, 0.9], 0.5, 0.5) == (
        ["URW: A", "URW: B"],
        ["URW: A: a1", "URW: B: b1"],
    )
    assert decide(tax, [0.1, 0.1], [0.9, 0.9], 0.5, 0.5) == (["Other"], ["Other"])
    assert T10Article("x", "EN", "t").mentions == []

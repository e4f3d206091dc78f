"""Genre outside SemEval and English: genre-multi read as inference sees text, the paragraph cue
heads, and the genre head that reads them (integration: ``train --kind genre --multi``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinscan.models.cues import CUES, FEATURES, CueHeads, article_features, evidence
from spinscan.models.heads import LinearHead
from spinscan.training import multi
from spinscan.training.cues import CueData, choose_cues
from spinscan.training.states import batches
from spinscan.types import Article


def write_multi(folder: Path, n: int = 12) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fr, ro, ct = [], [], []
    for i in range(n):
        sat = i % 2 == 0
        split = "train" if i < n * 2 // 3 else "test"
        fr.append({"id": f"fresada:{split}:{i}", "lang": "fr", "label": "satire" if sat else "reporting",
                   "title": "Le Gorafi révèle tout" if sat else "Le HuffPost rapporte",
                   "text": f"Selon Le Gorafi, un homme {i}.\nVoir https://www.gorafi.fr/a{i}\nTroisième ligne.",
                   "split": split})  # fmt: skip
        ro.append({"id": f"selerosa:{i}", "lang": "ro", "label": "satire" if sat else "reporting",
                   "text": f"<PERSON> și <PERSON> au spus că <GPE> {i} (<PERSON>, <PERSON>) @URL.",
                   "split": "train" if i < n - 3 else "test", "news_id": i // 2, "satire_votes": 3 if sat else 0})  # fmt: skip
        for lang in ("de", "en"):
            ct.append({"id": f"ct25t1:{lang}:{i}", "lang": lang, "label": "SUBJ" if sat else "OBJ",
                       "text": f"Satz {i}.", "split": "dev_test" if i >= n - 4 else "train"})  # fmt: skip
    for name, rows in (("fresada", fr), ("selerosa", ro), ("subjectivity", ct)):
        (folder / multi.FILES[name]).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_outlet_names_links_and_entity_tags_never_reach_the_model(tmp_path: Path):
    write_multi(tmp_path)
    arts = multi.fresada_articles(tmp_path)
    text = " ".join(a.text for a in arts)
    assert "Gorafi" not in text and "HuffPost" not in text and "http" not in text and "gorafi" not in text
    assert arts[0].text.startswith(("le journal révèle tout", "le journal rapporte"))  # the title leads
    assert {a.meta["source"] for a in arts} == {"fresada:train", "fresada:test"}
    ro = multi.selerosa_sentences(tmp_path)
    assert ro[0].text == "și au spus că 0." and all("<" not in s.text and "@URL" not in s.text for s in ro)
    assert multi.untag("Am fost la <PERSON> (<PERSON>, <PERSON>) azi.") == "Am fost la azi."
    subj = multi.subjectivity_sentences(tmp_path)
    assert {s.lang for s in subj} == {"ge", "en"}  # spinscan's codes (German is the official "ge")
    assert sum(s.label for s in subj) == len(subj) // 2


def test_fresada_is_sampled_per_split_half_each_label_and_selerosa_by_whole_articles(tmp_path: Path):
    write_multi(tmp_path, n=30)
    arts = multi.fresada_articles(tmp_path, per_split=4)
    for split in ("fresada:train", "fresada:test"):
        labels = [a.genre for a in arts if a.meta["source"] == split]
        assert sorted(labels) == ["reporting", "reporting", "satire", "satire"]
    got = multi.selerosa_sample(tmp_path, train_articles=3)
    train_groups = {s.group for s in got if s.split == "train"}
    assert len(train_groups) == 3
    every = multi.selerosa_sentences(tmp_path)
    for g in train_groups:  # whole articles: every sentence of a chosen one
        assert sum(s.group == g for s in got) == sum(s.group == g for s in every)
    assert all(s in got for s in every if s.split == "test")


def test_a_broken_genre_multi_file_is_one_clear_error(tmp_path: Path):
    from spinscan.errors import DataError

    write_multi(tmp_path)
    (tmp_path / multi.FILES["selerosa"]).write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(DataError, match="selerosa-ro.jsonl:1: expected an object"):
        multi.selerosa_sentences(tmp_path)
    (tmp_path / multi.FILES["fresada"]).unlink()
    with pytest.raises(DataError, match="missing"):
        multi.fresada_articles(tmp_path)


def heads(width: int = 4) -> CueHeads:
    coef = np.zeros((1, width), np.float32)
    return CueHeads(
        {"subjective": LinearHead(["subjective"], coef + [[4, 0, 0, 0]], np.zeros(1, np.float32)),
         "satire": LinearHead(["satire"], coef + [[0, 4, 0, 0]], np.zeros(1, np.float32))},
        np.zeros(width, np.float32), np.ones(width, np.float32),
    )  # fmt: skip


def test_cue_features_and_evidence_name_the_paragraphs_that_carry_them():
    h = heads()
    states = np.array([[1, -1, 0, 0], [-1, 2, 0, 0], [-1, -1, 0, 0], [1, 1, 0, 0]], np.float32)
    p = h.paragraph_cues(states)
    assert p.shape == (4, len(CUES)) and (p[[0, 3], 0] > 0.9).all() and (p[[1, 2], 0] < 0.1).all()
    f = article_features(p)
    assert len(f) == len(FEATURES) and f[1] == 0.5  # two of four paragraphs subjective
    assert f[3] == pytest.approx(np.sort(p[:, 1])[-2:].mean())  # the top two satire cues
    ev = evidence(p, [0, 10, 20, 30])
    assert ev["subjective_paragraphs"] == [0, 30] and ev["satire_paragraphs"][0][0] == 10
    assert (
        article_features(np.zeros((0, 2))) == [0.0] * len(FEATURES) and evidence(np.zeros((0, 2)), []) == {}
    )
    quiet = evidence(p, [0, 10, 20, 30], satire=False)  # a language where the satire cue is not shown
    assert quiet["satire_cue"] is None and quiet["satire_paragraphs"] == [] and quiet["cues"][10][1] is None
    assert quiet["subjective_paragraphs"] == [0, 30]
    assert h.shows_satire("fr") and not h.shows_satire("en")
    back = CueHeads.from_tensors(h.tensors())
    assert np.allclose(back.paragraph_cues(states), p) and CueHeads.from_tensors({}) is None


def test_analysis_names_evidence_paragraphs_by_their_place_skipped_ones_counted():
    from spinscan.analysis import genre_evidence
    from spinscan.types import ParagraphResult

    paras = [ParagraphResult(i + 1, s, s + 5, "x", [], {}) for i, s in enumerate((0, 6, 12))]
    found = {
        "paragraphs": 2,
        "subjective_share": 0.5,
        "subjective_mean": 0.5,
        "satire_cue": 0.7,
        "subjective_paragraphs": [12],
        "satire_paragraphs": [[0, 0.9], [12, 0.1]],
        "cues": {0: [0.2, 0.9], 12: [0.8, 0.1]},
    }  # fmt: skip  (paragraph at 6 was skipped)
    ev = genre_evidence(found, paras)
    assert ev["subjective_paragraphs"] == [2] and ev["satire_paragraphs"] == [[0, 0.9], [2, 0.1]]
    assert paras[0].cues == {"subjective": 0.2, "satire": 0.9} and paras[1].cues == {}


def test_the_cue_heads_learn_each_cue_from_their_own_sources_and_report_held_out_scores(tmp_path: Path):
    write_multi(tmp_path, n=60)
    rng = np.random.RandomState(0)
    sentences = multi.subjectivity_sentences(tmp_path) + multi.selerosa_sentences(tmp_path)
    fresada = multi.fresada_articles(tmp_path)

    def state(label: int, axis: int) -> np.ndarray:
        v = rng.normal(0, 1, 16).astype(np.float32)
        v[axis] += 3.0 * (1 if label else -1)
        return v

    got = {}
    for s in sentences:  # subjectivity on axis 0, satire on axis 1
        got[s.id] = (state(s.label, 0 if s.id.startswith("ct25") else 1)[None], np.array([[0, 1]]))
    for a in fresada:
        n = len(a.paragraphs)
        got[a.id] = (np.stack([state(a.genre == "satire", 1) for _ in range(n)]), np.zeros((n, 2)))
    h, report = choose_cues(CueData(sentences, got, fresada, got))
    sat = report["chosen"]["satire"]
    assert report["chosen"]["subjective"]["dev_test_macro_f1"]["mean"] > 0.9
    assert sat["fresada_test_outlets_auc"] > 0.9 and sat["selerosa_test_sentences_macro_f1"] > 0.8
    assert set(report["chosen"]["subjective"]["language_left_out_macro_f1"]) == {"en", "ge", "mean"}
    probe = np.zeros((2, 16), np.float32)
    probe[0, 1], probe[1, 1] = 3, -3
    q = h.paragraph_cues(probe)[:, 1]
    assert q[0] > 0.5 > q[1]  # the satire axis, not the subjectivity one


def test_sentences_are_read_many_to_a_call():
    arts = [Article(str(i), "a\n\nb" if i % 3 == 0 else "a", "en") for i in range(10)]
    groups = batches(arts, max_paragraphs=4)
    assert [len(g) for g in groups] == [3, 3, 3, 1]  # 2+1+1, 2+1+1, 2+1+1, 2
    assert [a for g in groups for a in g] == arts
    assert batches([Article("x", "\n\n".join("p" * 9), "en")], 4)[0][0].id == "x"  # a long one alone


def test_weak_evidence_is_uncertain():
    from spinscan.types import Analysis

    def a(scores):
        return Analysis(id="x", lang="en", lang_detected=False, genre=max(scores, key=scores.get), genre_scores=scores, frames=[],
                        frame_scores={}, paragraphs=[], model={})  # fmt: skip

    assert a({"opinion": 0.45, "reporting": 0.28, "satire": 0.27}).genre_uncertain  # none reaches .5
    assert a({"opinion": 0.5, "reporting": 0.4, "satire": 0.1}).genre_uncertain  # close
    assert not a({"opinion": 0.7, "reporting": 0.2, "satire": 0.1}).genre_uncertain


@pytest.mark.integration
def test_train_genre_with_multi_writes_cues_evidence_and_per_language_calibration(
    tmp_path: Path, monkeypatch
):
    """`spinscan train --kind genre --outside --multi` on a few articles of each corpus; skips
    when ../shared/data/genre-multi or genre-en is absent (the data is not shipped)."""
    from click.testing import CliRunner

    from spinscan.analysis import analyze, default_model_path, get_model
    from spinscan.cli import main

    from ..conftest import DATA, EXAMPLE, SHARED, need_shared

    need_shared()
    outside, folder = SHARED / "data" / "genre-en", SHARED / "data" / "genre-multi"
    if not (folder / multi.FILES["fresada"]).is_file() or not outside.is_dir():
        pytest.skip("genre-multi or genre-en data not found")
    monkeypatch.setenv("SPINSCAN_BACKEND", "onnx")
    out = tmp_path / "m"
    cmd = ["train", "--kind", "genre", "--data", str(DATA), "--init-from", str(default_model_path()),
           "--outside", str(outside), "--multi", str(folder), "--max-articles", "3", "--out", str(out)]  # fmt: skip
    r = CliRunner().invoke(main, cmd)
    assert r.exit_code == 0, r.output
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["genre_shift"]
    assert m["chosen"]["features"] == ["state", "style", "cues"]
    assert {"fresada:train (satire)", "fresada:test (reporting)"} <= set(m["held_out"]["per_source"])
    assert set(m["reliability_per_language"]) == {"en", "fr", "ge", "it", "po", "ru", "*"}
    assert set(m["chosen"]["temperature"]) == {"en", "fr", "ge", "it", "po", "ru", "*"}
    assert "fresada_test_outlets_auc" in m["cues"]["chosen"]["satire"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Reliability per language" in card and "Paragraph cues" in card and "CC BY-NC-SA" in card
    a = analyze(EXAMPLE.read_text(encoding="utf-8"), model=get_model(out))
    ev = a.genre_evidence
    assert ev["paragraphs"] == sum(not p.skipped for p in a.paragraphs)
    assert all(not a.paragraphs[i].skipped for i in ev["subjective_paragraphs"])
    # English: the subjective cue; the satire cue is shown only where it was measured to work
    assert (
        all(set(p.cues) == {"subjective"} for p in a.paragraphs if not p.skipped) and ev["satire_cue"] is None
    )
    r = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--model", str(out)])
    assert r.exit_code == 0 and "why: " in r.output and "satire cue" not in r.output
    fr = analyze("Le ministre a parlé\n\nIl a dit que tout allait bien.\n", lang="fr", model=get_model(out))
    assert fr.genre_evidence["satire_cue"] is not None and set(fr.paragraphs[0].cues) == {
        "subjective",
        "satire",
    }
    assert (tmp_path / "m.work" / "sentences.npz").is_file()  # what was read is kept: a rerun resumes

"""The span metric (SemEval-2020 Task 11 definition) and span decoding, on hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from spinscan.spans import SpanSettings, best_run, decode_runs, merge, span_prf, span_scores
from spinscan.spans import locate_spans as _locate


def test_merge_joins_overlaps_only():
    assert merge([(5, 10), (0, 3), (8, 12), (12, 14), (20, 20)]) == [(0, 3), (5, 12), (12, 14)]


def test_exact_match_scores_one():
    rows = [("1", "Doubt", 0, 10), ("1", "Loaded_Language", 20, 30), ("2", "Doubt", 5, 9)]
    s = span_scores(rows, rows)
    assert s["aware"]["f1"] == pytest.approx(1.0) and s["agnostic"]["f1"] == pytest.approx(1.0)


def test_partial_overlap_by_definition():
    # predicted [0,10) vs gold [5,25): overlap 5 -> P = 5/10, R = 5/20
    s = span_prf([("1", "Doubt", 0, 10)], [("1", "Doubt", 5, 25)])
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(0.25)
    assert s["f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_one_prediction_covering_two_gold_spans():
    # pred [0,20) vs gold [0,5) and [10,20): P = (5 + 10)/20 over 1 span; R = (1 + 1)/2
    s = span_prf([("1", "Doubt", 0, 20)], [("1", "Doubt", 0, 5), ("1", "Doubt", 10, 20)])
    assert s["precision"] == pytest.approx(0.75) and s["recall"] == pytest.approx(1.0)


def test_technique_aware_vs_agnostic():
    pred = [("1", "Doubt", 0, 10)]
    gold = [("1", "Loaded_Language", 0, 10)]
    assert span_prf(pred, gold, aware=True)["f1"] == 0.0
    assert span_prf(pred, gold, aware=False)["f1"] == pytest.approx(1.0)


def test_agnostic_merges_overlapping_spans_of_different_techniques():
    pred = [("1", "Doubt", 0, 10), ("1", "Loaded_Language", 5, 10)]  # merged: [0,10), one span
    gold = [("1", "Slogans", 0, 10)]
    s = span_prf(pred, gold, aware=False)
    assert s["n_pred"] == 1 and s["f1"] == pytest.approx(1.0)
    # aware: the two are kept, only Doubt... neither matches Slogans
    assert span_prf(pred, gold, aware=True)["f1"] == 0.0


def test_duplicates_are_not_counted_twice_and_articles_stay_apart():
    pred = [("1", "Doubt", 0, 10), ("1", "Doubt", 0, 10), ("2", "Doubt", 0, 10)]
    gold = [("1", "Doubt", 0, 10)]
    s = span_prf(pred, gold)
    assert s["n_pred"] == 2 and s["precision"] == pytest.approx(0.5) and s["recall"] == pytest.approx(1.0)


def test_empty_sides():
    assert span_prf([], [("1", "Doubt", 0, 3)])["f1"] == 0.0
    assert span_prf([("1", "Doubt", 0, 3)], [])["f1"] == 0.0


def test_decode_runs_joins_one_token_gaps_and_skips_special_tokens():
    probs = np.array([0.9, 0.8, 0.1, 0.7, 0.1, 0.1, 0.6, 0.9])
    starts = np.array([-1, 0, 5, 9, 14, 18, 22, 27])
    ends = np.array([-1, 4, 8, 13, 17, 21, 26, 30])
    runs = decode_runs(probs, starts, ends, threshold=0.5)
    assert runs == [(0, 13, pytest.approx(0.8)), (22, 30, pytest.approx(0.9))]
    assert decode_runs(probs, starts, ends, threshold=0.95) == []


def test_best_run_grows_around_the_top_token():
    probs = np.array([0.0, 0.1, 0.3, 0.4, 0.05])
    starts = np.array([-1, 0, 3, 6, 9])
    ends = np.array([-1, 2, 5, 8, 11])
    assert best_run(probs, starts, ends) == (3, 8, pytest.approx(0.4))


def locate_spans(probs, starts, ends, labels, chosen, cfg, *args, **kw):
    return _locate(probs, starts, ends, labels, chosen, SpanSettings.from_dict(cfg), *args, **kw)


def test_locate_spans_per_technique_thresholds_whole_paragraphs_and_agreement():
    labels = ["Doubt", "Loaded_Language", "Slogans"]
    starts = np.array([-1, 10, 15, 20, 25])
    ends = np.array([-1, 14, 19, 24, 29])
    probs = np.zeros((5, 3))
    probs[1:3, 0] = 0.3  # Doubt: tokens 1-2 at 0.3
    probs[3, 1] = 0.45  # Loaded_Language: token 3 at 0.45
    probs[4, 2] = 0.05  # Slogans: weak everywhere
    cfg = {"threshold": 0.2, "mode": "independent", "gap": 1, "whole": [], "thresholds": {"Doubt": 0.5}}
    got = locate_spans(probs, starts, ends, labels, [], cfg, (10, 29))
    # Doubt's own threshold (0.5) hides its run; Loaded_Language passes the global 0.2
    assert [(s.technique, s.start, s.end) for s in got] == [("Loaded_Language", 20, 24)]
    cfg["thresholds"]["Loaded_Language"] = 0.5
    assert locate_spans(probs, starts, ends, labels, [], cfg, (10, 29)) == []
    # a chosen technique always gets a span: the best run, or the paragraph when it is "whole"
    cfg["whole"] = ["Slogans"]
    got = locate_spans(probs, starts, ends, labels, ["Doubt", "Slogans"], cfg, (10, 29))
    assert [(s.technique, s.start, s.end) for s in got] == [("Slogans", 10, 29), ("Doubt", 10, 19)]
    # parts of a long paragraph (its windows that have the technique) replace the whole; overlapping
    # parts become one span, a technique without parts keeps the whole paragraph
    units = {"Slogans": [(10, 20), (15, 24), (26, 29)]}
    got = locate_spans(probs, starts, ends, labels, ["Slogans"], cfg, (10, 29), units=units)
    assert [(s.technique, s.start, s.end) for s in got] == [("Slogans", 10, 24), ("Slogans", 26, 29)]
    got = locate_spans(probs, starts, ends, labels, ["Slogans"], cfg, (10, 29), units={"Doubt": [(10, 12)]})
    assert [(s.start, s.end) for s in got] == [(10, 29)]


@pytest.mark.integration  # reads the shipped default model's settings
def test_default_model_marks_word_level_techniques_on_words():
    # Loaded_Language and Name_Calling are annotated on a word or two: the shipped settings must
    # decode them from tokens, never as whole paragraphs
    import json

    from spinscan.analysis import default_model_path
    from spinscan.training.encoder.spans import WORD_LEVEL

    cfg = json.loads((default_model_path() / "config.json").read_text())["spans"]
    assert WORD_LEVEL and not set(WORD_LEVEL) & set(cfg["whole"])
    assert all(0 < cfg.get("thresholds", {}).get(t, cfg["threshold"]) < 1 for t in WORD_LEVEL)


def test_token_runs_grow_to_whole_words_when_the_text_is_given():
    text = "Ces traîtres corrompus mentent."
    # tokens: "Ces" 0-3, "traî" 4-8, "tres" 8-12, "corrom" 13-19, "pus" 19-22, "mentent" 23-30, "." 30-31
    starts = np.array([-1, 0, 4, 8, 13, 19, 23, 30])
    ends = np.array([-1, 3, 8, 12, 19, 22, 30, 31])
    probs = np.zeros((8, 1))
    probs[[3, 4], 0] = 0.9  # "tres corrom": a run that starts and ends inside words
    cfg = {"threshold": 0.5, "mode": "independent", "gap": 0}
    got = locate_spans(probs, starts, ends, ["Loaded_Language"], [], cfg, (0, 31))
    assert [(s.start, s.end) for s in got] == [(8, 19)]  # without the text: the tokens as they are
    got = locate_spans(probs, starts, ends, ["Loaded_Language"], [], dict(cfg, words=True), (0, 31), text)
    assert [text[s.start : s.end] for s in got] == ["traîtres corrompus"]  # whole words, no punctuation
    # gap 0: one weak token splits a run in two
    probs[5, 0], probs[6, 0] = 0.1, 0.9
    got = locate_spans(probs, starts, ends, ["Loaded_Language"], [], dict(cfg, words=True), (0, 31), text)
    assert [text[s.start : s.end] for s in got] == ["traîtres corrompus", "mentent"]


def test_two_runs_inside_one_word_become_one_span():
    text = "Les anticonstitutionnels mentent."
    # "Les" 0-3, then one word of three tokens: "anti" 4-8, "constitution" 8-20, "nels" 20-24
    starts = np.array([-1, 0, 4, 8, 20, 25])
    ends = np.array([-1, 3, 8, 20, 24, 32])
    probs = np.zeros((6, 1))
    probs[[2, 4], 0], probs[3, 0] = (0.9, 0.7), 0.1  # high, low, high inside the word
    cfg = {"threshold": 0.5, "mode": "independent", "gap": 0, "words": True}
    got = locate_spans(probs, starts, ends, ["Loaded_Language"], [], cfg, (0, 33), text)
    assert [(text[s.start : s.end], s.score) for s in got] == [("anticonstitutionnels", 0.9)]

"""The selection maths on small synthetic arrays whose right answers are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from spinscan.training.selection import (
    THRESHOLD_GRID,
    apply_thresholds,
    best_global_f1,
    choose_thresholds,
    cross_fitted,
    cross_fitted_folds,
    group_folds,
    macro_f1,
    micro_f1,
    named_thresholds,
    per_language,
)


def test_micro_and_macro_f1_by_hand():
    y = np.array([[1, 0], [0, 1], [1, 1]])
    pred = np.array([[1, 0], [1, 1], [0, 1]])
    # tp 3, fp 1, fn 1 -> P = R = 3/4
    assert micro_f1(y, pred) == pytest.approx(0.75)
    assert micro_f1(np.zeros((2, 2)), np.zeros((2, 2))) == 1.0  # nothing to find, nothing found
    assert np.isnan(micro_f1(np.zeros((0, 2)), np.zeros((0, 2))))
    # genre: classes 0 and 1 right once each, class 2 never present nor predicted counts 0
    assert macro_f1(np.array([0, 1]), np.array([0, 1])) == pytest.approx(2 / 3)
    assert macro_f1(np.array([0, 1]), np.array([0, 1]), n_classes=2) == 1.0


def test_per_language_splits_rows_by_language():
    y = np.array([[1, 0], [1, 0], [0, 1], [1, 0]])
    pred = np.array([[1, 0], [0, 0], [0, 1], [1, 0]])
    langs = np.array(["en", "en", "fr", "fr"])
    # en: tp 1, fn 1 -> P 1, R .5, F1 2/3; fr: all right
    assert per_language(micro_f1, y, pred, langs) == {"en": pytest.approx(2 / 3, abs=1e-4), "fr": 1.0}


def test_group_folds_keep_groups_whole_and_cover_every_row_once():
    groups = np.repeat(np.array([f"a{i}" for i in range(10)]), 3)
    folds = group_folds(groups, 5, seed=7)
    assert len(folds) == 5
    tests = np.concatenate([te for _, te in folds])
    assert sorted(tests.tolist()) == list(range(30))
    for tr, te in folds:
        assert not set(groups[tr]) & set(groups[te])
    assert [te.tolist() for _, te in group_folds(groups, 5, 7)] == [te.tolist() for _, te in folds]
    assert [te.tolist() for _, te in group_folds(groups, 5, 8)] != [te.tolist() for _, te in folds]


def test_choose_thresholds_finds_the_separating_cut_and_a_language_shift():
    rng = np.random.RandomState(0)
    n = 400
    y = (rng.rand(n, 1) < 0.5).astype(int)
    # label present: probability around .6, absent: around .2 -> any cut in (.3, .5) separates
    p = np.where(y == 1, 0.6, 0.2) + rng.uniform(-0.05, 0.05, (n, 1))
    langs = np.array(["en"] * n)
    table = choose_thresholds(p, y, langs)
    assert set(table) == {"*"} and 0.25 <= table["*"]["0"] <= 0.55
    assert micro_f1(y, apply_thresholds(table, p, langs)) == 1.0
    # a second language whose negatives score as high as the first's positives: no single cut
    # fits both, so one language gets a shifted row of its own, and it helps
    y2, langs2 = np.concatenate([y, y]), np.array(["en"] * n + ["fr"] * n)
    p2 = np.concatenate([p, np.where(y == 1, 0.9, 0.6)])
    t2 = choose_thresholds(p2, y2, langs2)
    assert len(set(t2) - {"*"}) == 1
    assert micro_f1(y2, apply_thresholds(t2, p2, langs2)) > micro_f1(y2, p2 >= t2["*"]["0"])


def test_thresholds_per_label_only_with_enough_positives():
    rng = np.random.RandomState(1)
    n = 300
    y = np.zeros((n, 2), dtype=int)
    y[:100, 0] = 1  # 100 positives: a threshold of its own
    y[:10, 1] = 1  # 10 positives: the global one
    p = rng.uniform(0, 0.1, (n, 2))
    p[:100, 0] += 0.7
    p[:10, 1] += 0.7
    table = choose_thresholds(p, y, np.array(["en"] * n))
    best = max(THRESHOLD_GRID, key=lambda t: micro_f1(y, p >= t))
    assert table["*"]["1"] == pytest.approx(float(best))


def test_apply_and_named_thresholds():
    table = {"*": {"0": 0.5, "1": 0.3}, "fr": {"0": 0.1, "1": 0.9}}
    p = np.array([[0.4, 0.4], [0.4, 0.4]])
    got = apply_thresholds(table, p, np.array(["en", "fr"]))
    assert got.tolist() == [[False, True], [True, False]]
    assert named_thresholds(table, ["A", "B"]) == {"*": {"A": 0.5, "B": 0.3}, "fr": {"A": 0.1, "B": 0.9}}


def test_best_global_f1_is_the_best_single_cut():
    y = np.array([[1], [0], [1], [0]])
    p = np.array([[0.7], [0.2], [0.6], [0.3]])
    assert best_global_f1(y, p) == 1.0
    assert best_global_f1(y, p[::-1]) < 1.0


def test_cross_fitting_never_chooses_on_the_rows_it_decides():
    # each half's rows are decided with thresholds from the other half only: a half whose
    # probabilities are all shifted up by .4 is decided with the other half's (lower) cut
    n = 200
    groups = np.array([f"a{i // 2}" for i in range(n)])
    y = (np.arange(n) % 2).reshape(-1, 1)
    p = np.where(y == 1, 0.6, 0.1).astype(float)
    langs = np.array(["en"] * n)
    out = cross_fitted(p, y, langs, groups, seed=3)
    assert out.shape == p.shape and micro_f1(y, out) == 1.0
    uniq = np.unique(groups)
    half = set(np.random.RandomState(3).permutation(uniq)[: len(uniq) // 2].tolist())
    a = np.array([g in half for g in groups])
    shifted = np.where(a[:, None], p + 0.35, p)  # half a: everything over any cut b would choose
    out = cross_fitted(shifted, y, langs, groups, seed=3)
    assert out[a].all() and not out[~a & (y[:, 0] == 0)].any()
    # the k-fold form agrees with choosing on the other folds by hand
    folds = group_folds(groups, 4, 0)
    by_hand = np.zeros_like(p, dtype=bool)
    for tr, te in folds:
        by_hand[te] = apply_thresholds(choose_thresholds(p[tr], y[tr], langs[tr]), p[te], langs[te])
    assert (cross_fitted_folds(p, y, langs, folds) == by_hand).all()

"""Choosing what unseen languages get (each training language left out), and writing it."""

from __future__ import annotations

import json

import numpy as np

from spinscan.labels import TECHNIQUES
from spinscan.models.encoder import EncoderSettings
from spinscan.training import zero_shot as zs
from spinscan.training.zero_shot_card import CARD_HEADING, write_choice

LANGS = zs.LANGS


def scores(by_lang: dict[tuple, list[float]]) -> dict[tuple, dict[str, float]]:
    return {cand: dict(zip(LANGS, vals)) for cand, vals in by_lang.items()}


def test_a_candidate_is_kept_only_when_choosing_it_on_five_languages_helps_the_sixth():
    default = (0.7, 0.0)
    # (0.9, 0) wins on average only through English: chosen without English it loses there
    noisy = scores(
        {default: [0.40, 0.50, 0.50, 0.50, 0.50, 0.50], (0.9, 0.0): [0.60, 0.48, 0.48, 0.48, 0.48, 0.48]}
    )
    chosen, _, nested = zs.choose(noisy, default)
    assert chosen == default and nested["en"] == 0.40 and nested["fr"] == 0.48
    # a candidate better in every language is kept
    steady = scores({default: [0.4] * 6, (0.9, 0.0): [0.45] * 6})
    chosen, got, nested = zs.choose(steady, default)
    assert chosen == (0.9, 0.0) and got == nested == dict.fromkeys(LANGS, 0.45)
    assert zs.shipped_scores(default, default, {"en": 1}, {"en": 2}) == {"en": 1}
    assert zs.shipped_scores((0.9, 0.0), default, {"en": 1}, {"en": 2}) == {"en": 2}


def readings(seed: int = 0) -> zs.Readings:
    rng = np.random.RandomState(seed)
    n, k = 240, len(TECHNIQUES)
    y = (rng.rand(n, k) < 0.15).astype(int)
    enc = 0.35 * y + 0.3 * rng.rand(n, k)  # the encoder tells them apart at 0.3
    lex = rng.rand(n, k) * 0.6  # an unseen language's lexical partner: noise
    langs = np.array([LANGS[i % 6] for i in range(n)])
    return zs.Readings(langs, [f"a{i}" for i in range(n)], y, enc, enc * 0.8 + 0.1, lex)


def test_technique_choice_on_readings_where_the_lexical_partner_knows_nothing_of_the_language():
    r = readings()
    th = {"*": dict.fromkeys(TECHNIQUES, 0.3)}
    c = zs.technique_choice(r, th, 0.7)
    assert c["weight"] in zs.TECHNIQUE_WEIGHTS and c["shift"] in zs.SHIFTS
    assert c["weight"] > 0.7  # the noisy partner loses its share
    for key in ("trained", "unseen_as_trained", "unseen_chosen", "unseen_nested", "unseen_shipped"):
        assert set(c[key]) == set(LANGS) and all(0 <= v <= 1 for v in c[key].values())
    assert np.mean(list(c["unseen_chosen"].values())) > np.mean(list(c["unseen_as_trained"].values()))
    rel = zs.reliability_by_label(r, th, c)
    assert set(rel) == set(TECHNIQUES) and all(
        v["annotated"] == int(r.y[:, j].sum()) for j, v in enumerate(rel.values())
    )


def test_the_choice_is_written_where_inference_reads_it_and_the_card_says_it(tmp_path):
    base = {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES), "ensemble": {"techniques": 0.7}}
    (tmp_path / "config.json").write_text(json.dumps(base))
    (tmp_path / "metrics.json").write_text(json.dumps({"genre_cv": {}}))
    (tmp_path / "README.md").write_text("# model\n\n## Genre\n\ntext\n")
    per = dict.fromkeys(LANGS, 0.5)
    block = {"trained": per, "unseen_as_trained": per, "unseen_chosen": per, "unseen_nested": per,
             "unseen_shipped": per, "grid": {"0.7 +0.000": per}}  # fmt: skip
    result = {
        "techniques": {"weight": 0.8, "shift": -0.025, **block},
        "frames": {"weight": 0.6, "shift": -0.05, **block},
        "spans": {"trained": per, "unseen_as_trained": per, "unseen_chosen": per},
        "techniques_by_label": {t: {"precision": 0.3, "recall": 0.2} for t in TECHNIQUES},
    }
    for _ in range(2):  # written twice: one section, not two
        write_choice(tmp_path, result)
    s = EncoderSettings.from_config(json.loads((tmp_path / "config.json").read_text()), 1)
    assert (s.blend("techniques", "pt"), s.shift("techniques", "pt"), s.blend("frames", "ja")) == (
        0.8,
        -0.025,
        0.6,
    )
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert "grid" not in metrics["zero_shot"]["techniques"] and metrics["zero_shot"]["protocol"]
    assert metrics["techniques_heldout_by_label_zero_shot"]["labels"]["Doubt"]["precision"] == 0.3
    card = (tmp_path / "README.md").read_text()
    assert card.count(CARD_HEADING) == 1 and card.index("## Genre") < card.index(CARD_HEADING)
    assert "encoder share 0.6, threshold shift -0.050" in card

"""The genre head chosen leave-one-language-out, on synthetic articles the tests make."""

from __future__ import annotations

import numpy as np
import pytest

from spinscan.errors import ModelError
from spinscan.labels import TECHNIQUES
from spinscan.models.encoder.settings import EncoderSettings
from spinscan.models.heads import with_temperature
from spinscan.models.style import NAMES, style_features
from spinscan.training.genre import GenreData, choose_genre_head, replace_section, splits
from spinscan.training.genre_scores import reliability, temperature

REPORT = 'The minister said on 12 March 2022 that 40 people died. "We act now," Jan Kowal told reporters.'
OPINION = "I think we must ask: why do you accept this? We deserve better! I am tired of it, and so are you."


def synthetic(seed: int = 0) -> GenreData:
    """Six languages; the article vector tells the genre apart only by each language's own
    direction (outlet habits), the text's style the same way everywhere."""
    rng = np.random.RandomState(seed)
    langs, y, states, texts = [], [], [], []
    for li, lang in enumerate(("en", "fr", "ge", "it", "po", "ru")):
        direction = rng.randn(16)
        for k in range(40):
            g = k % 2  # 0 opinion, 1 reporting
            langs.append(lang)
            y.append(g)
            states.append(rng.randn(16) * 0.5 + (2 * g - 1) * direction + 3 * li)
            texts.append((REPORT if g else OPINION) + " " + " ".join(rng.choice(["a", "b", "c"], 5)))
    ids = np.array([f"{lang}{i}" for i, lang in enumerate(langs)])
    return GenreData(np.array(states, np.float32), texts, np.array(langs), np.array(y), ids)


def test_leave_one_language_out_never_trains_on_the_language_it_scores():
    data = synthetic()
    got = splits(data, "lolo")
    assert len(got) == 6
    for tr, te in got:
        assert len(set(data.langs[te])) == 1 and data.langs[te][0] not in set(data.langs[tr])
    for tr, te in splits(data, "cv"):
        assert not set(data.groups[tr]) & set(data.groups[te])


@pytest.mark.slow
def test_the_features_that_carry_over_between_languages_win():
    data = synthetic()
    xl = np.zeros((len(data.y), 1), np.float32)  # no lexical signal
    head, w, features, m = choose_genre_head(
        data, xl, 1.0, {"features": ["state"], "C": 0.03, "lexical_weight": 0.0}
    )
    assert "style" in features
    assert m["leave_one_language_out"]["mean"] > m["baseline"]["leave_one_language_out"]["mean"]
    assert m["leave_one_language_out"]["mean"] >= 0.66  # every article right (2 of 3 genres occur)
    assert head.coef.shape[1] == data.inputs(features).shape[1] and 0.0 <= w <= 1.0
    assert {"bins", "ece"} <= set(m["reliability_leave_one_language_out"]["after_temperature"])


def test_style_features_tell_a_report_from_an_opinion_piece():
    rep, op = dict(zip(NAMES, style_features(REPORT, "en"))), dict(zip(NAMES, style_features(OPINION, "en")))
    assert rep["quoted_share"] > op["quoted_share"] and rep["reported_per_sentence"] > 0
    assert op["first_person"] > rep["first_person"] and op["second_person"] > 0
    assert op["questions_per_sentence"] > 0 and op["exclamations_per_sentence"] > 0
    assert rep["numbers_per_100_words"] > 0 and rep["dates_per_sentence"] > 0
    # every language has its lexicons: a Russian report is seen as reported speech
    ru = dict(
        zip(NAMES, style_features("Министр заявил, что решение принято. По словам министра, всё", "ru"))
    )
    assert ru["reported_per_sentence"] > 0


def test_temperature_softens_overconfident_probabilities_and_keeps_the_decision():
    rng = np.random.RandomState(1)
    y = rng.randint(0, 3, 300)
    right = rng.rand(300) < 0.6  # right 60 % of the time, always 97 % sure
    top = np.where(right, y, (y + 1) % 3)
    p = np.full((300, 3), 0.015)
    p[np.arange(300), top] = 0.97
    t = temperature(p, y)
    q = with_temperature(p, t)
    assert t > 1.5 and np.allclose(q.sum(1), 1.0, atol=1e-5)
    assert (q.argmax(1) == p.argmax(1)).all()
    before, after = reliability(p, y), reliability(q, y)
    assert after["ece"] < before["ece"] and sum(b["articles"] for b in after["bins"]) == 300


def test_a_card_gets_one_genre_section():
    card = "# model\n\ntext\n\n## Genre\n\nold\n\n## Other\n\nkept\n"
    out = replace_section(card, "\n## Genre\n\nnew\n")
    assert out.count("## Genre") == 1 and "new" in out and "old" not in out and "kept" in out


@pytest.mark.parametrize(
    ("entry", "named"),
    [({"genre_features": ["words"]}, "genre_features"), ({"genre_temperature": 0}, "genre_temperature")],
)
def test_bad_genre_settings_are_refused_at_load(entry, named):
    config = {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES), **entry}
    with pytest.raises(ModelError, match=named):
        EncoderSettings.from_config(config, 1)
    ok = EncoderSettings.from_config(
        {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES), "genre_features": ["state", "style"]},
        1,
    )
    assert ok.genre_features == ("state", "style") and ok.genre_temperature == 1.0


def test_genre_class_weights_by_language_with_a_default():
    base = {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES)}
    s = EncoderSettings.from_config(base | {"genre_class_weights": {"en": [1, 1, 0.05], "*": [1, 1, 0.7]}}, 1)
    assert s.genre_weights_for("en") == (1.0, 1.0, 0.05) and s.genre_weights_for("po") == (1.0, 1.0, 0.7)
    assert s.genre_weights_for(None) == (1.0, 1.0, 0.7)
    assert (
        EncoderSettings.from_config(base | {"genre_class_weights": [1, 1, 0.5]}, 1).genre_weights_for("en")[2]
        == 0.5
    )
    for bad in ({"en": [1, 1, 0.1]}, {"*": [1, 1]}, {"*": [1, 1, 0]}, [1, 1, "x"]):
        with pytest.raises(ModelError, match="genre_class_weights"):
            EncoderSettings.from_config(base | {"genre_class_weights": bad}, 1)


def test_genre_temperature_and_lexical_blend_by_language():
    base = {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES)}
    s = EncoderSettings.from_config(
        base
        | {
            "genre_temperature": {"*": 2.5, "po": 1.2},
            "ensemble": {"genre": {"*": 1.0, "po": 0.5}, "frames": 0.4},
        },
        1,
    )
    assert s.genre_temperature_for("en") == 2.5 and s.genre_temperature_for("po") == 1.2
    assert s.blend("genre", "po") == 0.5 and s.blend("genre", "en") == 1.0 and s.blend("genre") == 1.0
    assert s.blend("frames", "po") == 0.4 and s.blend("techniques") == 1.0
    for bad in ({"genre_temperature": {"po": 1.2}}, {"genre_temperature": {"*": 0}},
                {"ensemble": {"genre": {"po": 0.5}}}, {"ensemble": {"genre": {"*": 1.5}}}):  # fmt: skip
        with pytest.raises(ModelError, match="genre_temperature|ensemble"):
            EncoderSettings.from_config(base | bad, 1)

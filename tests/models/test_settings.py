"""An encoder model's config.json becomes typed settings, checked when the model loads."""

from __future__ import annotations

import json

import pytest

from spinscan.errors import ModelError
from spinscan.labels import TECHNIQUES
from spinscan.models import PRETRAINED
from spinscan.models.encoder import EncoderSettings
from spinscan.spans import SpanSettings


def config(**kw):
    base = {"n_frozen": 8, "max_tokens": 256, "labels": list(TECHNIQUES), "ensemble": {"techniques": 0.7}}
    return {**base, **kw}


def test_the_shipped_config_reads_as_settings():
    cfg = json.loads((PRETRAINED / "encoder-0.2" / "config.json").read_text())
    s = EncoderSettings.from_config(cfg, 2)
    assert (s.n_frozen, s.max_tokens, s.members) == (8, 256, 2)
    assert s.spans == SpanSettings.from_dict(cfg["spans"]) and s.lexical == "../lexical-0.1"
    assert s.blend("techniques") == cfg["ensemble"]["techniques"] and s.member_weights_for("en") == (1.0, 0.0)
    # Arabic (taught through learn) runs its own member, its techniques trained, its frames zero-shot
    assert s.member_weights_for("ar") == (0.0, 1.0) and not s.unseen("ar") and s.unseen("ar", "frames")
    assert s.spans_for("ar") != s.spans and s.blend("frames", "ar") == s.blend("frames", "pt")


def test_member_weights_and_span_settings_per_language():
    s = EncoderSettings.from_config(
        config(member_weights={"*": [1, 0], "fr": [1, 3]}, spans_by_language={"fr": {"threshold": 0.3}}), 2
    )
    assert s.member_weights_for("fr") == (0.25, 0.75) and s.member_weights_for("en") == (1.0, 0.0)
    assert s.spans_for("fr").threshold == 0.3 and s.spans_for("it") == s.spans
    assert EncoderSettings.from_config(config(), 4).member_weights_for(None) == (0.25,) * 4
    assert s.blend("genre") == 1.0  # no lexical share given: the encoder alone


@pytest.mark.parametrize(
    ("cfg", "named"),
    [
        (config(n_frozen="8"), "n_frozen"),
        (config(n_frozen=12), "n_frozen 12"),
        (config(max_tokens=2), "max_tokens"),
        (config(labels=["Doubt"]), "labels"),
        (config(ensemble={"techniques": 1.5}), "ensemble"),
        (config(member_weights={"*": [1]}), "does not fit 2 member"),
        (config(member_weights={"*": [0, 0]}), "does not fit 2 member"),
        (config(spans={"mode": "loose"}), "spans"),
        (config(spans_by_language={"fr": {"gap": -2}}), "spans_by_language.fr"),
        (config(lexical=3), "lexical"),
        (config(zero_shot={"techniques_weight": 1.2}), "zero_shot: techniques_weight"),
        (config(zero_shot={"techniques_shift": "up"}), "zero_shot: techniques_shift"),
        (config(zero_shot={"genre_weight": 0.5}), "zero_shot"),
        (config(train={"languages": "en"}), "training languages"),
    ],
)
def test_bad_configs_fail_at_load_naming_the_entry(cfg, named):
    with pytest.raises(ModelError, match=named):
        EncoderSettings.from_config(cfg, 2, "m/config.json")


def test_a_language_no_article_of_which_trained_the_model_gets_the_zero_shot_settings():
    zs = {"techniques_weight": 1.0, "techniques_shift": -0.025, "frames_weight": 0.8, "frames_shift": 0.05}
    s = EncoderSettings.from_config(
        config(ensemble={"techniques": 0.7, "frames": 0.4}, train={"languages": ["en", "fr"]}, zero_shot=zs),
        1,
    )
    assert s.trained == ("en", "fr") and s.unseen("pt") and s.unseen("ge") and not s.unseen("fr")
    assert (s.blend("techniques", "pt"), s.shift("techniques", "pt")) == (1.0, -0.025)
    assert (s.blend("frames", "ja"), s.shift("frames", "ja")) == (0.8, 0.05)
    assert (s.blend("techniques", "en"), s.shift("techniques", "en")) == (0.7, 0.0)
    assert s.blend("genre", "pt") == 1.0 and s.shift("genre", "pt") == 0.0
    # a model without zero-shot settings treats every language alike
    plain = EncoderSettings.from_config(config(ensemble={"techniques": 0.7}), 1)
    assert plain.blend("techniques", "pt") == 0.7 and plain.shift("techniques", "pt") == 0.0
    assert plain.trained == ("en", "fr", "ge", "it", "po", "ru")
    # the span decoder's token thresholds moved for unseen languages only
    spans = {"threshold": 0.2, "mode": "independent", "gap": 0, "thresholds": {"Doubt": 0.3}}
    moved = EncoderSettings.from_config(config(spans=spans, zero_shot={"spans_shift": 0.05}), 1)
    assert moved.spans_for("pt").threshold == 0.25 and moved.spans_for("pt").thresholds == {"Doubt": 0.35}
    assert moved.spans_for("en") == moved.spans and moved.spans.threshold == 0.2

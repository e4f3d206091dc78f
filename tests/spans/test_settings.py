"""Span settings are checked when a model loads: every bad field is named."""

from __future__ import annotations

import pytest

from spinscan.errors import ModelError
from spinscan.spans import SpanSettings


def test_defaults_and_round_trip():
    s = SpanSettings.from_dict(None)
    assert (s.threshold, s.mode, s.gap, s.words, s.whole, s.thresholds) == (0.5, "filtered", 1, False, (), {})
    d = {"threshold": 0.2, "mode": "independent", "gap": 0, "words": True, "whole": ["Doubt"],
         "units": ["Slogans"], "content": True, "thresholds": {"Loaded_Language": 0.35}}  # fmt: skip
    s = SpanSettings.from_dict(d)
    assert s.to_dict() == d and SpanSettings.from_dict(s.to_dict()) == s
    assert s.threshold_of("Loaded_Language") == 0.35 and s.threshold_of("Doubt") == 0.2


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "0.2"}, "threshold"),
        ({"mode": "loose"}, "mode"),
        ({"gap": -1}, "gap"),
        ({"gap": True}, "gap"),
        ({"words": "yes"}, "words"),
        ({"content": 1}, "content"),
        ({"whole": ["Not_A_Technique"]}, "technique names"),
        ({"units": ["Not_A_Technique"]}, "technique names"),
        ({"whole": ["Doubt"], "units": ["Doubt"]}, "at most one of whole and units"),
        ({"thresholds": {"Doubt": 2}}, "thresholds.Doubt"),
        ({"colour": "red"}, "unknown span setting"),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(bad, named):
    with pytest.raises(ModelError, match=named):
        SpanSettings.from_dict(bad, "model/config.json: spans")
    with pytest.raises(ModelError, match="not-a-dict|expected an object"):
        SpanSettings.from_dict(["threshold"], "not-a-dict")

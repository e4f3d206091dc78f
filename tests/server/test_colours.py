"""The web page's technique colours: the frequent techniques are told apart at a glance."""

from __future__ import annotations

import itertools
import re

from spinscan.labels import TECHNIQUES
from spinscan.web import WEB

# the most frequent techniques in the official train spans, most frequent first
FREQUENT = ["Loaded_Language", "Name_Calling-Labeling", "Doubt", "Exaggeration-Minimisation",
            "Appeal_to_Fear-Prejudice", "Flag_Waving", "Questioning_the_Reputation", "Repetition"]  # fmt: skip


def colours() -> dict[str, tuple[int, int, int]]:
    js = (WEB / "app.js").read_text(encoding="utf-8")
    block = js[js.index("const COLOUR = {") : js.index("};", js.index("const COLOUR = {"))]
    found = dict(re.findall(r'"([A-Za-z_-]+)": "#([0-9a-f]{6})"', block))
    return {t: tuple(int(h[i : i + 2], 16) for i in (0, 2, 4)) for t, h in found.items()}


def test_every_technique_has_its_own_colour_and_the_frequent_ones_differ():
    c = colours()
    assert set(c) == set(TECHNIQUES) and len(set(c.values())) == len(TECHNIQUES)
    for a, b in itertools.combinations(FREQUENT, 2):
        dist = sum((x - y) ** 2 for x, y in zip(c[a], c[b])) ** 0.5
        assert dist >= 45, (a, b, dist)

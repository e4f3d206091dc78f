"""The web page's technique colours: the frequent techniques are told apart at a glance, also by
readers with red-green colour blindness.

Criterion: the eight most frequent techniques differ pairwise by CIEDE2000 >= 12 in normal vision
and under simulated deuteranopia and protanopia (Machado, Oliveira & Fernandes 2009, severity 1);
all 23 colours differ by >= 6 in normal vision; every colour is light enough for black text
(contrast >= 7:1). (CIEDE2000 ~2.3 is a just-noticeable difference; >= 10 reads as another colour.)
"""

from __future__ import annotations

import itertools
import math
import re

from spinscan.labels import TECHNIQUES
from spinscan.web import WEB

# the most frequent techniques in the official train spans, most frequent first
FREQUENT = ["Loaded_Language", "Name_Calling-Labeling", "Doubt", "Exaggeration-Minimisation",
            "Appeal_to_Fear-Prejudice", "Flag_Waving", "Questioning_the_Reputation", "Repetition"]  # fmt: skip
DEUTAN = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
PROTAN = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]


def colours() -> dict[str, tuple[int, int, int]]:
    js = (WEB / "app.js").read_text(encoding="utf-8")
    block = js[js.index("const COLOUR = {") : js.index("};", js.index("const COLOUR = {"))]
    found = dict(re.findall(r'"([A-Za-z_-]+)": "#([0-9a-f]{6})"', block))
    return {t: tuple(int(h[i : i + 2], 16) for i in (0, 2, 4)) for t, h in found.items()}


def _lin(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = max(0.0, min(1.0, c))
    return 255 * (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(rgb, matrix) -> tuple[float, float, float]:
    """What a reader with the colour vision deficiency of ``matrix`` sees (linear-RGB transform)."""
    lin = [_lin(x) for x in rgb]
    return tuple(_gamma(sum(matrix[i][j] * lin[j] for j in range(3))) for i in range(3))


def lab(rgb) -> tuple[float, float, float]:
    r, g, b = (_lin(x) for x in rgb)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)  # fmt: skip
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]  # fmt: skip
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb**7 / (cb**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    lm, cm = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        hm = h1 + h2
    elif abs(h1 - h2) <= 180:
        hm = (h1 + h2) / 2
    else:
        hm = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hm - 30)) + 0.24 * math.cos(math.radians(2 * hm))
         + 0.32 * math.cos(math.radians(3 * hm + 6)) - 0.20 * math.cos(math.radians(4 * hm - 63)))  # fmt: skip
    sl = 1 + 0.015 * (lm - 50) ** 2 / math.sqrt(20 + (lm - 50) ** 2)
    sc, sh = 1 + 0.045 * cm, 1 + 0.015 * cm * t
    rt = (
        -math.sin(math.radians(60 * math.exp(-(((hm - 275) / 25) ** 2))))
        * 2
        * math.sqrt(cm**7 / (cm**7 + 25**7))
    )
    dl, dc = (l2 - l1) / sl, (c2 - c1) / sc
    return math.sqrt(dl**2 + dc**2 + (d_h / sh) ** 2 + rt * dc * (d_h / sh))


def test_ciede2000_matches_the_published_test_pairs():
    # pairs 1, 7 and 17 of Sharma, Wu & Dalal's table of CIEDE2000 test data
    assert round(ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)), 4) == 2.0425
    assert round(ciede2000((50, 0, 0), (50, -1, 2)), 4) == 2.3669
    assert round(ciede2000((50, 2.5, 0), (73, 25, -18)), 4) == 27.1492


def test_every_technique_has_its_own_colour_and_the_frequent_ones_differ():
    c = colours()
    assert set(c) == set(TECHNIQUES) and len(set(c.values())) == len(TECHNIQUES)
    for name, view in (
        ("normal vision", lambda x: x),
        ("deuteranopia", lambda x: simulate(x, DEUTAN)),
        ("protanopia", lambda x: simulate(x, PROTAN)),
    ):
        for a, b in itertools.combinations(FREQUENT, 2):
            d = ciede2000(lab(view(c[a])), lab(view(c[b])))
            assert d >= 12, (name, a, b, round(d, 1))
    for a, b in itertools.combinations(TECHNIQUES, 2):
        assert ciede2000(lab(c[a]), lab(c[b])) >= 6, (a, b)


def test_black_text_is_readable_on_every_highlight():
    for t, rgb in colours().items():
        r, g, b = (_lin(x) for x in rgb)
        luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
        assert (luminance + 0.05) / 0.05 >= 7, t

"""Property tests of the text path: for any input, a result whose offsets index the input exactly,
or spinscan's input error; never another exception. (Hypothesis; the lexical model keeps the unit
tier fast, a small sample runs on the default model.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscan.analysis import analyze, default_lexical_path, get_model
from spinscan.errors import InputError
from spinscan.reading import read_bytes

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

SPECIALS = [
    "\r\n", "\r", "\n", "\n\n", "\ufeff", "\x00", "\u200f", "\u200e", "\u200b", "\u202e", "e\u0301", "\u0915\u094d",
    "🙂", "👩🏽‍⚕️", "!!!", "...", "«»", "„“", " ", "\t", "\u00a0", "\u2028", "שלום", "مرحبا", "Ελλάδα", "ქართული",
    "Путин заявил, что Запад лжёт.", "The corrupt elite betrayed us again!", "Les traîtres ont menti.",
]  # fmt: skip
pieces = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(SPECIALS),
    st.text("abc xyz.,!?'\"-\n", min_size=1, max_size=60),
)
texts = st.one_of(
    st.lists(pieces, max_size=25).map("".join),
    st.sampled_from(["", " ", "\n\n\n", "!!!?!...", "a" * 50_000, ("word " * 10_000) + "\nnext line"]),
)


def check(text: str, lang: str | None, model) -> None:
    try:
        a = analyze(text, lang=lang, model=model)
    except InputError:
        return
    assert a.paragraphs
    for p in a.paragraphs:
        assert text[p.start : p.end] == p.text and p.text.strip()
        assert p.skipped is None or not p.techniques
        for s in p.spans:
            assert p.start <= s.start < s.end <= p.end, (p, s)
            assert text[s.start : s.end].strip()
    d = a.to_dict()
    assert sum(d["techniques"].values()) == sum(len(p.techniques) for p in a.paragraphs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, lang=st.sampled_from([None, "en", "ru", "ka"]))
def test_any_text_on_the_lexical_model(text, lang):
    check(text, lang, get_model(default_lexical_path()))


@pytest.mark.integration
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_a_sample_on_the_default_model(text):
    check(text, "en", get_model())


tags = st.sampled_from(
    ["p", "div", "article", "h1", "span", "b", "script", "style", "nav", "li", "br/", "table"]
)


@st.composite
def html_pages(draw) -> bytes:
    parts = [draw(st.sampled_from(["", "<!DOCTYPE html>", "<html>", "<html><head><meta charset='latin-1'>"]))]
    for _ in range(draw(st.integers(0, 30))):
        t = draw(tags)
        parts.append(
            f"<{t}>" + draw(pieces).replace("<", "&lt;") + ("" if draw(st.booleans()) else f"</{t}>")
        )
    raw = "".join(parts)
    enc = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return raw.encode(enc, errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=html_pages())
def test_any_html_is_read_or_refused_cleanly(data):
    try:
        doc = read_bytes(data, "page.html")
    except InputError:
        return
    for p in doc.paragraphs():
        assert doc.text[p["start"] : p["end"]].rstrip("\r") == p["text"]
    assert set(doc.skipped) <= {p["line_no"] for p in doc.paragraphs()}

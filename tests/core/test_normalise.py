"""Decomposed text (NFD) is analysed as its composed copy and mapped back (issue 28.4)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscan.normalise import composed, needs_composing

from ..conftest import DATA, need_shared


def test_a_decomposed_word_maps_back_to_whole_clusters():
    original = unicodedata.normalize("NFD", "Il a sacrifié l'été.\nÀ bientôt")
    c = composed(original)
    assert c.text == unicodedata.normalize("NFC", original) and c.changed
    i = c.text.index("sacrifié")
    start, end = c.start(i), c.end(i + len("sacrifié"))
    assert original[start:end] == unicodedata.normalize("NFD", "sacrifié")  # the accent included
    assert c.end(c.text.index("é") + 1) == original.index("\u0301") + 1
    assert (
        c.text.split("\n")[1] == "À bientôt" and c.start(c.text.index("\n") + 1) == original.index("\n") + 1
    )


def test_ascii_and_composed_text_need_nothing():
    assert not needs_composing("Plain ASCII.\nTwo lines.")
    assert not needs_composing("Déjà composé, € and 😀.")
    assert needs_composing(unicodedata.normalize("NFD", "Déjà"))
    assert needs_composing("q\u0303 has a mark that composes with nothing")


@given(st.text(alphabet=st.sampled_from(list("ae\u0301\u0300\u0308 \nqé\u1100\u1161\u11a8")), max_size=40))
def test_every_offset_maps_to_a_cluster_boundary(text):
    c = composed(text)
    assert unicodedata.normalize("NFC", c.text) == unicodedata.normalize("NFC", text)
    assert c.text.count("\n") == text.count("\n")
    for i in range(len(c.text) + 1):
        for o in (c.start(i), c.end(i)):
            assert 0 <= o <= len(text)
            # (a mark that begins a line stays on its line: lines are never merged)
            assert o in (0, len(text)) or text[o - 1] == "\n" or unicodedata.combining(text[o]) == 0
        if i < len(c.text):
            assert c.start(i) < c.end(i + 1)


@pytest.mark.integration
def test_nfd_and_nfc_copies_of_french_articles_get_the_same_labels():
    need_shared()
    from spinscan.analysis import analyze

    files = sorted(Path(DATA, "fr", "train-articles-subtask-3").glob("*.txt"))[:3]
    for f in files:
        nfc = unicodedata.normalize("NFC", f.read_text(encoding="utf-8"))
        nfd = unicodedata.normalize("NFD", nfc)
        a, b = analyze(nfc, lang="fr"), analyze(nfd, lang="fr")
        assert [p.techniques for p in a.paragraphs] == [p.techniques for p in b.paragraphs]
        assert a.genre == b.genre and a.frames == b.frames
        for pa, pb in zip(a.paragraphs, b.paragraphs, strict=True):
            assert nfd[pb.start : pb.end] == pb.text
            assert len(pa.spans) == len(pb.spans)
            for sa, sb in zip(pa.spans, pb.spans):
                assert unicodedata.normalize("NFC", nfd[sb.start : sb.end]) == nfc[sa.start : sa.end]
                for o in (sb.start, sb.end):
                    assert o == len(nfd) or not unicodedata.combining(nfd[o]), (f.name, sb)


@pytest.mark.integration
def test_every_span_belongs_to_a_technique_of_its_paragraph():
    need_shared()
    from spinscan.analysis import analyze

    for lang in ("fr", "en", "po"):
        for f in sorted(Path(DATA, lang, "train-articles-subtask-3").glob("*.txt"))[:4]:
            d = analyze(f.read_text(encoding="utf-8"), lang=lang).to_dict()
            for p in d["paragraphs"]:
                assert {s["technique"] for s in p["spans"]} <= set(p["techniques"]), (lang, f.name)

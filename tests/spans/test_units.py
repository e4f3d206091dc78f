"""Sentences, clauses and function words in each of the nine languages (hand-made cases)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from spinscan.spans import SpanSettings, locate_spans
from spinscan.spans.stopwords import STOPWORDS, has_content
from spinscan.spans.units import candidates, clauses, sentences


def cut(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


SENTENCES = {
    "en": (
        "Mr. Smith said J. Doe lied. Who knew? Nobody!",
        ["Mr. Smith said J. Doe lied.", "Who knew?", "Nobody!"],
    ),
    "fr": ("M. Dupont ment. Qui le savait ? Personne.", ["M. Dupont ment.", "Qui le savait ?", "Personne."]),
    "ge": (
        "Das ist z.B. falsch. Wer wusste es? Niemand.",
        ["Das ist z.B. falsch.", "Wer wusste es?", "Niemand."],
    ),
    "it": (
        "Il sig. Rossi mente. Chi lo sapeva? Nessuno.",
        ["Il sig. Rossi mente.", "Chi lo sapeva?", "Nessuno."],
    ),
    "po": (
        "Mieszka przy ul. Długiej. Kto wiedział? Nikt.",
        ["Mieszka przy ul. Długiej.", "Kto wiedział?", "Nikt."],
    ),
    "ru": ("Это было в 3 ч. дня. Кто знал? Никто.", ["Это было в 3 ч. дня.", "Кто знал?", "Никто."]),
    "es": (
        "¿Quién lo sabía? Nadie. El Sr. Pérez mintió.",
        ["¿Quién lo sabía?", "Nadie.", "El Sr. Pérez mintió."],
    ),
    "gr": ("Ποιος το ήξερε; Κανείς. Ήταν ψέμα.", ["Ποιος το ήξερε;", "Κανείς.", "Ήταν ψέμα."]),
    "ka": ("ვინ იცოდა? არავინ. ეს ტყუილია.", ["ვინ იცოდა?", "არავინ.", "ეს ტყუილია."]),
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_sentences_split_at_their_ends_and_not_at_abbreviations(lang):
    text, want = SENTENCES[lang]
    assert cut(text, sentences(text)) == want


def test_a_lower_case_word_after_a_full_stop_continues_the_sentence():
    text = "He lied, i.e. he said so. Then he left"
    assert cut(text, sentences(text)) == ["He lied, i.e. he said so.", "Then he left"]


def test_offsets_index_the_text_given_and_quotes_stay_outside():
    text = 'xx "We will win." They lost.'
    got = sentences(text, 3, len(text))
    assert cut(text, got) == ["We will win.", "They lost."]
    assert all(3 <= a < b <= len(text) for a, b in got)


def test_clauses_cut_at_commas_semicolons_dashes_and_brackets():
    text = "They came, they saw; nobody — not even he (the mayor) — knew why."
    assert cut(text, clauses(text, 0, len(text))) == [
        "They came,",
        "they saw;",
        "nobody",
        "not even he",
        "(the mayor)",
        "knew why.",
    ]


def test_candidates_are_sentences_and_runs_of_clauses_inside_one():
    text = "A is bad, B is worse. C lies."
    got = set(cut(text, candidates(text, 0, len(text))))
    assert got == {"A is bad, B is worse.", "A is bad,", "B is worse.", "C lies."}


FUNCTION_ONLY = {
    "en": "of the",
    "fr": "et la",
    "ge": "und der",
    "it": "e il",
    "po": "i w",
    "ru": "и в",
    "es": "y el",
    "gr": "και το",
    "ka": "და ეს",
}
CONTENT = {
    "en": "the traitors",
    "fr": "les traîtres",
    "ge": "die Verräter",
    "it": "i traditori",
    "po": "zdrajcy",
    "ru": "предатели",
    "es": "los traidores",
    "gr": "οι προδότες",
    "ka": "მოღალატეები",
}


@pytest.mark.parametrize("lang", sorted(FUNCTION_ONLY))
def test_function_words_are_no_content_in_every_language(lang):
    assert lang in STOPWORDS
    assert not has_content(FUNCTION_ONLY[lang], lang)
    assert not has_content(FUNCTION_ONLY[lang] + " , —", lang)
    assert has_content(CONTENT[lang], lang)
    assert has_content("100%", lang)  # a number is content (Exaggeration: "100%")


def test_no_decoded_span_is_made_only_of_function_words():
    # tokens: "the" scores highest, "traitors" next: the lone "the" is dropped and the
    # chosen technique keeps its best run that holds a content word
    text = "the traitors of the west"
    starts = np.array([-1, 0, 4, 13, 16, 20])
    ends = np.array([-1, 3, 12, 15, 19, 24])
    probs = np.array([[0.0], [0.9], [0.4], [0.1], [0.95], [0.05]], dtype=np.float32)
    cfg = SpanSettings(threshold=0.5, gap=0, words=True)
    got = locate_spans(
        probs, starts, ends, ["Loaded_Language"], ["Loaded_Language"], cfg, (0, 24), text, lang="en"
    )
    assert [(s.start, s.end) for s in got] == [(0, 12)]
    assert all(has_content(text[s.start : s.end], "en") for s in got)
    # a technique not chosen keeps no span at all when its runs are all function words
    got = locate_spans(probs, starts, ends, ["Loaded_Language"], [], cfg, (0, 24), text, lang="en")
    assert got == []


def test_a_whole_paragraph_span_carries_its_most_likely_sentence_as_focus():
    text = "It rained. Is this really a war, or a lie? We do not know."
    # tokens: one per word (start, end); Doubt scores high only on the middle sentence
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = np.array([s for s, _ in words])
    ends = np.array([e for _, e in words])
    probs = np.array([[0.9 if 11 <= s < 42 else 0.05] for s, _ in words], dtype=np.float32)
    cfg = SpanSettings(threshold=0.5, whole=("Doubt",))
    (sp,) = locate_spans(probs, starts, ends, ["Doubt"], ["Doubt"], cfg, (0, len(text)), text, lang="en")
    assert (sp.start, sp.end) == (0, len(text))  # the span the metric scores: the paragraph
    assert text[sp.focus_start : sp.focus_end] == "Is this really a war, or a lie?"
    # as a "units" technique the same sentence is the span itself
    cfg = SpanSettings(threshold=0.5, units=("Doubt",))
    (sp,) = locate_spans(probs, starts, ends, ["Doubt"], ["Doubt"], cfg, (0, len(text)), text, lang="en")
    assert text[sp.start : sp.end] == "Is this really a war, or a lie?" and sp.focus_start is None


def test_a_focus_outside_its_span_is_refused():
    from spinscan.types import Span

    with pytest.raises(ValueError, match="focus"):
        Span("Doubt", 10, 20, focus_start=5, focus_end=15)
    with pytest.raises(ValueError, match="focus"):
        Span("Doubt", 10, 20, focus_start=12)

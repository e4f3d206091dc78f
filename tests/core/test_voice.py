"""Whose words a span is: quotation marks of the 9 languages, apostrophes, dialogue dashes."""

from __future__ import annotations

import pytest

from spinscan.analysis import analyze, default_lexical_path
from spinscan.voice import quoted_ranges, voice_of


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_ranges(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He called them 'scum' traitors and said they would 'spit them out'.",
            ["'scum'", "'spit them out'"],
        ),
        ("Putin's aides didn't say; the Smiths' house was \"a ruin\".", ['"a ruin"']),
        ("She said “we will win” and left.", ["“we will win”"]),
        ("Er sagte: „Wir schaffen das“ und ging.", ["„Wir schaffen das“"]),
        ("Powiedział: „Nie oddamy ani guzika”.", ["„Nie oddamy ani guzika”"]),
        ("Il a dit « nous gagnerons » hier.", ["« nous gagnerons »"]),
        ("Ha detto «vinceremo» ieri.", ["«vinceremo»"]),
        ("Dijo «ganaremos» ayer.", ["«ganaremos»"]),
        ("Он сказал: «Мы победим».", ["«Мы победим»"]),
        ("Δήλωσε «θα νικήσουμε» χθες.", ["«θα νικήσουμε»"]),
        ("მან თქვა: „ჩვენ გავიმარჯვებთ“.", ["„ჩვენ გავიმარჯვებთ“"]),
        ("Er schrieb »Nein« an alle.", ["»Nein«"]),
        ("Il répondit ‹ non › sèchement.", ["‹ non ›"]),
        ("— Мы победим, — сказал он. — Обязательно.", ["— Мы победим,", "— Обязательно."]),
        (
            "“A quotation that goes on into the next paragraph",
            ["“A quotation that goes on into the next paragraph"],
        ),
        ("No quotation here, only the 1990s' style and the Joneses' car.", []),
    ],
)
def test_quotations_in_every_language(text, expected):
    assert quoted(text) == expected


def test_a_span_is_quoted_when_most_of_it_is():
    text = "He called them 'scum traitors' today."
    r = quoted_ranges(text)
    assert voice_of(r, text.index("scum"), text.index("scum") + 4) == "quoted"
    assert voice_of(r, text.index("called"), text.index("them") + 4) == "author"
    # across the boundary: labelled by where most of its characters are
    assert voice_of(r, text.index("them"), text.index("traitors") + 8) == "quoted"
    assert voice_of(r, text.index("today"), len(text)) == "author"


def test_every_span_and_technique_of_an_analysis_says_whose_words():
    text = "Title\n\nThe minister said the opposition were 'corrupt traitors who betrayed the nation'.\nThe corrupt elite lied again, the author writes.\n"
    a = analyze(text, lang="en", model=default_lexical_path())
    for p in a.paragraphs:
        assert set(p.voices) == set(p.techniques)
        assert all(s.voice in ("author", "quoted") for s in p.spans)
    assert all(v["author"] + v["quoted"] >= 1 for v in a.voice_counts().values())
    assert "voice" in a.to_dict()["paragraphs"][1]["spans"][0] if a.paragraphs[1].spans else True

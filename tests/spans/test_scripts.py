"""Scripts without spaces (Chinese, Japanese, Thai) and right-to-left ones (Arabic, Hebrew,
Persian): sentences, clauses and span edges, with texts the tests write."""

from __future__ import annotations

import pytest

from spinscan.models.lexical import char_wb_ngrams, word_ngrams
from spinscan.spans.decode import snap_to_words
from spinscan.spans.units import clauses, sentences


def cut(text: str, parts: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in parts]


@pytest.mark.parametrize(
    "text, want",
    [
        (
            "政府は新しい措置を発表した。野党はすぐに反発した！本当に必要か？",
            ["政府は新しい措置を発表した。", "野党はすぐに反発した！", "本当に必要か？"],
        ),
        ("政府周一宣布了新措施。反对派立即表示反对。", ["政府周一宣布了新措施。", "反对派立即表示反对。"]),
        ("هل هذا عدل؟ الحكومة كذبت علينا مرة أخرى.", ["هل هذا عدل؟", "الحكومة كذبت علينا مرة أخرى."]),
        ("सरकार ने झूठ बोला। विपक्ष ने विरोध किया।", ["सरकार ने झूठ बोला।", "विपक्ष ने विरोध किया।"]),
        ("הממשלה שיקרה שוב. האופוזיציה כועסת.", ["הממשלה שיקרה שוב.", "האופוזיציה כועסת."]),
    ],
)
def test_sentences_end_at_each_scripts_full_stop(text: str, want: list[str]):
    assert cut(text, sentences(text)) == want


def test_clauses_cut_at_the_commas_of_other_scripts():
    zh = "政府说，这是必要的，反对派说，这是谎言。"
    assert cut(zh, clauses(zh, 0, len(zh))) == ["政府说，", "这是必要的，", "反对派说，", "这是谎言。"]
    ja = "政府は、この措置が必要だと述べた。"
    assert cut(ja, clauses(ja, 0, len(ja))) == ["政府は、", "この措置が必要だと述べた。"]
    ar = "قال الوزير، إن هذا ضروري؛ المعارضة رفضت"
    assert cut(ar, clauses(ar, 0, len(ar))) == ["قال الوزير،", "إن هذا ضروري؛", "المعارضة رفضت"]


def test_a_span_in_a_script_without_spaces_keeps_its_token_edges():
    ja = "政府は腐敗した独裁者だと野党は言った"
    s, e = ja.index("腐敗"), ja.index("腐敗") + 2
    assert snap_to_words(ja, s, e) == (s, e)  # not the whole run of letters around it
    th = "รัฐบาลโกหกประชาชนอีกแล้ว"
    assert snap_to_words(th, 6, 10) == (6, 10)
    # spaced scripts still grow to whole words, right-to-left ones included
    en = "the corrupt dictator"
    assert snap_to_words(en, 5, 9) == (4, 11)
    he = "הממשלה המושחתת שיקרה"
    assert snap_to_words(he, 9, 11) == (7, 14)
    mixed = "野党はdictatorと言った"
    assert snap_to_words(mixed, 5, 8) == (3, 11)  # the Latin word whole, not the kana around it


def test_the_lexical_partners_features_read_every_script():
    # a run of letters of a script without spaces is one "word"; its character n-grams still count
    ja = "政府は腐敗した独裁者だと野党は言った。"
    assert word_ngrams(ja, 1, 2) == ["政府は腐敗した独裁者だと野党は言った"]
    assert " 政府" in char_wb_ngrams(ja, 3, 5) and "独裁者" in char_wb_ngrams(ja, 3, 5)
    fa = "دولت دوباره به مردم دروغ گفت، وزیر گفت."
    assert word_ngrams(fa, 1, 1) == ["دولت", "دوباره", "به", "مردم", "دروغ", "گفت", "وزیر", "گفت"]
    he = "הממשלה שיקרה לנו שוב"
    assert "הממשלה שיקרה" in word_ngrams(he, 1, 2) and " שוב " in char_wb_ngrams(he, 3, 5)

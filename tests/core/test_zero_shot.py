"""Articles in languages no article of which trained the model: analysed, marked zero-shot, their
offsets end-exclusive character offsets into the input in every script (texts written here)."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from spinscan import analyze
from spinscan.analysis import default_lexical_path, get_model
from spinscan.errors import UnsupportedLanguageError

LEXICAL = str(default_lexical_path())

ARTICLES = {
    "ja": "政府の新しい計画\n\n政府は月曜日、インフレに対する新たな措置を発表した。\n\n"
    "野党は「これは国民への裏切りだ」と述べ、腐敗した政権を厳しく批判した。\n\n"
    "専門家によると、この計画は失敗する運命にある。誰もがそれを知っている。\n",
    "zh": "政府的新计划\n\n政府周一宣布了应对通货膨胀的新措施。\n\n"
    "反对派称“这是对人民的背叛”，并严厉批评了腐败的政权。\n\n专家说，这个计划注定失败，每个人都知道。\n",
    "th": "แผนใหม่ของรัฐบาล\n\nรัฐบาลประกาศมาตรการใหม่เพื่อต่อต้านเงินเฟ้อในวันจันทร์\n\n"
    "ฝ่ายค้านกล่าวว่านี่คือการทรยศต่อประชาชน และวิจารณ์รัฐบาลที่ทุจริตอย่างรุนแรง\n",
    "ar": "خطة الحكومة الجديدة\n\nأعلنت الحكومة يوم الاثنين عن إجراءات جديدة لمكافحة التضخم.\n\n"
    "وقالت المعارضة إن «هذه خيانة للشعب»، وانتقدت بشدة النظام الفاسد.\n\n"
    "يقول الخبراء إن هذه الخطة محكوم عليها بالفشل، والجميع يعرف ذلك.\n",
    "he": "התוכנית החדשה של הממשלה\n\nהממשלה הודיעה ביום שני על צעדים חדשים נגד האינפלציה.\n\n"
    'האופוזיציה אמרה כי "זו בגידה בעם" ותקפה בחריפות את השלטון המושחת.\n',
    "fa": "برنامه جدید دولت\n\nدولت روز دوشنبه اقدامات جدیدی را علیه تورم اعلام کرد.\n\n"
    "مخالفان گفتند «این خیانت به مردم است» و به شدت از حکومت فاسد انتقاد کردند.\n",
    "pt": "O novo plano do governo\n\nO governo anunciou na segunda-feira novas medidas contra a inflação.\n\n"
    "A oposição disse que «isto é uma traição ao povo» e criticou duramente o regime corrupto.\n",
}


def check_offsets(a, text: str) -> None:
    """Paragraphs and spans index the input exactly, and no span edge splits a character cluster."""
    for p in a.paragraphs:
        assert text[p.start : p.end].rstrip("\r") == p.text
        for s in p.spans:
            assert p.start <= s.start < s.end <= p.end and text[s.start : s.end].strip()
            for edge in (s.start, s.end):
                assert edge == len(text) or unicodedata.combining(text[edge]) == 0


@pytest.mark.parametrize("code", sorted(ARTICLES))
def test_every_script_is_analysed_zero_shot_with_exact_offsets(code: str):
    text = ARTICLES[code]
    a = analyze(text, model=LEXICAL)
    assert (a.lang, a.lang_detected, a.zero_shot) == (code, True, True)
    assert a.lang_name and a.lang_name != code and 0.5 < a.lang_confidence <= 1.0
    assert len(a.paragraphs) == text.count("\n\n") + 1 and a.genre in a.genre_scores
    check_offsets(a, text)
    d = a.to_dict()
    assert d["zero_shot"] is True and d["lang"] == code and d["lang_name"] == a.lang_name


def test_a_trained_language_is_not_zero_shot_and_a_given_language_is_used():
    a = analyze("Headline\n\nThe government lied to the people again, he said.\n", model=LEXICAL)
    assert (a.lang, a.zero_shot, a.lang_note) == ("en", False, None) and a.lang_confidence > 0.9
    b = analyze(ARTICLES["pt"], lang="pt-BR", model=LEXICAL)  # a regional code, given
    assert (b.lang, b.lang_detected, b.zero_shot, b.lang_confidence) == ("pt", False, True, None)


def test_a_mixed_article_says_which_language_it_was_analysed_as():
    pt = [
        "O governo anunciou na segunda-feira novas medidas contra a inflação galopante.",
        "A oposição disse que isto é uma traição ao povo e criticou duramente o regime.",
        "Os especialistas dizem que o plano está condenado ao fracasso desde o primeiro dia.",
    ]
    en = [
        "The minister said the opposition was lying to the people again, as always.",
        "Nobody believed him.",
    ]
    a = analyze("\n\n".join(["Título", *pt, *en]), model=LEXICAL)
    assert a.lang == "pt" and a.lang_note and "mixed languages" in a.lang_note
    assert a.lang_note.endswith("analysed as Portuguese")


def test_a_language_outside_the_list_and_text_with_no_language_are_refused():
    with pytest.raises(UnsupportedLanguageError, match="Maltese"):
        analyze("Aħbarijiet\n\nIl-gvern ħabbar it-Tnejn miżuri ġodda kontra l-inflazzjoni.\n", model=LEXICAL)
    with pytest.raises(UnsupportedLanguageError, match="no words"):
        analyze("2024\n\n12 345 678\n", model=LEXICAL)
    assert analyze("2024\n\n12 345 678\n", lang="en", model=LEXICAL).lang == "en"  # given: analysed


def test_the_zero_shot_settings_change_only_unseen_languages(monkeypatch):
    """An encoder model's zero-shot weight and shift apply to an unseen language's articles and
    leave a trained language's answers as they were."""
    from spinscan.models.encoder.settings import ZeroShotSettings

    m = get_model()  # the default encoder model
    pt, en = ARTICLES["pt"], "Headline\n\nThe corrupt regime lied to the people again, he said.\n"
    before_pt, before_en = analyze(pt, model=m), analyze(en, model=m)
    # every threshold down to its floor for unseen languages: every label chosen for them
    loose = ZeroShotSettings(
        techniques_weight=1.0, techniques_shift=-0.5, frames_weight=1.0, frames_shift=-0.5
    )
    monkeypatch.setattr(m, "settings", dataclasses.replace(m.settings, zero_shot=loose))
    after_pt, after_en = analyze(pt, model=m), analyze(en, model=m)
    assert after_en.to_dict()["paragraphs"] == before_en.to_dict()["paragraphs"]
    assert after_en.frames == before_en.frames and after_en.genre_scores == before_en.genre_scores
    for p in after_pt.paragraphs:  # every technique at or over the floor (0.01)
        assert {t for t, v in p.scores.items() if v >= 0.0101} <= set(p.techniques)
    n = sum(len(p.techniques) for p in after_pt.paragraphs)
    assert n > sum(len(p.techniques) for p in before_pt.paragraphs) + 20
    assert len(after_pt.frames) == 14 and len(before_pt.frames) < 14
    assert before_pt.zero_shot and after_pt.zero_shot and not after_en.zero_shot

"""Which languages spinscan analyses, and telling them from text."""

from __future__ import annotations

import pytest

from spinscan.errors import UnsupportedLanguageError
from spinscan.language import guess_language, identify, words
from spinscan.languages import (
    COVERED,
    all_codes,
    is_covered,
    is_spaceless,
    language_name,
    language_table,
    normalise_language,
)


@pytest.mark.parametrize(
    "text, code",
    [
        ("O governo anunciou na segunda-feira novas medidas contra a inflação, disse o ministro.", "pt"),
        ("Уряд оголосив у понеділок нові заходи проти інфляції, заявив міністр.", "uk"),
        ("Правителството обяви в понеделник нови мерки срещу инфлацията, каза министърът.", "bg"),
        ("政府は月曜日、インフレに対する新たな措置を発表したと大臣が述べた。", "ja"),
        ("정부는 월요일 인플레이션에 대한 새로운 조치를 발표했다고 장관이 말했다.", "ko"),
        ("政府周一宣布了应对通货膨胀的新措施，部长说。", "zh"),
        ("รัฐบาลประกาศมาตรการใหม่เพื่อต่อต้านเงินเฟ้อในวันจันทร์ รัฐมนตรีกล่าว", "th"),
        ("أعلنت الحكومة يوم الاثنين عن إجراءات جديدة لمكافحة التضخم، قال الوزير.", "ar"),
        ("הממשלה הודיעה ביום שני על צעדים חדשים נגד האינפלציה, אמר השר.", "he"),
        ("دولت روز دوشنبه اقدامات جدیدی را علیه تورم اعلام کرد، وزیر گفت.", "fa"),
        ("सरकार ने सोमवार को महंगाई के खिलाफ नए उपायों की घोषणा की, मंत्री ने कहा।", "hi"),
        ("De regering heeft maandag nieuwe maatregelen tegen de inflatie aangekondigd.", "nl"),
        ("Die Regierung hat am Montag neue Maßnahmen gegen die Inflation angekündigt.", "ge"),
    ],
)
def test_languages_the_encoder_read_are_identified(text: str, code: str):
    g = identify(text)
    assert g.code == code and g.confidence > 0.5 and is_covered(code)


def test_a_language_outside_the_list_is_refused_naming_it_and_the_list():
    with pytest.raises(UnsupportedLanguageError) as e:
        identify("Il-gvern ħabbar it-Tnejn miżuri ġodda kontra l-inflazzjoni, qal il-ministru tal-finanzi.")
    msg = str(e.value)
    assert "Maltese (mt" in msg and "93 languages" in msg and "pt" in msg and "\n" not in msg
    # the library names the setting that fixes it, never a command-line flag (the CLI adds that)
    assert e.value.setting == "lang" and e.value.code == "unsupported_language" and "--" not in msg


@pytest.mark.parametrize("text", ["12345 678", "Hi", "!!! ???", "2024-05-01 12:00", "政"])
def test_text_with_no_language_in_it_is_refused(text: str):
    with pytest.raises(UnsupportedLanguageError, match="no words to tell its language from"):
        identify(text)
    assert guess_language(text) == (None, 0.0)


def test_words_count_characters_of_scripts_without_spaces():
    assert words("Hello, world 42") == 2 and words("政府は") == 3 and words("a政b") == 3
    assert is_spaceless("政") and is_spaceless("ก") and not is_spaceless("a") and not is_spaceless("ש")


def test_an_unsure_guess_says_so_and_names_the_other_language():
    g = identify("Pemerintah mengumumkan langkah-langkah baru melawan inflasi pada hari Senin.")
    assert g.code in ("id", "ms") and g.confidence < 0.9
    assert g.note and "Indonesian" in g.note and "Malay" in g.note and "analysed as" in g.note


def test_a_mixed_text_says_which_language_was_used():
    en = "The government lied to the people again, he said, and the opposition agreed with him."
    pt = "O governo mentiu de novo ao povo, disse ele, e a oposição concordou com ele ontem à noite."
    g = identify("\n".join([pt, pt, pt, en, en]))
    assert g.code == "pt" and set(g.shares) == {"pt", "en"} and 0.5 < g.shares["pt"] < 0.8
    assert g.note.startswith("mixed languages") and g.note.endswith("analysed as Portuguese")
    assert identify("\n".join([pt] * 5)).note is None


def test_codes_official_iso_and_regional():
    got = [normalise_language(c) for c in ("de", "PL", "el", "ge", "ka", "pt-BR", "zh_TW", "nb", "UK")]
    assert got == ["ge", "po", "gr", "ge", "ka", "pt", "zh", "no", "uk"]
    for bad in ("xx", "mt", "gr-x", ""):
        with pytest.raises(UnsupportedLanguageError, match="unknown language code"):
            normalise_language(bad)


def test_the_list_and_its_statuses():
    assert len(COVERED) == len(all_codes()) == 93
    table = language_table(["en", "fr", "ge", "it", "po", "ru"], detectable=["en", "pt"])
    assert [r["code"] for r in table[:6]] == ["en", "fr", "ge", "it", "po", "ru"]
    by = {r["code"]: r for r in table}
    assert by["ge"] == {"code": "ge", "iso": "de", "name": "German", "status": "trained", "detected": False}
    assert by["pt"]["status"] == "zero-shot" and by["pt"]["detected"] and by["es"]["status"] == "zero-shot"
    assert (
        language_name("uk") == "Ukrainian"
        and language_name("po") == "Polish"
        and language_name("mt") == "Maltese"
    )


def test_close_languages_are_not_taken_for_a_mixed_text():
    # Indonesian paragraphs, two of which look Malay alone (but could well be Indonesian)
    paras = [
        "Pemerintah mengumumkan langkah-langkah baru melawan inflasi pada hari Senin pagi.",
        "Pihak oposisi menolak rencana kerajaan itu dan menyebutnya sebagai kebohongan besar.",
        "Menteri keuangan mengatakan bahwa harga bahan pokok akan turun bulan depan.",
        "Pembangkang menolak rancangan itu dan menyebutnya sebagai pembohongan besar.",
        "Para ahli ekonomi meragukan bahwa kebijakan tersebut akan berhasil tahun ini.",
    ]
    g = identify("\n".join(paras))
    assert g.code == "id" and g.shares == {"id": 1.0} and not (g.note or "").startswith("mixed")

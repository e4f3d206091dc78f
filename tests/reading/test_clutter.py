"""Page clutter in plain text is marked with a reason; real paragraphs are never marked."""

from __future__ import annotations

import pytest

from spinscan.reading.clutter import BOILERPLATE, DUPLICATE, NAVIGATION, is_boilerplate, mark_clutter
from spinscan.types import split_paragraphs

PROSE = [
    "The finance minister announced on Monday that the budget deficit would fall to three per cent next year.",
    "Opposition leaders said the plan relied on growth forecasts that most economists consider optimistic.",
    "The central bank is expected to comment on the figures at its meeting in two weeks' time, officials said.",
]


def marks(lines: list[str]) -> dict[int, str]:
    return mark_clutter(split_paragraphs("\n".join(lines)))


def test_a_clean_article_has_nothing_marked():
    assert marks(["Budget deficit to fall, minister says", *PROSE]) == {}
    # short sentences and a subheading inside the article stay
    assert marks(["Headline here", PROSE[0], "Why indeed.", "The reaction", PROSE[1], PROSE[2], "Why?"]) == {}


def test_notices_inside_an_article_are_boilerplate():
    got = marks(["Title", PROSE[0], "Advertisement", PROSE[1], "Share this article", PROSE[2]])
    assert got == {3: BOILERPLATE, 5: BOILERPLATE}


def test_a_caption_printed_twice_is_a_duplicate_and_the_first_copy_stays():
    caption = "Rescuers work next to a market in Kharkiv that was damaged by shelling on Wednesday (pictured)"
    got = marks(["Title", PROSE[0], caption, caption, PROSE[1], caption[:70], PROSE[2]])
    assert got == {4: DUPLICATE, 6: DUPLICATE}  # (a truncated second copy too)


def test_a_paragraph_repeating_a_headline_word_or_a_short_slogan_is_kept():
    lines = [
        "Stop the war",
        PROSE[0],
        "Stop the war!",
        PROSE[1],
        "The war must stop, protesters chanted again.",
        PROSE[2],
    ]
    assert marks(lines) == {}


def test_menus_before_and_related_links_after_the_article_are_navigation():
    menu = ["Home", "World", "Politics", "Business", "Sign In", "Subscribe"]
    after = ["Most Popular", "Markets fall as oil rises", "Rates held at four per cent", "Cookie Policy"]
    got = marks([*menu, "Budget deficit to fall, minister says", *PROSE, *after])
    kept = [i + 1 for i in range(len(menu) + 1 + len(PROSE) + len(after)) if i + 1 not in got]
    assert kept == [7, 8, 9, 10]  # the headline (next to the article) and its three paragraphs
    assert got[5] == BOILERPLATE and got[1] == NAVIGATION and got[11] in (BOILERPLATE, NAVIGATION)


def test_the_comment_section_and_footer_end_the_article():
    comments = [
        "Comments (12)",
        "Rating: 5 votes",
        "I think this budget is a disaster for every working family in the land.",
    ]
    got = marks(["Title", *PROSE, *comments, "© 2019 Some News Inc. All Rights Reserved."])
    assert set(got) == {5, 6, 7, 8}


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement", "Anzeige", "Publicité", "Pubblicità", "Reklama", "Реклама", "Publicidad", "Διαφήμιση",
        "რეკლამა", "The comments below have not been moderated.", "Share or comment on this article:",
        "We use cookies to improve your experience.", "© 2022 Associated Newspapers Ltd", "Read more",
        "Leggi anche", "Читайте также", "Lee también", "Czytaj też", "Lire aussi", "Weiterlesen",
        "Tous droits réservés", "2 days ago at 07:52 am",
    ],
)  # fmt: skip
def test_boilerplate_in_the_nine_languages(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The advertisement campaign cost the party two million euros, its treasurer said.",
        "Readers left more than a thousand comments under the minister's post on Monday.",
        "Die Anzeige gegen den Bürgermeister wurde am Freitag zurückgezogen, teilte die Polizei mit.",
        "Реклама на телевидении подорожала на треть за год, сообщает агентство.",
    ],
)
def test_prose_that_mentions_a_notice_word_is_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_only_duplicates_and_boilerplate_for_text_an_extractor_already_cut():
    text = "\n".join(["Home", "Title", *PROSE, "Advertisement", "Related", "Markets fall"])
    got = mark_clutter(split_paragraphs(text), page=False)
    assert got == {6: BOILERPLATE, 7: BOILERPLATE}  # (the "Related" heading too; not the menu)

"""The terminal report on a synthetic analysis: summary, folding, brackets, uncertainty."""

from __future__ import annotations

import io
import json

from rich.console import Console

from spinscan.cli.report import TAGS, print_report
from spinscan.labels import TECHNIQUES
from spinscan.types import Analysis, ParagraphResult, Span

TEXT = "Title\n\nThe corrupt elite lied.\nA neutral line.\nAnother neutral line.\nThey are traitors!\nAdvertisement\n"


def analysis() -> Analysis:
    def par(line_no, start, text, techs=(), spans=(), skipped=None):
        scores = {t: 0.0 for t in TECHNIQUES} | {t: 0.7 for t in techs}
        return ParagraphResult(
            line_no, start, start + len(text), text, list(techs), scores, list(spans), skipped=skipped
        )

    return Analysis(
        lang="en", lang_detected=True, genre="opinion",
        genre_scores={"opinion": 0.48, "reporting": 0.42, "satire": 0.10},
        frames=["Political"], frame_scores={"Political": 0.6, "Economic": 0.2},
        paragraphs=[
            par(1, 0, "Title"),
            par(3, 7, "The corrupt elite lied.", ["Loaded_Language"], [Span("Loaded_Language", 11, 18, 0.8)]),
            par(4, 31, "A neutral line."),
            par(5, 47, "Another neutral line."),
            par(6, 69, "They are traitors!", ["Name_Calling-Labeling"], [Span("Name_Calling-Labeling", 78, 86, 0.9)]),
            par(7, 88, "Advertisement", skipped="boilerplate"),
        ],
        model={"name": "m", "kind": "lexical", "version": "1"},
    )  # fmt: skip


def show(colour: bool, every: bool = False) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=80,
        force_terminal=colour,
        no_color=not colour,
        color_system="standard" if colour else None,
    )
    print_report(console, analysis(), "a.txt", every)
    return buf.getvalue()


def test_plain_report_folds_brackets_and_warns_of_a_close_genre():
    out = show(False)
    assert TEXT[11:18] == "corrupt" and "[LL: corrupt]" in out and "[NAME: traitors]" in out
    assert "uncertain: opinion or reporting" in out
    assert "in quotes" in out.split("Strongest passages:")[0]  # the technique table counts quoted spans
    assert "(line 7)" not in out and "without techniques (line 4-5)" in out  # a run at the end: no line
    assert "… 2 paragraphs without techniques (line 4-5) …" in out
    assert "… 1 paragraph without techniques (line 1) …" in out
    assert "1 clutter skipped (1 boilerplate)" in out
    assert out.index("Strongest passages:") < out.index("Paragraphs with techniques:")
    assert "¶6 NAME .70 │" in out and "Tags: LL Loaded_Language" in out


def test_every_paragraph_with_all_and_colour_without_brackets():
    out = show(False, every=True)
    assert "¶4 │ A neutral line." in out and "not analysed (boilerplate) │ Advertisement" in out
    coloured = show(True)
    assert "[LL: " not in coloured and "\x1b[" in coloured and "corrupt" in coloured


def test_tags_are_unique_and_cover_every_technique():
    assert set(TAGS) == set(TECHNIQUES) and len(set(TAGS.values())) == len(TAGS)


def test_the_report_and_labels_say_how_often_a_mark_was_right(tmp_path):
    from spinscan.analysis import in_ten, technique_reliability
    from spinscan.cli.report import labels_table

    rel = {
        "Loaded_Language": {"marked": 10, "right": 4, "annotated": 8, "precision": 0.4, "recall": 0.5},
        "Red_Herring": {"marked": 0, "right": 0, "annotated": 3, "precision": None, "recall": 0.0},
    }
    (tmp_path / "metrics.json").write_text(json.dumps({"techniques_heldout_by_label": {"labels": rel}}))
    assert technique_reliability(tmp_path) == rel
    assert technique_reliability(tmp_path / "missing") == {}
    assert in_ten(0.43) == "4 in 10" and in_ten(None) == "not measured"
    buf = io.StringIO()
    print_report(Console(file=buf, width=80, no_color=True), analysis(), "a.txt", reliability=rel)
    table = buf.getvalue().split("Strongest passages:")[0]
    assert "right*" in table and "4 in 10" in table and "right on held-out articles" in table
    buf = io.StringIO()
    Console(file=buf, width=120, no_color=True).print(labels_table(rel))
    assert "right 4 in 10, finds 5 in 10" in buf.getvalue() and "never marked" in buf.getvalue()


def test_plain_report_shows_nested_and_crossing_spans_each_with_its_tag():
    from spinscan.cli.report import paragraph

    text = "Those corrupt traitors will destroy us all."
    techs = ["Loaded_Language", "Name_Calling-Labeling", "Slogans", "Appeal_to_Fear-Prejudice"]
    spans = [
        Span("Loaded_Language", 6, 13),  # "corrupt", nested in NAME's span
        Span("Name_Calling-Labeling", 6, 22),  # "corrupt traitors"
        Span("Slogans", 0, 43),  # the whole line
        Span("Appeal_to_Fear-Prejudice", 14, 35),  # "traitors will destroy", crossing NAME's end
    ]
    scores = {t: 0.0 for t in TECHNIQUES} | {t: 0.7 for t in techs}
    p = ParagraphResult(1, 0, len(text), text, techs, scores, spans)
    buf = io.StringIO()
    Console(file=buf, width=200, no_color=True, color_system=None).print(*paragraph(p, colour=False))
    out = buf.getvalue()
    assert out.count("[") == out.count("]") == 5  # four spans, the crossing one in two parts
    for t in techs:
        assert f"[{TAGS[t]}: " in out
    body = out.split("│ ", 1)[1].strip()
    assert body == (
        f"[{TAGS['Slogans']}: Those [{TAGS['Name_Calling-Labeling']}: [{TAGS['Loaded_Language']}: corrupt] "
        f"[{TAGS['Appeal_to_Fear-Prejudice']}: traitors]][{TAGS['Appeal_to_Fear-Prejudice']}:  will destroy] us all.]"
    )


def test_a_zero_shot_article_says_so_and_its_language_doubts_in_the_header():
    import dataclasses

    a = dataclasses.replace(
        analysis(), lang="pt", lang_name="Portuguese", zero_shot=True, lang_confidence=0.61,
        lang_note="language unsure: Portuguese (61%) or Galician (38%); analysed as Portuguese",
    )  # fmt: skip
    rel = {"Loaded_Language": {"marked": 10, "right": 3, "annotated": 8, "precision": 0.3, "recall": 0.5}}
    buf = io.StringIO()
    print_report(Console(file=buf, width=80, no_color=True), a, "a.txt", reliability=rel)
    out = buf.getvalue()
    head = out.split("Genre:")[0]
    assert "Portuguese (pt, detected 61%)" in head
    assert "zero-shot: no Portuguese articles trained this model" in " ".join(head.split())
    assert "or Galician (38%); analysed as Portuguese" in " ".join(head.split())
    assert "right on held-out articles of languages left out of training" in " ".join(out.split())
    buf = io.StringIO()
    print_report(Console(file=buf, width=80, no_color=True), analysis(), "a.txt")
    assert "zero-shot" not in buf.getvalue() and "English (en, detected)" in buf.getvalue()
    # a language taught only its techniques: its genre and frames are zero-shot, said in the header
    taught = dataclasses.replace(
        analysis(), lang="ar", lang_name="Arabic", zero_shot_heads=["genre", "frames"]
    )
    buf = io.StringIO()
    print_report(Console(file=buf, width=80, no_color=True), taught, "a.txt")
    head = " ".join(buf.getvalue().split("Genre:")[0].split())
    assert "genre and frames: zero-shot (no Arabic article with these labels" in head
    assert "zero-shot: no Arabic articles" not in head

from spinscan.types import Span, split_paragraphs


def test_paragraph_rule_counts_every_line_and_skips_blank_ones():
    text = "Title\r\n\r\nFirst para.\r\n \r\n\tSecond\r\n"
    ps = split_paragraphs(text)
    assert [p.line_no for p in ps] == [1, 3, 5]
    assert [p.text for p in ps] == ["Title\r", "First para.\r", "\tSecond\r"]
    for p in ps:
        assert text[p.start : p.end] == p.text  # offsets index the raw text, '\r' included


def test_bom_counts_as_one_character():
    text = "\ufeffTitle\n\nBody"
    ps = split_paragraphs(text)
    assert ps[0].start == 0 and ps[0].text == "\ufeffTitle"
    assert text[ps[1].start : ps[1].end] == "Body"
    assert ps[1].start == len("\ufeffTitle\n\n")


def test_no_paragraph_in_blank_text():
    assert split_paragraphs(" \r\n\n\t") == []


def test_span_rejects_reversed_offsets():
    import pytest

    with pytest.raises(ValueError):
        Span("Doubt", 5, 2)

from pathlib import Path

import pytest

from spinscan.errors import DataError
from spinscan.semeval.data import (
    Dataset,
    file_newline,
    paragraph_rows,
    read_spans,
    read_subtask1,
    read_subtask2,
    read_subtask3,
    write_spans,
    write_subtask1,
    write_subtask2,
    write_subtask3,
)

from ..conftest import write


def test_reads_gold_of_each_subtask(tiny_data: Path):
    ds = Dataset(tiny_data)
    assert ds.languages("train") == ["fr"]
    assert ds.languages("dev") == []  # an absent split is simply not offered
    assert ds.languages("test") == ["fr"]
    a1, a2 = ds.articles("fr", "train", 1)
    assert (a1.genre, a2.genre) == ("opinion", "reporting")
    assert ds.articles("fr", "train", 2)[0].frames == ["Morality", "Political"]
    arts = ds.articles("fr", "train", 3)
    assert arts[0].techniques[3] == ["Name_Calling-Labeling", "Loaded_Language"]
    assert [p.line_no for p in arts[0].paragraphs] == sorted(arts[0].techniques)
    assert [p.line_no for p in arts[1].paragraphs] == [1, 3, 4]


def test_span_offsets_count_cr_and_may_cross_a_line_break(tiny_data: Path):
    a = Dataset(tiny_data).articles("fr", "train", 3)[0]
    s0, s1 = a.spans
    assert a.text[s0.start : s0.end] == "Titre"
    assert a.text[s1.start : s1.end] == "ont menti.\r\n \r\nI"  # crosses two line breaks


def test_test_split_rows_equal_template(tiny_data: Path):
    ds = Dataset(tiny_data)
    rows = [r for a in ds.articles("fr", "test", 3) for r in paragraph_rows(a)]
    assert rows[:2] == ds.template("fr", "test")


def test_round_trip_of_every_format(tmp_path: Path):
    r1 = [("1", "satire"), ("2", "opinion")]
    r2 = [("1", ["Political", "Morality"]), ("2", [])]
    r3 = [("1", 1, []), ("1", 3, ["Doubt", "Slogans"])]
    rs = [("1", "Doubt", 0, 4), ("1", "Slogans", 3, 9)]
    write_subtask1(tmp_path / "1.txt", r1)
    write_subtask2(tmp_path / "2.txt", r2)
    write_subtask3(tmp_path / "3.txt", r3)
    write_spans(tmp_path / "s.txt", rs, newline="\r\n")
    assert read_subtask1(tmp_path / "1.txt") == r1
    assert read_subtask2(tmp_path / "2.txt") == r2
    assert read_subtask3(tmp_path / "3.txt") == r3
    assert read_spans(tmp_path / "s.txt") == rs
    assert file_newline(tmp_path / "s.txt") == "\r\n"
    assert (tmp_path / "3.txt").read_text() == "1\t1\t\n1\t3\tDoubt,Slogans\n"


@pytest.mark.parametrize(
    "name,content,needle",
    [
        (
            "train-labels-subtask-1.txt",
            "2301\topinion\n2302\tnews\n",
            ":2: expected labels from the official list",
        ),
        ("train-labels-subtask-1.txt", "2301 opinion\n", ":1: expected 'id<TAB>genre'"),
        ("train-labels-subtask-2.txt", "2301\tMorality;Political\n", ":1: expected labels"),
        ("train-labels-subtask-3.txt", "2301\tone\tDoubt\n", ":1: expected 'id<TAB>line_no"),
    ],
)
def test_malformed_label_file_names_file_and_line(tiny_data: Path, name, content, needle):
    write(tiny_data / "fr" / name, content)
    st = int(name.split("-")[-1][0])
    with pytest.raises(DataError) as e:
        Dataset(tiny_data).articles("fr", "train", st)
    assert name in str(e.value) and needle in str(e.value)


def test_missing_data_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DataError, match="no such folder"):
        Dataset(tmp_path / "nope")


def test_span_beyond_article_end_is_rejected(tiny_data: Path):
    write(
        tiny_data / "fr" / "train-labels-subtask-3-spans" / "article2301-labels-subtask-3.txt",
        "2301\tDoubt\t0\t9999\n",
    )
    with pytest.raises(DataError, match="beyond the article end"):
        Dataset(tiny_data).articles("fr", "train", 3)


def test_non_utf8_article_names_the_file(tiny_data: Path):
    p = tiny_data / "fr" / "train-articles-subtask-1" / "article2303.txt"
    p.write_bytes(b"caf\xe9\n")
    with pytest.raises(DataError, match="article2303.txt: not valid UTF-8"):
        Dataset(tiny_data).articles("fr", "train", 1)

"""Batch inputs: every kind of file, every kind of bad item, on tiny files the tests write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscan.errors import InputError
from spinscan.reading.sources import count_items, iter_items, join_title, list_inputs

from ..conftest import write


def items_of(*paths, max_bytes: int = 5_000_000):
    entries = list_inputs(list(paths))
    items = list(iter_items(entries, max_bytes))
    assert count_items(entries) == len(items)  # the progress bar's total is exact
    return items


def test_txt_folder_ids_sources_and_bad_files(tmp_path: Path):
    root = tmp_path / "corpus"
    write(root / "dailynews" / "a1.txt", "Title\n\nBody one.\n")
    write(root / "herald" / "2022" / "b2.txt", "Title two\r\n\r\nBody two.\r\n")
    write(root / "loose.txt", "Just text.")
    write(root / "empty.txt", "  \n")
    (root / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    (root / "latin1.txt").write_bytes("café crème".encode("latin-1"))
    write(root / "notes.md", "ignored: not an input type")
    write(root / ".hidden.txt", "ignored: hidden")
    items = {i.id: i for i in items_of(root)}
    assert set(items) == {"dailynews/a1", "herald/2022/b2", "loose", "empty", "binary", "latin1"}
    assert items["dailynews/a1"].source == "dailynews" and items["herald/2022/b2"].source == "herald"
    assert items["loose"].source is None
    assert items["herald/2022/b2"].text == "Title two\r\n\r\nBody two.\r\n"  # raw: CRLF kept
    assert "empty" in items["empty"].error
    assert "binary" in items["binary"].error
    assert "not UTF-8" in items["latin1"].error and "iconv" in items["latin1"].error
    assert all(items[k].error is None for k in ("dailynews/a1", "herald/2022/b2", "loose"))


def test_too_long_file_is_refused_without_reading(tmp_path: Path):
    write(tmp_path / "big.txt", "x" * 2000)
    (item,) = items_of(tmp_path / "big.txt", max_bytes=1000)
    assert item.text is None and "more than the limit" in item.error


def test_jsonl_fields_title_and_bad_lines(tmp_path: Path):
    rows = [
        json.dumps(
            {
                "id": "a",
                "text": "Body.",
                "title": "Head\nline",
                "lang": "fr",
                "source": "X",
                "date": "2022-03-04",
                "url": "http://x",
            }
        ),  # fmt: skip
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "   "}),
        json.dumps({"id": 7, "text": "numeric id"}),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "d", "text": "x", "source": {"nested": 1}}),
        json.dumps({"id": ["a"], "text": "a list as id"}),
        "",
    ]
    f = write(tmp_path / "in.jsonl", "\n".join(rows) + "\n")
    items = items_of(f)
    assert len(items) == 9  # the blank line is no item
    a = items[0]
    assert (a.id, a.lang, a.source, a.date, a.url) == ("a", "fr", "X", "2022-03-04", "http://x")
    assert a.text == "Head line\n\nBody." == join_title("Head\nline", "Body.")
    assert f"{f}:2: not valid JSON" in items[1].error
    assert "expected a JSON object, found list" in items[2].error
    assert "expected a 'text' field" in items[3].error
    assert "empty" in items[4].error
    assert items[5].id == "7" and items[5].error is None
    assert items[6].id == f"{f}:7" and items[6].error is None  # no id: its place names it
    assert "field 'source' must be a string" in items[7].error
    assert (
        items[8].id == f"{f}:9" and "field 'id' must be a string or an integer, found list" in items[8].error
    )


def test_csv_with_quoted_newlines_and_a_bad_header(tmp_path: Path):
    good = write(tmp_path / "good.csv", 'id,text,source\n1,"Title\n\nBody, with comma",S\n2,,S\n')
    items = items_of(good)
    assert [i.id for i in items] == ["1", "2"]
    assert items[0].text == "Title\n\nBody, with comma" and items[0].source == "S"
    assert "expected a 'text' field" in items[1].error or "empty" in items[1].error
    bad = write(tmp_path / "bad.csv", "name,body\nx,y\n")
    (item,) = items_of(bad)
    assert "a UTF-8 header with a 'text' column" in item.error and "name, body" in item.error


def test_official_folder_articles_once_with_language(tiny_data: Path):
    items = items_of(tiny_data)
    # 2 train articles in 3 subtask folders each, 1 test article: each (lang, split, id) once
    assert sorted((i.id, i.source) for i in items) == [
        ("2301", "semeval2023/fr/train"),
        ("2302", "semeval2023/fr/train"),
        ("3301", "semeval2023/fr/test"),
    ]
    assert all(i.lang == "fr" and i.error is None for i in items)


def test_missing_and_unknown_inputs_are_user_errors(tmp_path: Path):
    with pytest.raises(InputError, match="no such file or folder"):
        list_inputs([tmp_path / "nope"])
    with pytest.raises(InputError, match="unknown input type '.pdf'"):
        list_inputs([write(tmp_path / "a.pdf", "x")])


def test_one_undecodable_line_costs_only_that_line(tmp_path: Path):
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(
        b"\xef\xbb\xbf"  # a BOM before the first record
        + json.dumps({"id": "a", "text": "fine"}).encode()
        + b"\r\n"
        + '{"id": "b", "text": "caf\xe9"}'.encode("latin-1")
        + b"\n"
        + json.dumps({"id": "c", "text": "fine too"}).encode()
    )
    items = items_of(f)
    assert [i.id for i in items] == ["a", f"{f}:2", "c"]
    assert items[0].error is None and items[2].error is None and items[0].text == "fine"
    assert "not UTF-8 (byte 0xe9" in items[1].error
    csv_file = tmp_path / "mixed.csv"
    csv_file.write_bytes(b"id,text\n1,fine\n" + "2,caf\xe9\n".encode("latin-1"))
    items = items_of(csv_file)
    assert [i.id for i in items] == ["1", f"{csv_file}:3"] and items[0].text == "fine"
    assert f"{csv_file}:3: not UTF-8" in items[1].error


def test_unreadable_or_too_big_file_keeps_its_id(tmp_path: Path, monkeypatch):
    root = tmp_path / "corpus"
    write(root / "herald" / "a1.txt", "Body one.")
    write(root / "herald" / "big.txt", "x" * 200)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "a1.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = {i.id: i for i in items_of(root, max_bytes=100)}
    # the ids a readable file would have had, so a rerun replaces these error rows
    assert set(items) == {"herald/a1", "herald/big"}
    assert "Permission denied" in items["herald/a1"].error and items["herald/a1"].source == "herald"
    assert items["herald/big"].error and items["herald/big"].text is None


def test_a_broken_json_line_is_described_once(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"id": "a", "text": "line\x01with a control character"}\n')
    (item,) = list(iter_items(list_inputs([f])))
    assert "Invalid control character at column" in item.error and "at at" not in item.error

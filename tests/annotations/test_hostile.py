"""Malformed annotation exports (issue 38): every one is a single error naming the file, the task
and the region, never a traceback."""

from __future__ import annotations

import json

import pytest

from spinscan.annotations import read_annotations
from spinscan.errors import SpinscanError

T = "Title\n\nThey are traitors and liars.\nCalm line here.\n"


def ok_ann(result):
    return [{"id": 1, "data": {"text": T, "lang": "en"}, "annotations": [{"id": 1, "result": result}]}]


cases = {
    "ls_value_string.json": ok_ann([{"type": "labels", "value": "x"}]),
    "ls_value_list.json": ok_ann([{"type": "labels", "value": [1, 2]}]),
    "ls_labels_string.json": ok_ann(
        [{"type": "labels", "value": {"start": 7, "end": 11, "labels": "Loaded_Language"}}]
    ),
    "ls_labels_int.json": ok_ann([{"type": "labels", "value": {"start": 7, "end": 11, "labels": [5]}}]),
    "ls_start_float.json": ok_ann(
        [{"type": "labels", "value": {"start": 7.0, "end": 11, "labels": ["Loaded_Language"]}}]
    ),
    "ls_start_bool.json": ok_ann(
        [{"type": "labels", "value": {"start": True, "end": 11, "labels": ["Loaded_Language"]}}]
    ),
    "ls_reversed.json": ok_ann(
        [{"type": "labels", "value": {"start": 11, "end": 7, "labels": ["Loaded_Language"]}}]
    ),
    "ls_negative.json": ok_ann(
        [{"type": "labels", "value": {"start": -3, "end": 7, "labels": ["Loaded_Language"]}}]
    ),
    "ls_text_int.json": ok_ann(
        [{"type": "labels", "value": {"start": 7, "end": 11, "text": 5, "labels": ["Loaded_Language"]}}]
    ),
    "ls_choices_string.json": ok_ann([{"type": "choices", "value": {"choices": "opinion"}}]),
    "ls_choices_ints.json": ok_ann([{"type": "choices", "value": {"choices": [1, 2]}}]),
    "ls_result_dict.json": ok_ann({"type": "labels"}),
    "ls_result_string.json": ok_ann("abc"),
    "ls_annotations_string.json": [{"id": 1, "data": {"text": T}, "annotations": "abc"}],
    "ls_annotations_dict.json": [{"id": 1, "data": {"text": T}, "annotations": {"result": []}}],
    "ls_data_list.json": [{"id": 1, "data": [T], "annotations": [{"result": []}]}],
    "ls_text_list.json": [{"id": 1, "data": {"text": [T]}, "annotations": [{"result": []}]}],
    "ls_lang_int.json": [{"id": 1, "data": {"text": T, "lang": 5}, "annotations": [{"result": []}]}],
    "ls_lang_bad.json": [
        {"id": 1, "data": {"text": T, "lang": "xx-notalang"}, "annotations": [{"result": []}]}
    ],
    "ls_id_dict.json": [{"id": {"a": 1}, "data": {"text": T, "lang": "en"}, "annotations": [{"result": []}]}],
    "ls_updated_mixed.json": [
        {
            "id": 1,
            "data": {"text": T, "lang": "en"},
            "annotations": [{"id": "a", "result": []}, {"id": 2, "result": []}],
        }
    ],
    "ls_number.json": 5,
    "ls_nested.json": [[[]]],
}
lines = {
    "dc_negative.jsonl": {"text": T, "label": [[-3, 5, "Loaded_Language"]], "lang": "en"},
    "dc_reversed.jsonl": {"text": T, "label": [[11, 7, "Loaded_Language"]], "lang": "en"},
    "dc_entities_list.jsonl": {"text": T, "entities": [[7, 11, "Loaded_Language"]], "cats": [], "lang": "en"},
    "dc_label_dict.jsonl": {"text": T, "label": {"a": 1}, "lang": "en"},
    "dc_label_int.jsonl": {"text": T, "label": 5, "lang": "en"},
    "dc_cats_string.jsonl": {"text": T, "cats": "opinion", "lang": "en"},
    "dc_cats_ints.jsonl": {"text": T, "cats": [1], "lang": "en"},
    "dc_float.jsonl": {"text": T, "label": [[7.5, 11, "Loaded_Language"]], "lang": "en"},
    "dc_bool.jsonl": {"text": T, "label": [[True, 11, "Loaded_Language"]], "lang": "en"},
    "dc_huge.jsonl": {"text": T, "label": [[10**30, 11, "Loaded_Language"]], "lang": "en"},
    "js_spans_dict.jsonl": {"text": T, "spans": {"a": 1}, "lang": "en"},
    "js_frames_string.jsonl": {"text": T, "frames": "Political", "lang": "en", "spans": []},
    "js_genre_list.jsonl": {"text": T, "genre": ["opinion"], "lang": "en", "spans": []},
    "js_frames_int.jsonl": {"text": T, "frames": 5, "lang": "en", "spans": []},
    "js_id_list.jsonl": {"id": [1], "text": T, "spans": [], "lang": "en"},
    "prodigy.jsonl": {
        "text": T,
        "spans": [{"start": 7, "end": 11, "label": "Loaded_Language"}],
        "answer": "accept",
    },
}


@pytest.mark.parametrize("name", sorted([*cases, *lines]))
def test_a_malformed_export_is_one_clear_error_or_read(tmp_path, name):
    obj = {**cases, **lines}[name]
    p = tmp_path / name
    p.write_text(json.dumps(obj) if name.endswith(".json") else json.dumps(obj) + "\n")
    try:
        read_annotations([p], lang="en")
    except SpinscanError as e:
        assert str(e).count("\n") == 0 and (name in str(e) or "language" in str(e)), e


def test_a_superscript_digit_offset_in_an_official_folder_is_one_error(tmp_path):
    d = tmp_path / "en"
    (d / "train-articles-subtask-3").mkdir(parents=True)
    (d / "train-articles-subtask-3" / "article1.txt").write_text(T)
    (d / "train-labels-subtask-3-spans").mkdir()
    (d / "train-labels-subtask-3-spans" / "article1-labels-subtask-3.txt").write_text(
        "1\tLoaded_Language\t\u00b2\t11\n"
    )
    (d / "train-labels-subtask-3.txt").write_text("1\t3\tLoaded_Language\n")
    with pytest.raises(SpinscanError, match="article1-labels-subtask-3.txt:1"):
        read_annotations([tmp_path], lang="en")


def test_deeply_nested_json_is_one_error(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SpinscanError, match="deep.json"):
        read_annotations([p], lang="en")

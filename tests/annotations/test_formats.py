"""Annotation formats in and out: Label Studio (UTF-16 offsets), doccano, spinscan's JSONL, the
official layout; names and label maps; every broken input named; round trips keep spans exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscan.annotations import (
    Names,
    doccano_row,
    jsonl_row,
    label_studio_task,
    read_annotations,
)
from spinscan.annotations.label_studio import points_to_utf16, utf16_to_points
from spinscan.errors import InputError
from spinscan.types import Analysis, ParagraphResult, Span

TEXT = "Titre 🔥 choc\n\nCes traîtres 😡 corrompus nous mentent.\n\nUn rapport neutre."


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def region(word: str, label: str, rid: str = "r1", text: str = TEXT) -> dict:
    s = text.index(word)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": u16(text[:s]), "end": u16(text[: s + len(word)]), "text": word, "labels": [label]}}  # fmt: skip


def task(result: list, tid: int = 1, cancelled_later: bool = True) -> dict:
    anns = [{"id": 1, "was_cancelled": False, "updated_at": "2026-01-01T00:00:00Z", "result": result}]
    if cancelled_later:  # a later annotation that was cancelled is not the one read
        anns.append({"id": 2, "was_cancelled": True, "updated_at": "2026-02-01T00:00:00Z", "result": []})
    return {"id": tid, "data": {"text": TEXT, "lang": "fr"}, "annotations": anns}


def write(tmp_path: Path, name: str, obj) -> Path:
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return p


def test_label_studio_utf16_offsets_become_code_points_and_choices_become_genre_and_frames(tmp_path):
    result = [
        region("traîtres 😡 corrompus", "loaded language"),
        region("corrompus", "Name_Calling,Labeling", "r2"),  # a SemEval-2020 spelling
        {"id": "g", "from_name": "genre", "type": "choices", "value": {"choices": ["Opinion"]}},
        {
            "id": "f",
            "from_name": "frames",
            "type": "choices",
            "value": {"choices": ["Political", "Morality"]},
        },
    ]
    (a,) = read_annotations([write(tmp_path, "ls.json", [task(result)])])
    got = {(s.technique, TEXT[s.start : s.end]) for s in a.spans}
    assert got == {("Loaded_Language", "traîtres 😡 corrompus"), ("Name_Calling-Labeling", "corrompus")}
    assert (a.lang, a.genre, a.frames) == ("fr", "opinion", ["Political", "Morality"])
    assert a.techniques == {1: [], 3: ["Loaded_Language", "Name_Calling-Labeling"], 5: []}
    assert utf16_to_points("a😡b")[u16("a😡")] == 2 and points_to_utf16("a😡b", 2) == 3


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {
                **region("corrompus", "Loaded_Language"),
                "value": {**region("corrompus", "x")["value"], "text": "autre"},
            },
            "is nowhere in the task's text",
        ),
        (region("corrompus", "Propaganda_Rays"), "unknown technique 'Propaganda_Rays'"),
        (
            {**region("corrompus", "Doubt"), "value": {"start": 5, "end": 9999, "labels": ["Doubt"]}},
            "outside the text",
        ),
    ],
)
def test_a_broken_region_is_one_error_naming_file_task_and_region(tmp_path, bad, message):
    f = write(tmp_path, "ls.json", [task([bad], tid=7)])
    with pytest.raises(InputError, match=message) as e:
        read_annotations([f])
    assert f"{f}: task 7, region r1" in str(e.value)


def test_inputs_that_cannot_be_read_are_named(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_annotations([write(tmp_path, "e.jsonl", "\n\n")])
    with pytest.raises(InputError, match="no such file"):
        read_annotations([tmp_path / "missing.json"])
    with pytest.raises(InputError, match="no language"):
        read_annotations([write(tmp_path, "d.jsonl", json.dumps({"text": "Un texte.", "label": []}))])
    with pytest.raises(InputError, match=r"d2.jsonl:1, region 1: expected \[start, end, label\]"):
        read_annotations(
            [write(tmp_path, "d2.jsonl", json.dumps({"text": "Un.", "label": [[0, "x"]]}))], lang="fr"
        )


def test_a_label_map_names_a_teams_own_labels(tmp_path):
    m = write(tmp_path, "map.csv", "# ours,spinscan\nLL,Loaded_Language\nSCHIMPF,Name_Calling-Labeling\n")
    names = Names.from_file(m)
    assert names.find("ll") == "Loaded_Language" and names.find("Schimpf") == "Name_Calling-Labeling"
    assert names.find("Doubt") == "Doubt" and names.find("nonsense") is None
    with pytest.raises(InputError, match="maps to 'Nothing'"):
        Names.from_file(write(tmp_path, "bad.json", {"x": "Nothing"}))
    row = {"text": TEXT, "label": [[TEXT.index("corrompus"), TEXT.index("corrompus") + 9, "SCHIMPF"]]}
    (a,) = read_annotations([write(tmp_path, "d.jsonl", json.dumps(row))], lang="fr", names=names)
    assert [(s.technique, TEXT[s.start : s.end]) for s in a.spans] == [("Name_Calling-Labeling", "corrompus")]


def analysis() -> Analysis:
    s = TEXT.index("traîtres")
    spans = [Span("Loaded_Language", s, s + len("traîtres 😡 corrompus"), 0.81), Span("Doubt", s, s + 8, 0.4)]
    paras = [ParagraphResult(3, 14, 14 + len(TEXT.split("\n")[2]), TEXT.split("\n")[2], ["Loaded_Language", "Doubt"],
                             {"Loaded_Language": 0.8, "Doubt": 0.5}, spans)]  # fmt: skip
    return Analysis(lang="fr", lang_detected=True, genre="opinion", genre_scores={"opinion": 0.7},
                    frames=["Political"], frame_scores={"Political": 0.6}, paragraphs=paras,
                    model={"name": "m", "kind": "encoder", "version": "1"}, id="a1")  # fmt: skip


def test_predictions_written_for_the_next_round_come_back_exactly(tmp_path):
    a = analysis()
    want = {(s.technique, s.start, s.end) for p in a.paragraphs for s in p.spans}
    t = label_studio_task(a, TEXT, "spinscan-encoder 0.5.0")
    pred = t["predictions"][0]
    assert pred["model_version"] == "spinscan-encoder 0.5.0" and all("score" in r for r in pred["result"])
    # imported back as if an annotator accepted the predictions
    t["annotations"] = [{"id": 1, "result": pred["result"]}]
    (back,) = read_annotations([write(tmp_path, "round.json", [t])])
    assert {(s.technique, s.start, s.end) for s in back.spans} == want
    assert (back.genre, back.frames, back.id) == ("opinion", ["Political"], "a1")
    (d,) = read_annotations(
        [write(tmp_path, "round.jsonl", json.dumps(doccano_row(a, TEXT), ensure_ascii=False))]
    )
    # the spans come back; the genre and frames were spinscan's guess (meta), never gold
    assert {(s.technique, s.start, s.end) for s in d.spans} == want and (d.genre, d.frames) == (None, None)
    (j,) = read_annotations([write(tmp_path, "own.jsonl", json.dumps(jsonl_row(back), ensure_ascii=False))])
    assert {(s.technique, s.start, s.end) for s in j.spans} == want and j.frames == ["Political"]


def test_absent_subtasks_stay_unknown_and_an_empty_span_list_is_an_answer(tmp_path):
    only_genre = task(
        [{"id": "g", "from_name": "genre", "type": "choices", "value": {"choices": ["reporting"]}}]
    )
    (a,) = read_annotations([write(tmp_path, "g.json", [only_genre])])
    assert a.genre == "reporting" and a.spans is None and a.techniques is None and a.frames is None
    (b,) = read_annotations(
        [write(tmp_path, "n.jsonl", json.dumps({"text": TEXT, "lang": "fr", "spans": []}))]
    )
    assert b.spans == [] and b.techniques == {1: [], 3: [], 5: []} and b.genre is None


def test_the_official_layout_is_read_with_its_gold(tiny_data):
    arts = read_annotations([tiny_data])
    fr = [a for a in arts if a.lang == "fr"]
    assert fr and all(a.techniques is not None for a in fr)
    assert any(a.spans for a in fr) and {a.genre for a in fr} <= {"opinion", "reporting", "satire", None}


def test_label_studio_regions_are_read_in_code_points_and_older_utf16_ones_by_their_text(tmp_path):
    """Issue 40: Label Studio's editor counts code points; spinscan before 0.8 wrote UTF-16 units.
    A region is found by its text: code points first, UTF-16 second, else the nearest occurrence."""
    s = TEXT.index("corrompus")
    by_points = {"id": "p", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": s + 9, "text": "corrompus", "labels": ["Loaded_Language"]}}  # fmt: skip
    t = TEXT.index("traîtres")
    by_units = region("traîtres", "Name_Calling-Labeling", "u")  # (UTF-16: shifted by the emoji before it?)
    drifted = {"id": "d", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": s + 3, "end": s + 12, "text": "corrompus", "labels": ["Doubt"]}}  # fmt: skip
    no_text = {"id": "n", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": t, "end": t + 8, "labels": ["Slogans"]}}  # fmt: skip
    (a,) = read_annotations([write(tmp_path, "ls.json", [task([by_points, by_units, drifted, no_text])])])
    got = {(sp.technique, TEXT[sp.start : sp.end]) for sp in a.spans}
    assert got == {("Loaded_Language", "corrompus"), ("Name_Calling-Labeling", "traîtres"),
                   ("Doubt", "corrompus"), ("Slogans", "traîtres")}  # fmt: skip


def test_every_export_shape_is_read(tmp_path):
    """Issue 40: Label Studio's JSON_MIN, a doccano zip, a doccano intent-and-slot project
    (``entities`` beside ``cats``), a Prodigy db-out file (accepted only), each with an emoji and
    CRLF, read with the right articles and spans."""
    import zipfile

    text = "Titre 🔥\r\n\r\nCes traîtres 😡 corrompus nous mentent.\r\n"
    s = text.index("corrompus")
    ls_min = [{"id": 1, "text": text, "lang": "fr", "annotation_id": 7,
               "label": [{"start": s, "end": s + 9, "text": "corrompus", "labels": ["Loaded_Language"]}],
               "genre": "opinion", "frames": {"choices": ["Political"]}, "title": "Ces traîtres"}]  # fmt: skip
    (a,) = read_annotations([write(tmp_path, "min.json", ls_min)])
    assert [(x.technique, text[x.start : x.end]) for x in a.spans] == [("Loaded_Language", "corrompus")]
    assert (a.genre, a.frames) == ("opinion", ["Political"])
    row = {"id": 3, "text": text, "lang": "fr", "label": [[s, s + 9, "Doubt"], [s - 4, s + 9, "Slogans"]]}
    z = tmp_path / "doccano.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("admin.jsonl", json.dumps(row, ensure_ascii=False) + "\n")
    (b,) = read_annotations([z])
    assert sorted(x.technique for x in b.spans) == ["Doubt", "Slogans"]  # overlapping spans both kept
    slot = {"id": 4, "text": text, "lang": "fr", "entities": [[s, s + 9, "Doubt"]], "cats": ["satire"]}
    (c,) = read_annotations([write(tmp_path, "slots.jsonl", json.dumps(slot, ensure_ascii=False) + "\n")])
    assert (c.genre, [x.technique for x in c.spans]) == ("satire", ["Doubt"])
    lines = [{"text": text, "spans": [{"start": s, "end": s + 9, "label": "Loaded_Language"}], "answer": a_,
              "_input_hash": h, "_task_hash": h, "meta": {"lang": "fr"}}
             for a_, h in (("accept", 1), ("reject", 2), ("ignore", 3))]  # fmt: skip
    p = write(tmp_path, "prodigy.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    (d,) = read_annotations([p])
    assert [(x.technique, text[x.start : x.end]) for x in d.spans] == [("Loaded_Language", "corrompus")]


def test_a_frames_region_the_annotator_removed_means_no_frames(tmp_path):
    """Issue 40: in a project with a frames control, a submitted annotation without a frames region
    says "no frames", not "unknown"."""
    frames = {"id": "f", "from_name": "frames", "type": "choices", "value": {"choices": ["Political"]}}
    t1 = {"id": 1, "data": {"text": TEXT, "lang": "fr"}, "predictions": [{"result": [frames]}],
          "annotations": [{"id": 1, "result": []}]}  # fmt: skip
    (a,) = read_annotations([write(tmp_path, "ls.json", [t1])])
    assert a.frames == []
    t2 = {"id": 2, "data": {"text": TEXT, "lang": "fr"}, "annotations": [{"id": 1, "result": []}]}
    (b,) = read_annotations([write(tmp_path, "other.json", [t2])])
    assert b.frames is None  # (a project without frames: unknown)


RECORDED = Path(__file__).parent / "recorded"


@pytest.mark.parametrize("export", ["label-studio-json.json", "label-studio-json-min.json"])
def test_exports_recorded_from_a_real_label_studio_are_read_exactly(export):
    """Recorded from Label Studio 1.23.2 by scripts/record_label_studio.py: invented articles with an
    emoji and CRLF, overlapping spans, a cancelled annotation; both export shapes give the same."""
    want = json.loads((RECORDED / "label-studio-expected.json").read_text())
    arts = read_annotations([RECORDED / export])
    spans = [s for a in arts for s in a.spans]
    assert len(arts) == want["articles"] and len(spans) == want["spans"]
    for a in arts:
        for s in a.spans:
            assert a.text[s.start : s.end].strip() and s.start > a.text.index("\n")  # after the emoji title
    first = next(a for a in arts if "corrupt elite" in a.text)
    got = {(s.technique, first.text[s.start : s.end]) for s in first.spans}
    assert got == {
        ("Loaded_Language", "corrupt elite"),
        ("Name_Calling-Labeling", "Traitors"),
        ("Name_Calling-Labeling", "The corrupt elite betrayed the nation"),
    }  # overlapping, both kept
    assert (first.genre, first.frames) == ("opinion", ["Political", "Morality"])
    assert "\r\n" in first.text  # CRLF kept as exported: the offsets count each CR


def test_own_jsonl_items_with_paragraph_labels_only_keep_their_spans_unknown(tmp_path):
    rows = [
        {"id": "a:p_001", "text": "Ils mentent.\nToujours.", "techniques": ["Loaded_Language"], "spans": [],
         "has_spans": False, "source": "s2", "meta": {"page_id": "p"}},
        {"id": "b", "text": "Un.\n\nDeux.", "techniques": {"3": ["Doubt"]}, "article": "q"},
        {"id": "c", "text": "Tout va bien.", "spans": [], "has_spans": True},
    ]  # fmt: skip
    p = write(tmp_path, "own.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    a, b, c = read_annotations([p], lang="fr")
    assert a.spans is None and a.text == "Ils mentent. Toujours." and a.techniques == {1: ["Loaded_Language"]}
    assert a.meta["group"] == "p" and a.meta["source"] == "s2"
    assert b.spans is None and b.techniques == {1: [], 3: ["Doubt"]} and b.meta["group"] == "q"
    assert c.spans == [] and c.techniques == {1: []}  # spans annotated: none is an answer
    back = read_annotations([write(tmp_path, "back.jsonl", json.dumps(jsonl_row(b)) + "\n")], lang="fr")
    assert back[0].techniques == b.techniques and back[0].spans is None and back[0].meta["group"] == "q"
    bad = {"id": "d", "text": "Un.", "techniques": {"7": ["Doubt"]}}
    with pytest.raises(InputError, match="line '7', which the text does not have"):
        read_annotations([write(tmp_path, "bad.jsonl", json.dumps(bad) + "\n")], lang="fr")
    with pytest.raises(InputError, match="has_spans' is false but the item has spans"):
        spans = [{"technique": "Doubt", "start": 0, "end": 2}]
        read_annotations([write(tmp_path, "b2.jsonl", json.dumps({"text": "Un.", "spans": spans,
                                                                  "has_spans": False}) + "\n")], lang="fr")  # fmt: skip


def test_arabic_news_with_its_gold_spans_survives_the_label_studio_and_doccano_round_trips(tmp_path):
    """Real ArMPro paragraphs (right to left, with a right-to-left mark, tatweel and an emoji
    before them): every span comes back on the same code points and the same words."""
    from ..conftest import DATA, need_shared

    need_shared()
    rows = [
        json.loads(x) for x in (DATA.parent / "arabic" / "arabic-techniques.jsonl").open(encoding="utf-8")
    ]
    paras = [r for r in rows if r["source"] == "armpro_v2" and len(r["spans"]) >= 3][:3]
    head = "عاجل 🔥 \u200fالخبر\u0640\u0640 الكامل"
    text, spans, results = head + "\n", [], []
    for no, r in enumerate(paras, start=2):
        base = len(text)
        line = r["text"].replace("\n", " ")
        got = [Span(s["technique"], base + s["start"], base + s["end"], 0.9) for s in r["spans"]]
        results.append(ParagraphResult(no, base, base + len(line), line, sorted({s.technique for s in got}),
                                       {s.technique: 0.9 for s in got}, got))  # fmt: skip
        spans += got
        text += line + "\n"
    a = Analysis(lang="ar", lang_detected=True, genre="reporting", genre_scores={"reporting": 0.8}, frames=[],
                 frame_scores={}, paragraphs=results, model={"name": "m", "kind": "encoder", "version": "1"},
                 id="ar1")  # fmt: skip
    want = {(s.technique, s.start, s.end, text[s.start : s.end]) for s in spans}
    t = label_studio_task(a, text, "m 1")
    assert {(r["value"]["labels"][0], r["value"]["start"], r["value"]["end"], r["value"]["text"])
            for r in t["predictions"][0]["result"] if r["type"] == "labels"} == want  # fmt: skip
    t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"]}]
    (back,) = read_annotations([write(tmp_path, "ar.json", [t])])
    assert {(s.technique, s.start, s.end, text[s.start : s.end]) for s in back.spans} == want
    (d,) = read_annotations(
        [write(tmp_path, "ar.jsonl", json.dumps(doccano_row(a, text), ensure_ascii=False))]
    )
    assert {(s.technique, s.start, s.end, text[s.start : s.end]) for s in d.spans} == want
    assert back.lang == d.lang == "ar"


@pytest.mark.parametrize("export", ["doccano-all.zip", "doccano-approved.zip"])
def test_exports_recorded_from_a_real_doccano_are_read_exactly(export):
    """Recorded from doccano 1.8.4 by scripts/record_doccano.py: spinscan's predictions imported,
    corrected through the API (a prediction deleted, overlapping spans added), exported as the zip
    doccano writes, everything or approved only; an emoji, CRLF and Arabic before the spans."""
    want = json.loads((RECORDED / "doccano-expected.json").read_text())
    arts = read_annotations([RECORDED / export])
    assert len(arts) == want[export]["articles"]
    assert sum(len(a.spans) for a in arts) == want[export]["spans"]
    first = next(a for a in arts if "corrupt elite" in a.text)
    assert "\r\n" in first.text and "🗳" in first.text
    got = {(s.technique, first.text[s.start : s.end]) for s in first.spans}
    assert got == {
        ("Loaded_Language", "corrupt elite"),
        ("Name_Calling-Labeling", "The corrupt elite betrayed the nation"),
        ("Name_Calling-Labeling", "Traitors"),
    }  # the deleted prediction is gone, the overlapping spans both kept
    ar = next(a for a in arts if a.lang == "ar")
    assert {ar.text[s.start : s.end] for s in ar.spans} == {"الفاسدة", "كذبت على الشعب"}
    # spinscan's genre and frames travelled in meta: never read back as a person's
    assert all(a.genre is None and a.frames is None for a in arts)

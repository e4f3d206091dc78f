"""The labeling configs spinscan writes for annotation tools (issue 40): every label named, with
its definition as a hint, under the names `learn` reads and `analyze --format` writes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from spinscan.annotations import read_annotations
from spinscan.annotations.configs import doccano_labels, label_studio_config
from spinscan.cli import main
from spinscan.labels import FRAMES, GENRES, TECHNIQUE_COLOURS, TECHNIQUE_DEFINITIONS, TECHNIQUES

WEB = Path(__file__).resolve().parents[2] / "src" / "spinscan" / "web" / "app.js"


def test_the_label_studio_config_names_every_label_with_its_hint():
    root = ET.fromstring(label_studio_config())
    (spans,) = root.iter("Labels")
    assert (spans.get("name"), spans.get("toName")) == ("label", "text")
    assert [x.get("value") for x in spans] == list(TECHNIQUES)
    assert all(x.get("hint") == TECHNIQUE_DEFINITIONS[x.get("value")] for x in spans)
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert [x.get("value") for x in choices["genre"]] == list(GENRES) and choices["genre"].get(
        "choice"
    ) == "single"
    assert [x.get("value") for x in choices["frames"]] == list(FRAMES)
    assert choices["frames"].get("choice") == "multiple" and all(x.get("hint") for x in choices["frames"])
    (text,) = root.iter("Text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")


def test_what_a_project_with_this_config_exports_is_what_learn_reads(tmp_path):
    text = "Title here\n\nThe corrupt elite lied to us again and again.\n"
    s = text.index("corrupt elite")
    ann = [{"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": s + 13, "text": "corrupt elite", "labels": ["Loaded_Language"]}},
           {"from_name": "genre", "to_name": "text", "type": "choices", "value": {"choices": ["opinion"]}},
           {"from_name": "frames", "to_name": "text", "type": "choices", "value": {"choices": ["Political"]}}]  # fmt: skip
    f = tmp_path / "export.json"
    f.write_text(
        json.dumps([{"id": 1, "data": {"text": text, "lang": "en"}, "annotations": [{"result": ann}]}])
    )
    (a,) = read_annotations([f])
    assert (a.genre, a.frames, [(x.technique, text[x.start : x.end]) for x in a.spans]) == (
        "opinion", ["Political"], [("Loaded_Language", "corrupt elite")])  # fmt: skip


def test_doccano_label_files_and_the_cli():
    spans = json.loads(doccano_labels("span"))
    assert [x["text"] for x in spans] == list(TECHNIQUES) and all(
        x["background_color"].startswith("#") for x in spans
    )
    cats = json.loads(doccano_labels("category"))
    assert [x["text"] for x in cats] == [*GENRES, *FRAMES]
    r = CliRunner().invoke(main, ["labels", "--format", "label-studio"])
    assert r.exit_code == 0 and r.output == label_studio_config()
    r = CliRunner().invoke(main, ["labels", "--format", "doccano"])
    assert r.exit_code == 0 and json.loads(r.output) == spans


def test_the_web_page_and_the_tools_share_one_palette():
    js = WEB.read_text(encoding="utf-8")
    block = js[js.index("const COLOUR = {") : js.index("};", js.index("const COLOUR = {"))]
    assert dict(re.findall(r'"([\w-]+)": "(#[0-9a-f]{6})"', block)) == TECHNIQUE_COLOURS


def test_learn_check_counts_what_would_be_learned_and_what_is_skipped(tmp_path):
    text = "Title here\n\nThe corrupt elite lied \U0001f621 to us again and again.\n"
    s = text.index("corrupt elite")
    tasks = [
        {"id": 1, "data": {"text": text, "lang": "en"}, "annotations": [{"result": [
            {"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s, "end": s + 13, "text": "corrupt elite", "labels": ["Loaded_Language"]}},
            {"from_name": "genre", "to_name": "text", "type": "choices", "value": {"choices": ["opinion"]}}]}]},
        {"id": 2, "data": {"text": "Another\n\nText here", "lang": "en"}, "annotations": []},
    ]  # fmt: skip
    f = tmp_path / "export.json"
    f.write_text(json.dumps(tasks))
    r = CliRunner().invoke(main, ["learn", "--check", "--json", str(f)])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert (got["articles"], got["spans"]) == (1, 1) and got["languages"]["en"]["genres"] == {"opinion": 1}
    assert len(got["skipped"]) == 1 and "task 2" in got["skipped"][0]
    assert not list(tmp_path.glob("*.work")) and sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]
    r = CliRunner().invoke(main, ["learn", "--check", str(f)])
    assert "1 articles, 1 spans" in r.stdout and "skipped:" in r.stdout
    r = CliRunner().invoke(main, ["learn", str(f)])
    assert r.exit_code == 2 and "--out" in r.output

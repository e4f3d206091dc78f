"""Label Studio's ML backend protocol (issue 40): /health, /setup, /predict and /webhook answered as
Label Studio expects, in the names of a labeling config that are not spinscan's, with code-point
offsets after an emoji; annotations sent back are kept as an export `learn` reads."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from spinscan.analysis import default_lexical_path
from spinscan.annotations import read_annotations
from spinscan.server.app import create_app

CONFIG = """<View>
  <Labels name="persuasion" toName="article">
    <Label value="loaded language"/><Label value="Name calling / labeling"/><Label value="doubt"/>
    <Label value="Flag waving"/><Label value="Something else"/>
  </Labels>
  <Text name="article" value="$body"/>
  <Choices name="kind" toName="article" choice="single"><Choice value="Opinion"/><Choice value="Reporting"/>
    <Choice value="Satire"/></Choices>
  <Choices name="angles" toName="article" choice="multiple"><Choice value="political"/><Choice value="economic"/>
    <Choice value="Security and defense"/><Choice value="morality"/></Choices>
</View>"""
TEXT = ("Vote \U0001f5f3 now\n\nThe corrupt elite betrayed the nation again, as always. Traitors! Shame on these "
        "criminals who lie to us every single day.\n\nThe council met on Monday to discuss the budget.\n")  # fmt: skip


def client(tmp_path, keep: bool = True) -> TestClient:
    app = create_app(default_lexical_path(), label_studio_dir=tmp_path / "ls" if keep else None)
    return TestClient(app)


def test_health_setup_and_predict_in_the_projects_own_names(tmp_path):
    with client(tmp_path) as c:
        h = c.get("/label-studio/health").json()
        assert h["status"] == "UP" and h == c.get("/label-studio/").json()
        r = c.post("/label-studio/setup", json={"project": "7.1700000000", "schema": CONFIG, "hostname": "x",
                                                 "access_token": "t", "model_version": None})  # fmt: skip
        assert r.status_code == 200 and r.json()["model_version"].startswith("spinscan-lexical")
        tasks = [{"id": 1, "data": {"body": TEXT, "lang": "en"}}, {"id": 2, "data": {"body": ""}}]
        r = c.post("/label-studio/predict", json={"tasks": tasks, "project": "7.1700000000", "label_config": CONFIG,
                                                   "params": {"context": {}}})  # fmt: skip
        assert r.status_code == 200, r.text
        first, empty = r.json()["results"]
        assert empty["result"] == [] and first["model_version"] == h["model_version"]
        labels = [x for x in first["result"] if x["type"] == "labels"]
        allowed = {"loaded language", "Name calling / labeling", "doubt", "Flag waving"}
        assert labels and all(x["from_name"] == "persuasion" and x["to_name"] == "article" for x in labels)
        assert all(set(x["value"]["labels"]) <= allowed and 0 <= x["score"] <= 1 for x in labels)
        # code points, as Label Studio's editor counts them: the emoji before does not shift them
        assert all(TEXT[x["value"]["start"] : x["value"]["end"]] == x["value"]["text"] for x in labels)
        choices = {x["from_name"]: x["value"]["choices"] for x in first["result"] if x["type"] == "choices"}
        assert choices["kind"][0] in ("Opinion", "Reporting", "Satire")
        assert set(choices.get("angles", [])) <= {"political", "economic", "Security and defense", "morality"}
        assert 0 <= first["score"] <= 1
        # a config Label Studio cannot have meant: a 400 in one line, never a 500
        bad = c.post("/label-studio/predict", json={"tasks": tasks, "label_config": "<View><Labels"})
        assert bad.status_code == 400 and "labeling config" in bad.json()["error"]["message"]


def test_annotations_sent_back_are_kept_as_an_export_learn_reads(tmp_path):
    s = TEXT.index("corrupt elite")
    ann = {"id": 11, "result": [
        {"from_name": "persuasion", "to_name": "article", "type": "labels",
         "value": {"start": s, "end": s + 13, "text": "corrupt elite", "labels": ["loaded language"]}},
        {"from_name": "kind", "to_name": "article", "type": "choices", "value": {"choices": ["Opinion"]}}]}  # fmt: skip
    event = {"action": "ANNOTATION_CREATED", "annotation": ann, "task": {"id": 1, "data": {"body": TEXT, "lang": "en"}},
             "project": {"id": 7, "label_config": CONFIG}}  # fmt: skip
    with client(tmp_path) as c:
        assert c.post("/label-studio/webhook", json=event).status_code == 201
        assert (
            c.post("/label-studio/webhook", json={**event, "action": "ANNOTATION_UPDATED"}).status_code == 201
        )
        assert (
            c.post(
                "/label-studio/webhook", json={"action": "PROJECT_UPDATED", "project": {"id": 7}}
            ).status_code
            == 200
        )
    path = tmp_path / "ls" / "label-studio-project-7.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert len(tasks) == 1 and len(tasks[0]["annotations"]) == 1  # updated, not doubled
    (a,) = read_annotations([path], text_field="body")
    assert a.genre == "opinion" and [(x.technique, TEXT[x.start : x.end]) for x in a.spans] == [
        ("Loaded_Language", "corrupt elite")]  # fmt: skip
    with client(tmp_path) as c:
        c.post("/label-studio/webhook", json={**event, "action": "ANNOTATION_DELETED"})
    assert json.loads(path.read_text(encoding="utf-8"))[0]["annotations"] == []
    with client(tmp_path, keep=False) as c:  # a server not asked to keep them says so
        r = c.post("/label-studio/webhook", json=event)
        assert r.status_code == 201 and "not kept" in r.json()["result"]

"""Record real doccano exports for the tests (tests/annotations/recorded/).

Starts doccano (pip install doccano, in its own virtual environment: it is large and not one of
spinscan's dependencies) on 127.0.0.1 with a throw-away database, its web server and its task
queue (imports and exports run there), then, as a team following docs/guides/doccano.md would:

1. a sequence-labelling project with overlapping spans on; the 23 techniques imported from
   ``spinscan labels --format doccano``; invented articles (an emoji, CRLF line ends, Arabic)
   imported as spinscan writes them (``analyze --format doccano``: predictions as ``label``, its
   genre and frames in ``meta``);
2. an annotator corrects two articles through the API (overlapping spans, a span after an
   emoji, one prediction deleted) and marks them done; the third stays unreviewed;
3. exports JSONL (a zip) of everything and of approved articles only.

The tests read both zips with what they should hold.

    python3 -m venv /tmp/dvenv && /tmp/dvenv/bin/pip install doccano "marshmallow<4" "numpy<2"
    python scripts/record_doccano.py --doccano /tmp/dvenv/bin/doccano

(doccano 1.8.4's own pins let pip pick marshmallow 4 and numpy 2, which it cannot start with.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spinscan.annotations.configs import doccano_labels  # noqa: E402

OUT = ROOT / "tests" / "annotations" / "recorded"
ARTICLES = [  # invented, short: an emoji, CRLF, overlapping spans, Arabic
    "Vote \U0001f5f3 now or lose everything\r\n\r\nThe corrupt elite betrayed the nation again. Traitors! "
    "They lie to us every single day.\r\n\r\nThe council met on Monday.\r\n",
    "عاجل \U0001f525 الحكومة\n\nقالت المعارضة إن الحكومة الفاسدة كذبت على الشعب مرة أخرى."
    "\n\nانتهى الاجتماع.\n",
    "A quiet day\n\nNothing happened in the village today, residents said.\n",
]
PREDICTED = [  # what spinscan would have written for each (words, technique)
    [("corrupt elite", "Loaded_Language"), ("council", "Doubt")],
    [("الفاسدة", "Loaded_Language")],
    [("quiet", "Loaded_Language")],
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def at(text: str, words: str) -> tuple[int, int]:
    s = text.index(words)
    return s, s + len(words)


def wait_task(c: httpx.Client, task_id: str) -> None:
    deadline = time.time() + 300
    while time.time() < deadline:
        r = c.get(f"/v1/tasks/status/{task_id}")
        r.raise_for_status()
        if r.json().get("ready"):
            if r.json().get("error"):
                raise RuntimeError(f"doccano task {task_id}: {r.json()['error']}")
            return
        time.sleep(1)
    raise RuntimeError(f"doccano task {task_id} did not finish; is its task queue running?")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--doccano", required=True, help="the doccano command")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="doccano-data-"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{data}/db.sqlite3", "HOME": str(data),
           "MEDIA_ROOT": str(data / "media"), "DEBUG": "False"}  # fmt: skip
    log = open(data / "doccano.log", "w")
    run = [args.doccano]
    subprocess.run([*run, "init"], env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    subprocess.run([*run, "createuser", "--username", "rec", "--password", "recording-pass-123"],
                   env=env, check=True, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    procs = [
        subprocess.Popen(
            [*run, "webserver", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        ),
        subprocess.Popen([*run, "task"], env=env, stdout=log, stderr=subprocess.STDOUT),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if httpx.get(base + "/v1/health/", timeout=3).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        c = httpx.Client(base_url=base, timeout=120)
        c.post(
            "/v1/auth/login/", json={"username": "rec", "password": "recording-pass-123"}
        ).raise_for_status()
        c.headers["X-CSRFToken"] = c.cookies.get("csrftoken", "")
        c.headers["Referer"] = base
        project = c.post("/v1/projects", json={
            "name": "spinscan", "description": "techniques", "project_type": "SequenceLabeling",
            "resourcetype": "SequenceLabelingProject", "allow_overlapping": True, "guideline": "",
            "random_order": False, "collaborative_annotation": False, "grapheme_mode": False,
            "use_relation": False, "tags": []})  # fmt: skip
        project.raise_for_status()
        pid = project.json()["id"]
        labels = {"file": ("labels.json", doccano_labels("span").encode(), "application/json")}
        c.post(f"/v1/projects/{pid}/span-type-upload", files=labels).raise_for_status()
        types = {t["text"]: t["id"] for t in c.get(f"/v1/projects/{pid}/span-types").json()}
        rows = []
        for k, (text, pred) in enumerate(zip(ARTICLES, PREDICTED)):
            spans = [[*at(text, w), t] for w, t in pred]
            meta = {"spinscan": {"genre": "opinion", "frames": ["Political"], "model": "recording"}}
            rows.append({"id": f"a{k}", "text": text, "lang": "ar" if k == 1 else "en", "label": spans,
                         "meta": meta})  # fmt: skip
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
        up = c.post("/v1/fp/process/", files={"filepond": ("tasks.jsonl", body, "application/octet-stream")})
        up.raise_for_status()
        task = c.post(f"/v1/projects/{pid}/upload", json={
            "uploadIds": [up.text.strip()], "format": "JSONL", "task": "SequenceLabeling",
            "column_data": "text", "column_label": "label", "delimiter": ",",
            "encoding": "utf_8"})  # fmt: skip
        task.raise_for_status()
        wait_task(c, task.json()["task_id"])
        examples = c.get(f"/v1/projects/{pid}/examples", params={"limit": 100}).json()["results"]
        by_text = {e["text"]: e["id"] for e in examples}
        t0, t1, _ = ARTICLES
        # the annotator: article 0 keeps "corrupt elite", deletes the wrong "council" and adds two
        # overlapping spans; article 1 keeps its prediction and adds one; both marked done
        for text, add, drop in (
            (t0, [("The corrupt elite betrayed the nation", "Name_Calling-Labeling"),
                  ("Traitors", "Name_Calling-Labeling")], ["council"]),
            (t1, [("كذبت على الشعب", "Loaded_Language")], []),
        ):  # fmt: skip
            eid = by_text[text]
            for s in c.get(f"/v1/projects/{pid}/examples/{eid}/spans").json():
                if text[s["start_offset"] : s["end_offset"]] in drop:
                    c.delete(f"/v1/projects/{pid}/examples/{eid}/spans/{s['id']}").raise_for_status()
            for words, technique in add:
                start, end = at(text, words)
                c.post(f"/v1/projects/{pid}/examples/{eid}/spans",
                       json={"start_offset": start, "end_offset": end, "label": types[technique]}
                       ).raise_for_status()  # fmt: skip
            c.post(f"/v1/projects/{pid}/examples/{eid}/states", json={}).raise_for_status()
        OUT.mkdir(parents=True, exist_ok=True)
        for name, approved in (("doccano-all.zip", False), ("doccano-approved.zip", True)):
            task = c.post(
                f"/v1/projects/{pid}/download", json={"format": "JSONL", "exportApproved": approved}
            )
            task.raise_for_status()
            tid = task.json()["task_id"]
            wait_task(c, tid)
            r = c.get(f"/v1/projects/{pid}/download", params={"taskId": tid})
            r.raise_for_status()
            (OUT / name).write_bytes(r.content)
        expect = {
            "doccano-all.zip": {"articles": 3, "spans": 6},
            "doccano-approved.zip": {"articles": 2, "spans": 5},
            "overlapping": ["corrupt elite", "The corrupt elite betrayed the nation"],
            "version": subprocess.run([str(Path(args.doccano).with_name("pip")), "show", "doccano"],
                                      capture_output=True, text=True).stdout.split("Version: ")[1].split()[0],
        }  # fmt: skip
        (OUT / "doccano-expected.json").write_text(json.dumps(expect, indent=1, ensure_ascii=False) + "\n")
        print(f"recorded into {OUT}")
    except Exception:
        log.flush()
        print((data / "doccano.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()

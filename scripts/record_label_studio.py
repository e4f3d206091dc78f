"""Record real Label Studio exports for the tests (tests/annotations/recorded/).

Starts Label Studio (pip install label-studio, in its own virtual environment: it is large and
not one of spinscan's dependencies) on 127.0.0.1 with a throw-away data folder, creates a project
with spinscan's labeling config, imports invented articles (an emoji, CRLF line ends) with
spinscan's predictions, annotates them through the API as an annotator would (overlapping spans,
a span after an emoji, a cancelled annotation, a removed frames region), and saves the JSON and
JSON_MIN exports with what the tests should read from them.

    python scripts/record_label_studio.py --label-studio /tmp/lsvenv/bin/label-studio
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

from spinscan.annotations.configs import label_studio_config  # noqa: E402

OUT = ROOT / "tests" / "annotations" / "recorded"
ARTICLES = [  # invented, short, with what the tests need: an emoji, CRLF, overlapping spans
    "Vote \U0001f5f3 now or lose everything\r\n\r\nThe corrupt elite betrayed the nation again. Traitors! "
    "They lie to us every single day.\r\n\r\nThe council met on Monday.\r\n",
    "Budget talks \U0001f4b0 resume\n\nMinisters said the deal was close, but critics called it a shameful "
    "surrender to the lobbyists.\n\nTalks resume on Friday.\n",
    "A quiet day\n\nNothing happened in the village today, residents said.\n",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def region(text: str, words: str, label: str, rid: str, after: int = 0) -> dict:
    s = text.index(words, after)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": s + len(words), "text": words, "labels": [label]}}  # fmt: skip


def choice(name: str, values: list[str], rid: str) -> dict:
    return {"id": rid, "from_name": name, "to_name": "text", "type": "choices", "value": {"choices": values}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label-studio", required=True, help="the label-studio command")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="ls-data-"))
    port, token = free_port(), "spinscan-recording-token-0123456789"
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data), "LABEL_STUDIO_USERNAME": "rec@example.org",
           "LABEL_STUDIO_PASSWORD": "recording-pass-123", "LABEL_STUDIO_USER_TOKEN": token,
           "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true", "DJANGO_DB": "sqlite"}  # fmt: skip
    proc = subprocess.Popen([args.label_studio, "start", "--no-browser", "--host", "127.0.0.1", "--port",
                             str(port), "--internal-host", "127.0.0.1"], env=env,
                            stdout=open(data / "ls.log", "w"), stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                if httpx.get(base + "/health", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        # Label Studio 1.17+ turns legacy tokens off; the recording user's organisation turns them on
        enable = (
            "from jwt_auth.models import JWTSettings; from organizations.models import Organization; "
            "[JWTSettings.objects.update_or_create(organization=o, "
            "defaults={'legacy_api_tokens_enabled': True}) for o in Organization.objects.all()]"
        )
        python = Path(args.label_studio).with_name("python")
        where = "import label_studio, os; print(os.path.dirname(label_studio.__file__))"
        manage = subprocess.run([str(python), "-c", where], capture_output=True, text=True, check=True)
        subprocess.run([str(python), str(Path(manage.stdout.strip()) / "manage.py"), "shell", "-c", enable],
                       check=True, env=env)  # fmt: skip
        c = httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=120)
        project = c.post("/api/projects", json={"title": "spinscan", "label_config": label_studio_config()})
        project.raise_for_status()
        pid = project.json()["id"]
        tasks = [{"data": {"text": t, "lang": "en", "id": f"a{k}"}} for k, t in enumerate(ARTICLES)]
        c.post(f"/api/projects/{pid}/import", json=tasks).raise_for_status()
        ids = [t["id"] for t in c.get("/api/tasks", params={"project": pid}).json()["tasks"]]
        t0, t1, t2 = ARTICLES
        answers = {
            ids[0]: [region(t0, "corrupt elite", "Loaded_Language", "r1"),
                     # r2 overlaps r1
                     region(t0, "The corrupt elite betrayed the nation", "Name_Calling-Labeling", "r2"),
                     region(t0, "Traitors", "Name_Calling-Labeling", "r3"),
                     choice("genre", ["opinion"], "g"), choice("frames", ["Political", "Morality"], "f")],
            ids[1]: [region(t1, "shameful surrender", "Loaded_Language", "r4"),
                     choice("genre", ["reporting"], "g")],
        }  # fmt: skip
        for tid, result in answers.items():
            c.post(f"/api/tasks/{tid}/annotations", json={"result": result}).raise_for_status()
        c.post(
            f"/api/tasks/{ids[2]}/annotations", json={"result": [], "was_cancelled": True}
        ).raise_for_status()
        OUT.mkdir(parents=True, exist_ok=True)
        for kind in ("JSON", "JSON_MIN"):
            r = c.get(f"/api/projects/{pid}/export", params={"exportType": kind})
            r.raise_for_status()
            (OUT / f"label-studio-{kind.lower().replace('_', '-')}.json").write_bytes(r.content)
        expect = {"articles": 2, "spans": 4, "overlapping": 1, "after_emoji": 4}
        (OUT / "label-studio-expected.json").write_text(json.dumps(expect, indent=1) + "\n")
        print(f"recorded into {OUT}")
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()

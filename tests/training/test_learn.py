"""`spinscan learn`: a team's Label Studio export of a language the base never trained on taught
to a tiny base model; written only when better (or forced); resumable; the language no longer
zero-shot; the CLI's errors before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("torch")

from spinscan.annotations import read_annotations  # noqa: E402
from spinscan.annotations.label_studio import points_to_utf16  # noqa: E402
from spinscan.cli import main  # noqa: E402
from spinscan.models.base import load_model  # noqa: E402
from spinscan.training.learn import LearnOptions, learn  # noqa: E402

from ..conftest import DATA, need_shared  # noqa: E402

pytestmark = pytest.mark.integration


def export(tmp_path: Path, n: int = 12) -> Path:
    """A Label Studio export of n French train articles presented as Portuguese (a language the
    tiny base never saw), with an emoji in each title to exercise the UTF-16 offsets."""
    need_shared()
    from spinscan.semeval.data import Dataset

    tasks = []
    for k, a in enumerate(Dataset(DATA).articles("fr", "train", 3)[-n:], start=1):
        text = "🔥 " + a.text
        result = [
            {"id": f"r{j}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": points_to_utf16(text, s.start + 2), "end": points_to_utf16(text, s.end + 2),
                       "text": text[s.start + 2 : s.end + 2], "labels": [s.technique.replace("_", " ")]}}
            for j, s in enumerate(a.spans or [])
        ]  # fmt: skip
        tasks.append(
            {"id": k, "data": {"text": text, "lang": "pt"}, "annotations": [{"id": 1, "result": result}]}
        )
    p = tmp_path / "export.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return p


def test_a_label_studio_export_is_learned_as_a_member_for_its_language(encoder_model, tmp_path):
    base_dir, _, _ = encoder_model
    arts = read_annotations([export(tmp_path)])
    out, work = tmp_path / "taught", tmp_path / "work"
    stages: list[str] = []
    report = learn(arts, base_dir, out, work, opts=LearnOptions(epochs=1, force=True),
                   progress=lambda s, d, t: stages.append(s))  # fmt: skip
    assert report["language"] == "pt" and report["articles"] == 12 and report["heldout_articles"] == 4
    assert report["written"] and set(report) >= {"base", "with member", "better"}
    assert any(s.startswith("epoch 1") for s in stages)
    base, taught = load_model(base_dir), load_model(out)
    assert (
        base.settings.unseen("pt") and not taught.settings.unseen("pt") and "pt" in taught.trained_languages
    )
    # only the techniques were taught: genre and frames still read Portuguese zero-shot
    assert taught.settings.unseen("pt", "frames") and taught.zero_shot_heads("pt") == ["genre", "frames"]
    assert (
        base.zero_shot_heads("pt") == ["genre", "frames", "techniques"] and taught.zero_shot_heads("fr") == []
    )
    assert taught.settings.blend("frames", "pt") == base.settings.blend("frames", "pt")
    assert len(json.loads((out / "config.json").read_text())["member_weights"]["pt"]) == 2
    # the language's own thresholds and span settings only where they beat the base's (cross-fitted)
    kept = report["as_shipped"]
    assert ("pt" in taught.thresholds["techniques"]) == kept["own_thresholds"]
    own_spans = "pt" in json.loads((out / "config.json").read_text())["spans_by_language"]
    assert own_spans == kept["own_span_settings"]
    card = (out / "README.md").read_text()
    assert "Language member for pt" in card and "As the models run" in card
    # a rerun with the same articles resumes in the work folder: nothing is trained again
    again = learn(arts, base_dir, tmp_path / "again", work, opts=LearnOptions(epochs=1, force=True))
    assert again["with member"] == report["with member"]
    # not forced: written only when better than the base on the held-out articles
    r = learn(arts, base_dir, tmp_path / "unforced", work, opts=LearnOptions(epochs=1))
    assert r["written"] == r["better"] == (tmp_path / "unforced").is_dir()


def test_the_command_checks_its_output_and_inputs_before_any_work(tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("x")
    ls = export(tmp_path, n=3)
    r = CliRunner().invoke(main, ["learn", str(ls), "--out", str(taken)])
    assert r.exit_code == 2 and "not an empty folder" in r.stderr
    r = CliRunner().invoke(main, ["learn", str(ls), "--out", str(tmp_path / "new")])
    assert r.exit_code == 2 and "3 article(s) in pt" in r.stderr and "at least 10" in r.stderr
    assert not (tmp_path / "new").exists()
    r = CliRunner().invoke(main, ["learn", str(tmp_path / "none.json"), "--out", str(tmp_path / "new")])
    assert r.exit_code == 2 and "no such file" in r.stderr and "Traceback" not in r.output


def test_a_work_folder_spinscan_did_not_make_is_refused_and_only_its_own_files_are_cleared(tmp_path):
    from spinscan.errors import OutputError
    from spinscan.training.learn import MARKER, prepare_work

    theirs = tmp_path / "theirs"
    (theirs / "data").mkdir(parents=True)
    (theirs / "data" / "thesis.tex").write_text("years of work")
    (theirs / "fingerprint").write_text("x")
    with pytest.raises(OutputError, match="did not make"):
        prepare_work(theirs, "stamp")
    assert (theirs / "data" / "thesis.tex").read_text() == "years of work"
    ours = tmp_path / "ours"
    prepare_work(ours, "first")
    assert (ours / MARKER).is_file()
    (ours / "run").mkdir()
    (ours / "run" / "checkpoint.pt").write_bytes(b"x")
    (ours / "notes.txt").write_text("mine")  # a file the user put there
    prepare_work(ours, "first")  # same inputs: resumed, nothing removed
    assert (ours / "run" / "checkpoint.pt").is_file()
    prepare_work(ours, "second")  # other inputs: what learn wrote goes, the user's file stays
    assert not (ours / "run").exists() and (ours / "notes.txt").read_text() == "mine"
    assert (ours / "fingerprint").read_text().strip() == "second"
    with pytest.raises(OutputError, match="is a file"):
        prepare_work(ours / "notes.txt", "x")


def arabic_items(tmp_path: Path) -> Path:
    """16 ArMPro news paragraphs with spans (two pages of several paragraphs among them) and 14
    ArAIEval paragraphs and tweets with labels only, as the Arabic release writes them."""
    need_shared()
    rows = [
        json.loads(x) for x in (DATA.parent / "arabic" / "arabic-techniques.jsonl").open(encoding="utf-8")
    ]
    pages: dict[str, list] = {}
    for r in rows:
        if r["source"] == "armpro_v2":
            pages.setdefault(r["meta"]["page_id"], []).append(r)
    multi = [p for p in pages.values() if len(p) >= 3][:2]
    spans = [r for p in multi for r in p]
    spans += [r for r in rows if r["source"] == "armpro_v2" and r not in spans][: 16 - len(spans)]
    labels = [r for r in rows if r["source"] == "araieval23_task1B" and r["techniques"]][:14]
    p = tmp_path / "ar.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in spans + labels), encoding="utf-8")
    return p


def test_span_items_and_labels_only_items_are_learned_together(encoder_model, tmp_path):
    from spinscan.training.encoder.run import EncoderRun
    from spinscan.training.encoder.spans import HeldoutSpans

    base_dir, _, _ = encoder_model
    arts = read_annotations([arabic_items(tmp_path)], lang="ar")
    only = [a for a in arts if a.spans is None]
    assert len(arts) == 30 and len(only) == 14 and all(a.techniques for a in only)
    out, work = tmp_path / "taught", tmp_path / "work"
    report = learn(arts, base_dir, out, work, opts=LearnOptions(epochs=1, force=True))
    assert report["language"] == "ar" and report["articles"] == 30 and report["written"]
    run = EncoderRun(work / "data", work / "run")
    tt, held = run.data.token_table(), run.data.heldout()
    ids = json.loads((work / "data" / "ids.json").read_text())
    unknown = {n for n, own in ids.items() if any(a.id == own and a.spans is None for a in arts)}
    # labels-only rows: no span loss, no span gold; their paragraph labels are in the table
    assert [not k for k in tt.known] == [i in unknown for i in tt.ids]
    assert run.data.paragraphs.y[[i in unknown for i in tt.ids]].sum() > 0
    hs = HeldoutSpans(run, run.heldout_token_probs(0), run.data.paragraphs.y[held], tt)
    assert not set(hs.arts) & unknown
    # the paragraphs of one page are held out together
    group = {a.id: a.meta.get("group") for a in arts}
    side: dict[str, set] = {}
    for i, h in zip(tt.ids, held):
        if group[ids[i]]:
            side.setdefault(group[ids[i]], set()).add(bool(h))
    assert side and all(len(s) == 1 for s in side.values())

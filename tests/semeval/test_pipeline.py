"""End to end on the real data: train a tiny model, save, load, predict, score officially."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinscan.analysis import default_lexical_path, get_model
from spinscan.cli import main
from spinscan.labels import LANGUAGES
from spinscan.models import load_model
from spinscan.semeval.data import Dataset, read_spans, read_subtask1, read_subtask2, read_subtask3
from spinscan.training.lexical import TrainConfig, train_lexical

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from ..conftest import DATA, need_shared

    need_shared()
    out = tmp_path_factory.mktemp("model")
    cfg = TrainConfig(
        languages=("en", "fr", "ru"),
        folds=2,
        max_articles_per_language=12,
        c_grid={"genre": [1.0], "frames": [1.0, 4.0], "techniques": [1.0]},
        features={"word_ngrams": [1, 1], "char_ngrams": [3, 4], "word_max_features": 3000,
                  "char_max_features": 3000, "min_df": 2},
    )  # fmt: skip
    train_lexical(DATA, out, cfg)
    return out


def test_model_directory_is_complete(tiny_model: Path):
    for f in ("config.json", "labels.json", "metrics.json", "README.md", "weights.safetensors"):
        assert (tiny_model / f).is_file(), f
    metrics = json.loads((tiny_model / "metrics.json").read_text())
    for head in ("genre", "frames", "techniques"):
        assert set(metrics["cv"][head]) == {"all", "en", "fr", "ru"}
        assert 0 <= metrics["cv"][head]["all"] <= 1
    assert metrics["chosen"]["frames"]["C"] in (1.0, 4.0)


def test_training_is_reproducible(tiny_model: Path, tmp_path: Path):
    from ..conftest import DATA

    cfg = json.loads((tiny_model / "config.json").read_text())
    again = TrainConfig(
        languages=tuple(cfg["languages"]),
        folds=2,
        max_articles_per_language=12,
        c_grid=cfg["train"]["c_grid"],
        features=cfg["features"],
    )
    train_lexical(DATA, tmp_path, again)
    assert (tmp_path / "weights.safetensors").read_bytes() == (
        tiny_model / "weights.safetensors"
    ).read_bytes()
    assert (tmp_path / "thresholds.json").read_text() == (tiny_model / "thresholds.json").read_text()


def test_save_load_predict_gives_identical_outputs(tiny_model: Path, data_dir: Path, tmp_path: Path):
    from spinscan.models.lexical import LexicalModel

    arts = Dataset(data_dir).articles("it", "train", 3)[:5]  # a language it was not trained on
    m1 = load_model(tiny_model)
    m1.save(tmp_path / "copy")
    m2 = LexicalModel.load(tmp_path / "copy")
    p1, p2 = m1.predict(arts), m2.predict(arts)
    assert p1 == p2
    assert len(p1[0].paragraph_scores) == len(arts[0].paragraphs)


def test_predict_and_evaluate_commands(tiny_model: Path, data_dir: Path, tmp_path: Path):
    r = CliRunner().invoke(
        main,
        ["predict", "--data", str(data_dir), "--split", "train", "--lang", "ru", "--out", str(tmp_path),
         "--model", str(tiny_model)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    ds = Dataset(data_dir)
    assert len(read_subtask1(tmp_path / "ru" / "train-predictions-subtask-1.txt")) == 142
    assert len(read_subtask2(tmp_path / "ru" / "train-predictions-subtask-2.txt")) == 143
    assert len(read_subtask3(tmp_path / "ru" / "train-predictions-subtask-3.txt")) == len(
        ds.template("ru", "train")
    )
    r = CliRunner().invoke(
        main, ["evaluate", "--data", str(data_dir), "--split", "train", "--pred", str(tmp_path), "--json"]
    )
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert list(res) == ["ru"]
    for st, metric in (("subtask1", "macro-F1"), ("subtask2", "micro-F1"), ("subtask3", "micro-F1")):
        assert res["ru"][st]["metric"] == metric and 0 < res["ru"][st]["score"] < 1
    table = (
        CliRunner()
        .invoke(main, ["evaluate", "--data", str(data_dir), "--split", "train", "--pred", str(tmp_path)])
        .output
    )
    assert "ru" in table and "ST3" in table and "spans" in table
    spans = read_spans(tmp_path / "ru" / "train-predictions-spans.txt")
    assert {r[0] for r in spans} <= {a.id for a in ds.articles("ru", "train", 3, gold=False)}
    assert spans and 0 < res["ru"]["spans"]["aware"] <= res["ru"]["spans"]["agnostic"] <= 1


def test_evaluate_reports_a_rejected_file(tiny_model: Path, data_dir: Path, tmp_path: Path):
    from spinscan.semeval.evaluate import evaluate

    p = tmp_path / "po" / "train-predictions-subtask-3.txt"
    p.parent.mkdir(parents=True)
    p.write_text("250001\t1\tNot_A_Technique\n")
    res = evaluate(data_dir, "train", tmp_path, ["po"])
    assert "official scorer rejected" in res["po"]["subtask3"]["error"]


def _test_split_sample(data_dir: Path, root: Path, per_language: int) -> Path:
    """A copy of the test split with the first ``per_language`` articles of each language and
    subtask (links, not copies) and the matching template rows; the scorers beside it."""

    root.mkdir(parents=True)
    (root / "scorers").symlink_to((data_dir / "scorers").resolve(), target_is_directory=True)
    for lang in LANGUAGES:
        keep: set[str] = set()
        for st in (1, 2, 3):
            src = data_dir / lang / f"test-articles-subtask-{st}"
            dst = root / lang / src.name
            dst.mkdir(parents=True)
            for f in sorted(src.glob("article*.txt"))[:per_language]:
                (dst / f.name).symlink_to(f.resolve())
                keep.add(f.stem[len("article") :])
        tpl = data_dir / lang / "test-labels-subtask-3.template"
        lines = tpl.read_text(encoding="utf-8").splitlines(keepends=True)
        (root / lang / tpl.name).write_text("".join(x for x in lines if x.split("\t", 1)[0] in keep), "utf-8")
    return root


def test_default_model_predicts_the_test_split_of_all_nine_languages(data_dir: Path, tmp_path: Path):
    """The official files for every language and subtask, on 4 test articles of each language
    (the whole split is `spinscan predict --split test`, measured in BENCHMARKS.md)."""
    from spinscan.semeval.evaluate import find_scorers
    from spinscan.semeval.predict import predict_split

    sample = _test_split_sample(data_dir, tmp_path / "semeval2023", 4)
    ds = Dataset(sample)
    out = tmp_path / "out"
    report = predict_split(ds, "test", get_model(), out)
    assert report.errors == []
    assert len(report.files) == 36  # 3 subtasks + spans, 9 languages
    for lang in LANGUAGES:
        rows = read_subtask3(out / lang / "test-predictions-subtask-3.txt")
        texts = {a.id: a.text for a in ds.articles(lang, "test", 3)}
        assert len(texts) == 4
        spans = read_spans(out / lang / "test-predictions-spans.txt")
        assert all(0 <= s < e <= len(texts[i]) for i, _, s, e in spans)
        labelled = {(i, t) for i, _, ts in rows for t in ts}
        assert labelled <= {(i, t) for i, t, _, _ in spans}  # every labelled technique has a span
        assert sorted((i, n) for i, n, _ in rows) == sorted((i, n) for i, n, _ in ds.template(lang, "test"))
        assert len(read_subtask1(out / lang / "test-predictions-subtask-1.txt")) == 4
    # the official scorer (no gold: format check only) accepts what we wrote
    import subprocess
    import sys

    sc = find_scorers(data_dir)
    pred = out / "ka" / "test-predictions-subtask-3.txt"
    labels = str(sc / "techniques_subtask3.txt")
    cmd = [sys.executable, str(sc / "scorer-subtask-3.py"), "-p", str(pred), "-f", labels]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "Prediction file format is correct" in out


def test_ptc_span_identification_scoring(data_dir: Path):
    """The PTC (SemEval-2020 Task 11) dev gold scores spans technique-agnostically."""
    from spinscan.analysis import get_model
    from spinscan.semeval.evaluate import evaluate_ptc_si

    ptc = data_dir.parent / "ptc2020"
    res = evaluate_ptc_si(get_model(default_lexical_path()), ptc)
    assert res["articles"] == 75 and res["si"]["n_gold"] == 940
    # the lexical model marks whole paragraphs: its spans are exactly the baseline
    assert res["si"] == res["whole_paragraph_baseline"] and 0.2 < res["si"]["f1"] < 0.8

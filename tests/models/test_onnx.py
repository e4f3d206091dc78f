"""The default model on ONNX Runtime: the same answers as torch within quantisation noise, and
analysing imports neither torch nor transformers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from spinscan.analysis import analyze, get_model

from ..conftest import EXAMPLE, need_shared

pytestmark = pytest.mark.integration


def test_onnx_answers_like_torch_on_the_example():
    need_shared()
    pytest.importorskip("torch")  # (the [train] extra)
    text = EXAMPLE.read_text(encoding="utf-8")
    a = analyze(text, model=get_model(backend="onnx"))
    b = analyze(text, model=get_model(backend="torch"))
    assert a.genre == b.genre and a.frames == b.frames
    same = [p.techniques == q.techniques for p, q in zip(a.paragraphs, b.paragraphs)]
    assert np.mean(same) >= 0.9
    # paragraph x technique decisions: at least 98 % identical (the default float32 graphs give 100 %)
    from spinscan.labels import TECHNIQUES

    decisions = [
        (t in p.techniques) == (t in q.techniques)
        for p, q in zip(a.paragraphs, b.paragraphs)
        for t in TECHNIQUES
    ]
    assert np.mean(decisions) >= 0.98
    # the 4-bit graphs compute the torch network's numbers to rounding (1e-5 on hidden states)
    diffs = [abs(p.scores[t] - q.scores[t]) for p, q in zip(a.paragraphs, b.paragraphs) for t in p.scores]
    assert np.mean(diffs) < 1e-3 and max(diffs) < 0.01
    assert abs(a.genre_scores["opinion"] - b.genre_scores["opinion"]) < 1e-3


def test_analysing_on_onnx_imports_neither_torch_nor_transformers(tmp_path):
    need_shared()
    code = (
        "import sys, json; from spinscan.analysis import analyze, get_model; "
        f"t = open({str(EXAMPLE)!r}, encoding='utf-8').read(); "
        "a = analyze(t, model=get_model(backend='onnx')); "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules, "
        "'sklearn': 'sklearn' in sys.modules, 'genre': a.genre}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["torch"] is False and got["transformers"] is False and got["genre"]
    assert got["sklearn"] is False  # the lexical partner's n-grams are our own code


def test_the_cli_takes_a_backend_and_batch_keys_results_by_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from spinscan.analysis import default_model_path
    from spinscan.cli import main
    from spinscan.corpus.batch import model_identity

    r = CliRunner().invoke(
        main,
        ["analyze", "--backend", "torch", "--json", "-"],
        input="Title\n\nThe corrupt elite lied again.\n",
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["genre"]
    monkeypatch.setenv("SPINSCAN_BACKEND", "onnx")
    onnx = model_identity(default_model_path())
    monkeypatch.setenv("SPINSCAN_BACKEND", "torch")
    assert model_identity(default_model_path()) == onnx.replace("@onnx", "@torch") != onnx


def test_a_damaged_cache_is_rebuilt_and_never_used(tmp_path, monkeypatch):
    from spinscan.models import load_model
    from spinscan.models.base import PRETRAINED
    from spinscan.models.encoder.export import build, is_built, onnx_dir

    monkeypatch.setenv("SPINSCAN_CACHE", str(tmp_path))
    model = load_model(PRETRAINED / "encoder-0.2")
    path = build(model)
    assert path == onnx_dir(model) and is_built(path, 1) and path.parent == tmp_path
    lower = path / "lower.onnx"
    lower.write_bytes(lower.read_bytes()[:5000])  # truncated, as by a full disk
    monkeypatch.delenv("SPINSCAN_BACKEND", raising=False)
    fresh = load_model(PRETRAINED / "encoder-0.2")  # the backend is onnx by default
    assert fresh.backend == "onnx"
    probs = fresh.encode_paragraphs(fresh_paragraphs()).probs
    assert lower.stat().st_size > 1_000_000 and probs.shape[1] == 23  # rebuilt, then used
    assert not list(tmp_path.glob(".onnx-*"))  # no half-built folder is left


def fresh_paragraphs():
    from spinscan.types import split_paragraphs

    return split_paragraphs("Title\n\nThe corrupt elite betrayed the nation again.\n")

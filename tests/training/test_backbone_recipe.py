"""The encoder recipe on a Hugging Face backbone: adapted to its size and device, and the issue's
check run as a user would: a tiny random BERT with a WordPiece tokenizer trained from the CLI,
then the example analysed on both backends."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from spinscan.cli import main
from spinscan.errors import ModelError
from spinscan.models.encoder.backbones import BackboneSpec
from spinscan.training.encoder.config import EncoderTrainConfig
from spinscan.training.encoder.recipe import adapt

from ..conftest import DATA, EXAMPLE, need_shared


def spec(layers: int, hidden: int, max_tokens: int = 512) -> BackboneSpec:
    return BackboneSpec(kind="hf", name="x", layers=layers, hidden=hidden, max_tokens=max_tokens)


def test_the_recipe_follows_depth_width_and_device():
    e5_like = adapt(EncoderTrainConfig(), spec(12, 384), set())
    base = EncoderTrainConfig()  # the recipe tuned on e5-small stays as it was
    assert (e5_like.n_frozen, e5_like.max_tokens, e5_like.lr_layers) == (base.n_frozen, 256, base.lr_layers)
    assert (e5_like.batch_size, e5_like.grad_accum, e5_like.precision) == (16, 1, "fp32")
    large = adapt(EncoderTrainConfig(), spec(24, 1024), set())
    assert (large.n_frozen, large.lr_layers, large.batch_size, large.grad_accum) == (16, 2e-5, 4, 4)
    basesize = adapt(EncoderTrainConfig(), spec(12, 768), set())
    assert (basesize.lr_layers, basesize.batch_size * basesize.grad_accum) == (4e-5, 16)
    tiny = adapt(EncoderTrainConfig(), spec(2, 32, 126), set())
    assert (tiny.n_frozen, tiny.max_tokens) == (1, 126)
    mine = adapt(
        EncoderTrainConfig(lr_layers=1e-5, batch_size=2), spec(24, 1024), {"lr_layers", "batch_size"}
    )
    assert (mine.lr_layers, mine.batch_size, mine.grad_accum) == (1e-5, 2, 8)  # still 16 a step
    with pytest.raises(ModelError, match="fp16 is for GPUs"):
        adapt(EncoderTrainConfig(precision="fp16"), spec(12, 384), {"precision"})
    with pytest.raises(ModelError, match="reads at most 126"):
        adapt(EncoderTrainConfig(max_tokens=256), spec(2, 32, 126), {"max_tokens"})


def test_a_gpu_that_is_not_there_is_a_one_line_error(tmp_path):
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    r = CliRunner().invoke(
        main,
        [
            "train",
            "--kind",
            "encoder",
            "--data",
            str(tmp_path),
            "--out",
            str(tmp_path / "m"),
            "--device",
            "cuda",
        ],
    )
    assert r.exit_code != 0
    assert "sees no CUDA GPU; train with --device cpu" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "m").exists()


@pytest.mark.integration
def test_a_tiny_bert_trains_from_the_cli_and_answers_alike_on_both_backends(tmp_path, monkeypatch):
    """The issue's must, as written (a tiny random BERT and WordPiece, 10 articles, 1 epoch)."""
    pytest.importorskip("transformers")
    need_shared()
    from ..models.tiny_backbones import tiny_bert

    monkeypatch.setenv("SPINSCAN_CACHE", str(tmp_path / "cache"))
    bb = tiny_bert(tmp_path / "tiny-bert", layers=4, hidden=64)
    out = tmp_path / "M"
    args = ["train", "--kind", "encoder", "--backbone", str(bb), "--data", str(DATA)]
    r = CliRunner().invoke(main, [*args, "--max-articles", "10", "--epochs", "1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "layers 3+ fine-tuned" in r.output and f"model written to {out}" in r.output
    config = json.loads((out / "config.json").read_text())
    assert config["backbone"]["kind"] == "hf" and config["backbone"]["path"] == str(bb.resolve())
    assert config["n_frozen"] == 3 and config["train"]["backbone"] == str(bb)
    assert {p.name for p in out.iterdir()} >= {"tokenizer.json", "weights.safetensors", "metrics.json"}
    assert "backbone" not in {p.name for p in out.iterdir()}  # referred to, not copied
    assert "tiny-bert" in (out / "README.md").read_text()
    assert json.loads((out / "metrics.json").read_text())["techniques_heldout"]["ensemble"]["all"] >= 0
    example = EXAMPLE
    answers = {}
    for backend in ("torch", "onnx"):
        r = CliRunner().invoke(
            main, ["analyze", "--model", str(out), "--backend", backend, "--json", str(example)]
        )
        assert r.exit_code == 0, r.output
        answers[backend] = json.loads(r.stdout)
    a, b = answers["torch"], answers["onnx"]
    # the encoder's own readings agree too (the blend may give a random tiny encoder no weight)
    from spinscan.models import load_model
    from spinscan.types import split_paragraphs

    model = load_model(out)
    paras = split_paragraphs(EXAMPLE.read_text(encoding="utf-8"))[:40]
    readings = {}
    for backend in ("torch", "onnx"):
        model.use_backend(backend)
        readings[backend] = model.encode_paragraphs(paras)
    assert np.abs(readings["torch"].probs - readings["onnx"].probs).max() < 1e-5
    assert readings["torch"].probs.std() > 0
    assert a["genre"] == b["genre"] and a["frames"] == b["frames"]
    assert [p["techniques"] for p in a["paragraphs"]] == [p["techniques"] for p in b["paragraphs"]]
    assert len(a["paragraphs"]) > 20
    for p, q in zip(a["paragraphs"], b["paragraphs"]):
        assert max((abs(p["scores"][t] - q["scores"][t]) for t in p["scores"]), default=0) < 1e-3
    # a language member continued from it stays on its backbone, depth and windows (and trains in
    # bf16 with accumulated gradients: the mixed-precision path a GPU takes, on this CPU)
    more = tmp_path / "M2"
    args = ["train", "--kind", "encoder", "--init-from", str(out), "--lang", "fr", "--language-member"]
    args += ["--precision", "bf16", "--batch-size", "4", "--grad-accum", "2"]
    r = CliRunner().invoke(
        main, [*args, "--data", str(DATA), "--max-articles", "10", "--epochs", "1", "--out", str(more)]
    )
    assert r.exit_code == 0, r.output
    config2 = json.loads((more / "config.json").read_text())
    assert config2["backbone"] == config["backbone"] and config2["n_frozen"] == 3
    assert config2["max_tokens"] == config["max_tokens"] and "fr" in config2["member_weights"]
    assert (more.with_name("M2.work") / "train-config.json").is_file()
    recorded = json.loads((more.with_name("M2.work") / "train-config.json").read_text())
    assert (recorded["precision"], recorded["batch_size"], recorded["grad_accum"]) == ("bf16", 4, 2)
    r = CliRunner().invoke(main, ["analyze", "--model", str(more), "--lang", "fr", "--json", str(example)])
    assert r.exit_code == 0 and json.loads(r.stdout)["genre"] in ("opinion", "reporting", "satire")

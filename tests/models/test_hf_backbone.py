"""Hugging Face encoders as the backbone, on tiny random models built here from a config: the
tokenizer's offsets, the same numbers on torch and on the exported ONNX graphs for each family,
the backbone recorded and checked, weights referred to or copied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from spinscan.errors import ModelError  # noqa: E402
from spinscan.labels import FRAMES, GENRES, TECHNIQUES  # noqa: E402
from spinscan.models import load_model  # noqa: E402
from spinscan.models.encoder import EncoderModel  # noqa: E402
from spinscan.models.encoder.backbones import BackboneSpec, backbone_for  # noqa: E402
from spinscan.models.encoder.hf import describe  # noqa: E402
from spinscan.models.encoder.network import TopStack  # noqa: E402
from spinscan.models.heads import StandardisedHead  # noqa: E402
from spinscan.types import split_paragraphs  # noqa: E402

from .tiny_backbones import tiny_bert, tiny_deberta_v3  # noqa: E402

pytestmark = pytest.mark.slow  # (seconds each: in `make test`, not `make test-fast`)

SENTENCE = "The corrupt traitors lie again, said the government on Tuesday. "
TEXT = (
    "A title\n\n"
    + "\n\n".join(SENTENCE * k for k in (1, 3, 30))
    + "\n\nLe gouvernement a dit mardi que les traîtres corrompus mentent encore.\n"
)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINSCAN_CACHE", str(tmp_path / "cache"))


def heads(hidden: int) -> dict[str, StandardisedHead]:
    """Article heads of the right shapes (what a saved model must hold)."""
    return {
        name: StandardisedHead(
            list(labels),
            np.zeros((len(labels), hidden)),
            np.zeros(len(labels)),
            name == "genre",
            np.zeros(hidden),
            np.ones(hidden),
        )  # fmt: skip
        for name, labels in (("genre", GENRES), ("frames", FRAMES))
    }


def model_on(folder: Path, out: Path, n_frozen: int | None = None, seed: int = 1) -> EncoderModel:
    """An encoder model on the backbone in ``folder``: one random fine-tuned top, no heads."""
    spec = describe(str(folder), out)
    n_frozen = spec.layers - 1 if n_frozen is None else n_frozen
    torch.manual_seed(seed)
    top = TopStack(backbone_for(spec, out).torch_stack(), n_frozen, len(TECHNIQUES))
    state = {k: v.numpy() for k, v in top.state_dict().items()}
    config = {
        "kind": "encoder",
        "name": "tiny",
        "version": "0",
        "n_frozen": n_frozen,
        "max_tokens": 32,  # (the 30-sentence paragraph is read in windows)
        "labels": list(TECHNIQUES),
        "backbone": spec.to_dict(),
    }
    return EncoderModel(config, [state], heads(spec.hidden), {}, None, out)


def test_the_tokenizer_keeps_offsets_into_the_raw_text(tmp_path):
    spec = describe(str(tiny_bert(tmp_path / "bb")), tmp_path / "m")
    tok = backbone_for(spec, tmp_path / "m").tokenizer()
    text = "Les  traîtres corrompus MENTENT."
    (enc,) = tok.encode([text], 64)
    assert enc.ids[0] == spec.special["cls"] and enc.ids[-1] == spec.special["sep"]
    words = {}
    for s, e in enc.offsets:
        assert 0 <= s < e <= len(text)
        words.setdefault(text[s:e].strip(" .").lower(), (s, e))
    # the pieces of each word lie on its characters, accents and capitals as written
    joined = "".join(text[s:e] for s, e in enc.offsets)
    assert joined == text.replace(" ", "")
    assert text[enc.offsets[0][0] : enc.offsets[0][1]] == text[: enc.offsets[0][1]]
    (short,) = tok.encode([SENTENCE * 10], 16)
    assert len(short.ids) == 16 and len(short.offsets) == 14


@pytest.mark.parametrize("kind", ["bert", "electra", "roberta", "deberta-v2", "deberta-v3-spm"])
def test_each_family_answers_the_same_on_torch_and_onnx(tmp_path, kind):
    if kind == "deberta-v3-spm":  # a SentencePiece model only, as mDeBERTa-v3 ships its tokenizer
        pytest.importorskip("sentencepiece")
        folder = tiny_deberta_v3(tmp_path / "bb")
    else:
        folder = tiny_bert(tmp_path / "bb", kind)
    model = model_on(folder, tmp_path / "m")
    paras = split_paragraphs(TEXT)
    out = {}
    for backend in ("torch", "onnx"):
        model.use_backend(backend)
        out[backend] = model.encode_paragraphs(paras)
    a, b = out["torch"], out["onnx"]
    assert [len(t) for t in a.token_probs] == [len(t) for t in b.token_probs]
    assert max(len(t) for t in a.token_probs) > 3 * 32  # a paragraph read in windows
    assert len(a.windows[3]) >= 3
    assert np.abs(a.probs - b.probs).max() < 1e-5
    assert max(np.abs(x - y).max() for x, y in zip(a.token_probs, b.token_probs)) < 1e-5
    assert max(np.abs(x - y).max() for x, y in zip(a.states, b.states)) < 1e-4
    assert a.probs.std() > 0  # (a live network, not a constant)
    done = json.loads(next((tmp_path / "cache").glob("onnx-*/done.json")).read_text())
    assert kind[:5] in done["backbone"]


def test_a_slow_vocab_file_is_converted_to_a_fast_tokenizer(tmp_path):
    from tokenizers import BertWordPieceTokenizer

    folder = tiny_bert(tmp_path / "slow", vocab_only=True)
    slow = describe(str(folder), tmp_path / "m1")
    assert (tmp_path / "m1" / "tokenizer.json").is_file() and not (folder / "tokenizer.json").exists()
    texts = ["Les traîtres corrompus mentent encore.", SENTENCE]
    ours = backbone_for(slow, tmp_path / "m1").tokenizer().encode(texts, 64)
    want = BertWordPieceTokenizer(str(folder / "vocab.txt"), lowercase=True).encode_batch(texts)
    assert [e.ids for e in ours] == [w.ids for w in want]
    assert [e.offsets for e in ours] == [w.offsets[1:-1] for w in want]
    assert len(set(ours[0].ids)) > 5  # (words, not unknowns)


def test_the_model_refers_to_its_backbone_and_notices_when_it_moves_or_changes(tmp_path):
    bb = tiny_bert(tmp_path / "bb")
    model = model_on(bb, tmp_path / "work")
    model.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    spec = config["backbone"]
    assert spec["path"] == str(bb.resolve())
    assert spec["files"] == {"model.safetensors": (bb / "model.safetensors").stat().st_size}
    assert len(spec["sha256"]) == 64 and (tmp_path / "m" / "tokenizer.json").is_file()
    assert not (tmp_path / "m" / "backbone").exists()  # referred to, not copied
    loaded = load_model(tmp_path / "m")
    loaded.use_backend("torch")
    want = loaded.encode_paragraphs(split_paragraphs(TEXT)).probs
    assert np.allclose(
        want, model.encode_paragraphs(split_paragraphs(TEXT)).probs, atol=1e-3
    )  # (float16 tops)
    # another backbone put in its place: refused with the folder named, not silently used
    tiny_bert(tmp_path / "other", layers=4)
    shutil.rmtree(bb)
    shutil.copytree(tmp_path / "other", bb)
    with pytest.raises(ModelError, match="not the ones this model was trained on"):
        fresh = load_model(tmp_path / "m")
        fresh.use_backend("torch")
        fresh.encode_paragraphs(split_paragraphs(TEXT))
    shutil.rmtree(bb)
    with pytest.raises(ModelError, match="its weights are not at"):
        fresh = load_model(tmp_path / "m")
        fresh.use_backend("onnx")
        fresh.encode_paragraphs(split_paragraphs(TEXT))


def test_same_size_weights_that_changed_are_refused_when_graphs_are_built(tmp_path):
    bb = tiny_bert(tmp_path / "bb")
    model = model_on(bb, tmp_path / "work")
    model.save(tmp_path / "m")
    weights = bb / "model.safetensors"
    raw = bytearray(weights.read_bytes())
    raw[-8:] = bytes(8)  # same size, other numbers (the last tensor's last values)
    weights.write_bytes(bytes(raw))
    m = load_model(tmp_path / "m")
    m.use_backend("onnx")
    with pytest.raises(ModelError, match="the weights changed since training"):
        m.encode_paragraphs(split_paragraphs(TEXT))


def test_a_copied_backbone_travels_with_the_model(tmp_path):
    bb = tiny_bert(tmp_path / "bb")
    spec = describe(str(bb), tmp_path / "work", copy=True)
    assert spec.path == "backbone" and (tmp_path / "work" / "backbone" / "model.safetensors").is_file()
    torch.manual_seed(0)
    top = TopStack(backbone_for(spec, tmp_path / "work").torch_stack(), 2, len(TECHNIQUES))
    config = {"kind": "encoder", "name": "t", "version": "0", "n_frozen": 2, "max_tokens": 32,
              "labels": list(TECHNIQUES), "backbone": spec.to_dict()}  # fmt: skip
    state = {k: v.numpy() for k, v in top.state_dict().items()}
    EncoderModel(config, [state], heads(spec.hidden), {}, None, tmp_path / "work").save(tmp_path / "m")
    shutil.rmtree(bb)
    shutil.rmtree(tmp_path / "work")
    shutil.move(tmp_path / "m", tmp_path / "elsewhere")
    m = load_model(tmp_path / "elsewhere")
    for backend in ("torch", "onnx"):
        m.use_backend(backend)
        assert m.encode_paragraphs(split_paragraphs(TEXT)).probs.shape == (5, len(TECHNIQUES))


def test_a_bad_backbone_entry_fails_at_load(tmp_path):
    with pytest.raises(ModelError, match="backbone kind 'gpt'"):
        BackboneSpec.from_config({"backbone": {"kind": "gpt"}})
    with pytest.raises(ModelError, match="needs path, tokenizer and special"):
        BackboneSpec.from_config({"backbone": {"kind": "hf", "name": "x"}})
    with pytest.raises(ModelError, match="layers should be a positive"):
        BackboneSpec.from_config({"backbone": {"layers": 0}})
    assert BackboneSpec.from_config({}) == BackboneSpec()  # (models before 0.7: e5)
    spec = describe(str(tiny_bert(tmp_path / "bb")), tmp_path / "m")
    config = {"kind": "encoder", "name": "t", "version": "0", "n_frozen": 3, "max_tokens": 32,
              "labels": list(TECHNIQUES), "backbone": spec.to_dict()}  # fmt: skip
    with pytest.raises(ModelError, match=r"n_frozen 3 is not a layer of the backbone \(0-2\)"):
        EncoderModel(config, [{}], {}, {}, None, tmp_path / "m")


def test_a_backbone_that_is_not_there_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError, match="not in the local Hugging Face cache.*HF_HUB_OFFLINE=0"):
        describe("someone/no-such-encoder", tmp_path / "m")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no weights"):
        describe(str(tmp_path / "empty"), tmp_path / "m")


def test_a_hub_id_is_read_from_the_local_cache_with_its_revision(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--tiny--bert"
    tiny_bert(repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    spec = describe("tiny/bert", tmp_path / "m")
    assert spec.name == "tiny/bert" and spec.revision == commit and spec.path.endswith(commit)
    assert "tiny/bert @ 0123456789ab (bert, 3 layers, hidden 32)" == spec.label
    # the model taken to another machine whose cache holds the same snapshot elsewhere: found there
    moved = tmp_path / "other-machine"
    (repo / "snapshots").rename(tmp_path / "snapshots-kept")
    (moved / "models--tiny--bert" / "snapshots").mkdir(parents=True)
    (tmp_path / "snapshots-kept" / commit).rename(moved / "models--tiny--bert" / "snapshots" / commit)
    (moved / "models--tiny--bert" / "refs").mkdir()
    (moved / "models--tiny--bert" / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(moved))
    found = backbone_for(spec, tmp_path / "m").weights_folder()
    assert found == moved / "models--tiny--bert" / "snapshots" / commit


def test_one_layer_a_masked_lm_checkpoint_and_missing_weights(tmp_path):
    from transformers import BertConfig, BertForMaskedLM

    one = model_on(tiny_bert(tmp_path / "one", layers=1), tmp_path / "m1")  # no frozen layer at all
    assert one.settings.n_frozen == 0
    probs = {}
    for backend in ("torch", "onnx"):
        one.use_backend(backend)
        probs[backend] = one.encode_paragraphs(split_paragraphs(TEXT)).probs
    assert np.abs(probs["torch"] - probs["onnx"]).max() < 1e-5
    # a hub checkpoint usually holds a pretraining head too ("bert." before the encoder's names)
    folder = tiny_bert(tmp_path / "mlm")
    cfg = BertConfig.from_pretrained(folder)
    (folder / "model.safetensors").unlink()
    torch.save(BertForMaskedLM(cfg).state_dict(), folder / "pytorch_model.bin")
    assert model_on(folder, tmp_path / "m2").encode_paragraphs(split_paragraphs(TEXT)).probs.shape[0] == 5
    # weights the encoder needs but the checkpoint lacks would be random on every load: refused
    state = torch.load(folder / "pytorch_model.bin")
    del state["bert.encoder.layer.0.output.dense.weight"]
    torch.save(state, folder / "pytorch_model.bin")
    with pytest.raises(ModelError, match="lacks weights the encoder needs: encoder.layer.0.output.dense"):
        model_on(folder, tmp_path / "m3")

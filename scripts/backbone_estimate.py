#!/usr/bin/env python
"""What training spinscan on a bigger encoder costs: measured here on CPU, estimated for GPUs.

1. Tokens in one epoch of the recipe: the six languages' train paragraphs, cut at 256 tokens by
   the XLM-R SentencePiece vocabulary (multilingual-e5 and XLM-R share it, so this is exact for
   both, and close for mDeBERTa-v3's 250k vocabulary).
2. For encoders of e5-small's, a base model's and a large model's shapes (random weights built
   from a config: only the arithmetic matters here), on this CPU: tokens per second of the frozen
   layers' forward pass (the cache, once per run) and of a training step of the fine-tuned top
   third (forward, backward, AdamW), batches of 16 paragraphs of 128 tokens.
3. From those, the floating-point rate this CPU reached (2 x parameters x tokens for a forward
   pass, 6 x for a training step), and for each GPU class its dense bf16/fp16 peak at an assumed
   35 % utilisation: the time of the frozen cache and of one epoch, both times CALIBRATION (what
   the real e5-small run took beyond the arithmetic, measured here). Memory: the top's weights,
   gradients and AdamW moments in float32, activations of a 16 x 256 batch in bf16, and the cache
   of frozen states the run holds in host memory (float16).

These are estimates: the GPU numbers are not measured, and real utilisation varies with the
kernel, the batch shape and the input pipeline.

Usage: python scripts/backbone_estimate.py [--data DIR] [--out runs/backbone_estimate.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHAPES = {  # name: (layers, hidden, heads, ffn); vocabulary 250,002 (XLM-R's) for all
    "e5-small (12 x 384)": (12, 384, 12, 1536),
    "base: XLM-R-base, mDeBERTa-v3-base (12 x 768)": (12, 768, 12, 3072),
    "large: XLM-R-large (24 x 1024)": (24, 1024, 16, 4096),
}
GPUS = {  # dense tensor-core peak, bf16 or fp16 (vendor data sheets), TFLOP/s; memory GB
    "T4 (16 GB)": (65, 16),
    "L4 (24 GB)": (121, 24),
    "A10 (24 GB)": (125, 24),
    "A100 (40/80 GB)": (312, 40),
    "H100 SXM (80 GB)": (989, 80),
}
UTILISATION = 0.35
# the real e5-small run (BENCHMARKS.md, encoder 0.2) against this arithmetic on this CPU: frozen
# layers 724 s vs 4.3 min (2.8x), an epoch 17.7 vs 5.9 min (3.0x): padding to a batch's longest
# paragraph, the token head, held-out predictions each epoch. Applied to every estimate.
CALIBRATION = 3.0
BATCH, T = 16, 128


def epoch_tokens(data: Path) -> tuple[int, int]:
    from spinscan.labels import TRAIN_LANGUAGES
    from spinscan.models.encoder.e5 import E5Tokenizer
    from spinscan.semeval.data import Dataset

    ds, tok = Dataset(data), E5Tokenizer()
    arts = [a for lang in TRAIN_LANGUAGES for a in ds.articles(lang, "train", 3)]
    paras = [p.text.strip() for a in arts for p in a.paragraphs]
    encs = tok.encode(paras, 256)
    return len(paras), sum(len(e.ids) for e in encs)


def measure(layers: int, hidden: int, heads: int, ffn: int) -> dict:
    import torch
    from transformers import BertConfig, BertModel

    from spinscan.models.encoder.network import Stack, TopStack

    torch.set_num_threads(2)
    cfg = BertConfig(
        vocab_size=250_002, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=ffn, max_position_embeddings=514, attn_implementation="eager",
    )  # fmt: skip
    torch.manual_seed(0)
    stack = Stack.of(BertModel(cfg, add_pooling_layer=False).eval(), "bert")
    n_top = max(1, round(layers / 3))
    n_frozen = layers - n_top
    per_layer = sum(p.numel() for p in stack.layers[0].parameters())
    embed = sum(p.numel() for p in stack.model.embeddings.parameters())
    lower = stack.lower(n_frozen).eval()
    top = TopStack(stack, n_frozen, 23)
    ids = torch.randint(5, 250_000, (BATCH, T))
    mask = torch.ones(BATCH, T, dtype=torch.long)
    with torch.no_grad():
        lower(ids, mask)  # (warm-up)
        t0 = time.perf_counter()
        reps = 2
        for _ in range(reps):
            h = lower(ids, mask)
        fwd = (time.perf_counter() - t0) / reps
    opt = torch.optim.AdamW(top.parameters(), lr=1e-5)
    y = torch.zeros(BATCH, 23)

    def step() -> None:
        pl, tl = top(h, mask)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(pl, y) + tl.float().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(2):
        step()
    train = (time.perf_counter() - t0) / 2
    tokens = BATCH * T
    return {
        "layers": layers, "hidden": hidden, "fine_tuned_layers": n_top,
        "params_total_m": round((embed + layers * per_layer) / 1e6, 1),
        "params_lower_layers_m": round(n_frozen * per_layer / 1e6, 1),
        "params_top_m": round(n_top * per_layer / 1e6, 1),
        "cpu_frozen_tokens_per_s": round(tokens / fwd), "cpu_train_tokens_per_s": round(tokens / train),
        "cpu_frozen_gflops": round(2 * n_frozen * per_layer * tokens / fwd / 1e9, 1),
        "cpu_train_gflops": round(6 * n_top * per_layer * tokens / train / 1e9, 1),
    }  # fmt: skip


def estimate(m: dict, n_tokens: int) -> dict:
    lower_flops = 2 * m["params_lower_layers_m"] * 1e6 * n_tokens
    top_flops = 6 * m["params_top_m"] * 1e6 * n_tokens
    k = CALIBRATION
    out = {
        "cpu_here": {
            "frozen_cache_min": round(k * n_tokens / m["cpu_frozen_tokens_per_s"] / 60, 1),
            "epoch_min": round(k * n_tokens / m["cpu_train_tokens_per_s"] / 60, 1),
        }
    }
    hidden, n_top = m["hidden"], m["fine_tuned_layers"]
    # top in float32 with AdamW: weights + gradients + 2 moments = 16 bytes a parameter; activations
    # of a 16 x 256 batch: about 34 x hidden + 5 x heads x 256 bytes per token and layer in bf16
    heads = hidden // 64
    act = BATCH * 256 * n_top * (34 * hidden + 5 * heads * 256)
    gpu_mem = (16 * m["params_top_m"] * 1e6 + act) / 1e9 + 0.5  # (+ the CUDA context)
    lower_mem = (2 * (m["params_total_m"] - m["params_top_m"]) * 1e6) / 1e9 + 0.5  # bf16, forward only
    for gpu, (peak, mem) in GPUS.items():
        rate = peak * 1e12 * UTILISATION
        out[gpu] = {
            "frozen_cache_min": round(k * lower_flops / rate / 60, 1),
            "epoch_min": round(k * top_flops / rate / 60, 1),
            "fits": max(gpu_mem, lower_mem) < mem,
        }
    out["gpu_memory_training_gb"] = round(gpu_mem, 1)
    out["gpu_memory_frozen_pass_gb"] = round(lower_mem, 1)
    out["host_memory_frozen_cache_gb"] = round(2 * hidden * n_tokens / 1e9, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "semeval2023")
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "backbone_estimate.json")
    ap.add_argument("--reuse", action="store_true", help="estimate again from --out's measurements")
    a = ap.parse_args()
    if a.reuse:
        result = json.loads(a.out.read_text())
        n_tokens = result["tokens"]
    else:
        n_paras, n_tokens = epoch_tokens(a.data)
        print(f"one epoch: {n_paras} paragraphs, {n_tokens} tokens (cut at 256)")
        result = {"paragraphs": n_paras, "tokens": n_tokens, "shapes": {}}
        for name, shape in SHAPES.items():
            result["shapes"][name] = measure(*shape)
            print(name, json.dumps(result["shapes"][name]))
    result.update(utilisation=UTILISATION, calibration=CALIBRATION)
    for m in result["shapes"].values():
        m["estimate"] = estimate(m, n_tokens)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    print("\n| backbone | params | 2 CPU cores here | " + " | ".join(GPUS) + " | GPU GB | host GB |")
    print("|---|---|---|" + "---|" * len(GPUS) + "---|---|")
    for name, m in result["shapes"].items():
        e = m["estimate"]
        cells = [f"{e[g]['frozen_cache_min']} / {e[g]['epoch_min']}" for g in GPUS]
        cpu = e["cpu_here"]
        mem = f"{e['gpu_memory_training_gb']} | {e['host_memory_frozen_cache_gb']}"
        head = f"| {name} | {m['params_total_m']}M | {cpu['frozen_cache_min']} / {cpu['epoch_min']} | "
        print(head + " | ".join(cells) + f" | {mem} |")


if __name__ == "__main__":
    main()

"""The recipe adapted to a backbone's depth and width and to the device it trains on.

e5-small (12 layers, width 384) is the case the recipe was tuned on (BENCHMARKS.md): its top
third fine-tuned (4 layers), layers at 6e-5, heads at 2e-3, 16 paragraphs a step, float32 on
a CPU. Other backbones keep the proportions: the top third of their layers, a layer learning
rate that falls with width (wider encoders fine-tune at smaller steps: 4e-5 up to 768, 2e-5
beyond, the usual range for base and large models), 16 paragraphs a step made of smaller
batches with accumulated gradients where the width would not fit, and mixed precision on a GPU
(bf16 where it has it, else fp16). Windows stay 256 tokens unless the backbone reads fewer.
These are starting points from the literature's ranges, not measured here on large models; a
user's ``--lr-layers``, ``--batch-size``, ``--grad-accum``, ``--precision`` override them.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

from ...errors import ModelError
from ...models.encoder.backbones import BackboneSpec
from .config import EncoderTrainConfig

log = logging.getLogger(__name__)

SPEC_FILE = "backbone.json"  # a run's backbone, described once in its work folder
STEP = 16  # paragraphs per optimiser step
PRECISIONS = ("fp32", "bf16", "fp16")


def device_ok(device: str) -> str:
    """``device`` checked against what this machine has (one line when it has no such GPU)."""
    import torch

    if device == "cpu":
        return device
    if not device.startswith("cuda"):
        raise ModelError(f"device {device!r}: expected cpu, cuda or cuda:<k>")
    if not torch.cuda.is_available():
        raise ModelError(f"device {device}: this machine's torch sees no CUDA GPU; train with --device cpu")
    k = int(device.split(":")[1]) if ":" in device else 0
    if k >= torch.cuda.device_count():
        raise ModelError(f"device {device}: only {torch.cuda.device_count()} GPU(s) here")
    return device


def default_precision(device: str) -> str:
    import torch

    if device == "cpu":
        return "fp32"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def check_precision(cfg: EncoderTrainConfig) -> EncoderTrainConfig:
    if cfg.precision not in PRECISIONS:
        raise ModelError(f"precision {cfg.precision!r}: expected one of {', '.join(PRECISIONS)}")
    if cfg.precision == "fp16" and cfg.device == "cpu":
        raise ModelError("precision fp16 is for GPUs; on a CPU use bf16 or fp32")
    return cfg


def adapt(cfg: EncoderTrainConfig, spec: BackboneSpec, explicit: set[str]) -> EncoderTrainConfig:
    """``cfg`` with the settings a backbone of this size calls for, but those in ``explicit``."""
    top = max(1, round(spec.layers / 3))
    chosen = {
        "n_frozen": spec.layers - top,
        "max_tokens": min(256, spec.max_tokens),
        "lr_layers": 6e-5 if spec.hidden <= 512 else 4e-5 if spec.hidden <= 768 else 2e-5,
        "precision": default_precision(cfg.device),
    }
    gpu = cfg.device != "cpu"
    micro = STEP if gpu or spec.hidden <= 512 else 8 if spec.hidden <= 768 else 4
    chosen["batch_size"] = micro
    chosen["grad_accum"] = STEP // micro
    if "batch_size" in explicit and "grad_accum" not in explicit:  # the step stays 16 paragraphs
        chosen["grad_accum"] = max(1, STEP // cfg.batch_size)
    out = check_precision(replace(cfg, **{k: v for k, v in chosen.items() if k not in explicit}))
    if not 0 <= out.n_frozen < spec.layers:
        raise ModelError(f"n_frozen {out.n_frozen}: the backbone has {spec.layers} layers")
    if out.max_tokens > spec.max_tokens:
        raise ModelError(f"max_tokens {out.max_tokens}: the backbone reads at most {spec.max_tokens}")
    log.info(
        "recipe for %s: %d layers fine-tuned of %d, lr %.0e, %d x %d paragraphs a step, %s on %s",
        spec.label, spec.layers - out.n_frozen, spec.layers, out.lr_layers,
        out.batch_size, out.grad_accum, out.precision, out.device,
    )  # fmt: skip
    return out


def prepare_backbone(work: Path, cfg: EncoderTrainConfig, explicit: set[str]) -> EncoderTrainConfig:
    """Describe ``cfg.backbone`` into the work folder (tokenizer, spec) and adapt the recipe to it."""
    from ...models.encoder.hf import describe

    if cfg.device != "cpu":
        device_ok(cfg.device)
        if "precision" not in explicit:
            cfg = replace(cfg, precision=default_precision(cfg.device))
    check_precision(cfg)
    if not cfg.backbone or cfg.init_from:  # (a continuation takes its base's: ``run_spec``)
        return cfg
    work = Path(work)
    spec = describe(cfg.backbone, work, copy=cfg.copy_backbone)
    work.mkdir(parents=True, exist_ok=True)
    (work / SPEC_FILE).write_text(json.dumps(spec.to_dict(), indent=2) + "\n")
    return adapt(cfg, spec, explicit)


def run_spec(work: Path, init_from: str | None = None) -> BackboneSpec:
    """The backbone of a run: described in its work folder, else its ``init_from`` model's (whose
    tokenizer is then copied in), else e5."""
    p = Path(work) / SPEC_FILE
    if not p.is_file() and init_from:
        from ...models.base import read_json

        src = Path(init_from)
        d = read_json(src / "config.json").get("backbone")
        if d:
            spec = BackboneSpec.from_config({"backbone": d}, str(src / "config.json"))
            path = Path(str(spec.path))
            path = path if path.is_absolute() else (src / path).resolve()  # (a copy inside the model)
            Path(work).mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / str(spec.tokenizer), Path(work) / str(spec.tokenizer))
            p.write_text(json.dumps(replace(spec, path=str(path)).to_dict(), indent=2) + "\n")
    if not p.is_file():
        return BackboneSpec()
    return BackboneSpec.from_config({"backbone": json.loads(p.read_text())}, str(p))


def inherit_backbone(cfg: EncoderTrainConfig, explicit: set[str] = frozenset()) -> EncoderTrainConfig:
    """A continuation (``init_from``) runs on its base's backbone, depth and windows (what its
    fine-tuned top was made for) unless told otherwise."""
    if not cfg.init_from:
        return cfg
    from ...models.base import read_json

    train = read_json(Path(cfg.init_from) / "config.json").get("train") or {}
    keep = {k: train[k] for k in ("backbone", "n_frozen", "max_tokens") if k in train and k not in explicit}
    return replace(cfg, **keep)

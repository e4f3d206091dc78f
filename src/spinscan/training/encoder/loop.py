"""The fine-tuning loop of one member: top layers + paragraph and token heads over the cached
frozen states, BCE loss, AdamW with warm-up and linear decay. A checkpoint every
``checkpoint_every`` batches and at each epoch's end; a stopped run resumes from it."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ...labels import TECHNIQUES
from ..selection import micro_f1
from .config import EncoderTrainConfig


class Run(Protocol):
    """What the loop needs of a run (:class:`~.run.EncoderRun` is one): its settings, data, frozen
    states, seed, backbone, folder and epoch files; the run calls the loop, never the reverse."""

    cfg: EncoderTrainConfig
    data: Any
    frozen: Any
    init_seed: int
    backbone: Any
    work: Path
    files: Any


log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def finetune(run: Run, progress: Progress | None = None) -> list[dict]:
    """Train one member (resuming from its last checkpoint); return the per-epoch held-out scores."""
    import torch

    from ...models.encoder.network import TopStack
    from .batching import autocast, length_batches, pad_states, pad_token_labels

    cfg = run.cfg
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(run.init_seed)
    rows = run.frozen.rows(progress)
    y = torch.from_numpy(run.data.paragraphs.y.astype(np.float32))
    tt = run.data.token_table()
    # tokens of rows annotated with paragraph labels only carry no span loss (unknown, not "none")
    tok_labels = tt.labels
    tok_valid = [(st >= 0) & known for st, known in zip(tt.starts, tt.known or [True] * len(tt.starts))]
    if any(len(t) != len(r) for t, r in zip(tok_labels, rows)):
        raise RuntimeError("token labels do not match the cached states; delete the lower-*.npz cache")
    held = run.data.heldout()
    if not held.any() or held.all():
        from ...errors import ModelError

        raise ModelError(
            f"the run's {len(held)} paragraphs leave {'no' if not held.any() else 'only'} held-out articles "
            "to choose on; with --max-articles, English holds out exactly the PTC dev articles, and the "
            "first N may include none: use more articles"
        )
    train_idx, held_idx = np.flatnonzero(~held), np.flatnonzero(held)
    lengths = np.array([len(r) for r in rows])
    top = TopStack(run.backbone.torch_stack(), cfg.n_frozen, len(TECHNIQUES), cfg.dropout)
    head_params = list(top.paragraph_head.parameters()) + list(top.token_head.parameters())
    layer_params = top.layer_parameters()
    opt = torch.optim.AdamW(
        [{"params": layer_params, "lr": cfg.lr_layers}, {"params": head_params, "lr": cfg.lr_head}],
        weight_decay=cfg.weight_decay,
    )
    accum = max(1, cfg.grad_accum)  # batches whose gradients make one optimiser step
    steps_per_epoch = math.ceil(math.ceil(len(train_idx) / cfg.batch_size) / accum)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(cfg.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    ckpt = run.work / "checkpoint.pt"
    epoch, step_in_epoch, history = 0, 0, []
    held_rows = [rows[i] for i in held_idx]
    dev = cfg.device
    top.to(dev)
    if cfg.init_from and not ckpt.is_file():
        top.load_state_dict(init_state(cfg, cfg.init_from, cfg.member))  # (copied onto the device)
        if not run.files.has_top(0):  # the starting point competes as epoch 0
            p0 = save_epoch(run, 0, top, held_rows)
            log.info("epoch 0 (%s) held-out: %s", cfg.init_from, score_heldout(run, p0, held_idx))
    scaler = torch.amp.GradScaler(dev.split(":")[0], enabled=cfg.precision == "fp16")
    st = load_checkpoint(ckpt, dev) if ckpt.is_file() else None
    if st is not None:
        top.load_state_dict(st["top"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        if "scaler" in st:
            scaler.load_state_dict(st["scaler"])
        epoch, step_in_epoch, history = st["epoch"], st["step"], st["history"]
        log.info("resuming at epoch %d, step %d", epoch + 1, step_in_epoch)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def save(ep: int, step: int) -> None:
        tmp = ckpt.with_suffix(".tmp")
        payload = {"top": top.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}
        payload["scaler"] = scaler.state_dict()
        plain = json.loads(json.dumps(history, default=float))  # (loadable with weights_only)
        torch.save({**payload, "epoch": ep, "step": step, "history": plain}, tmp)
        tmp.replace(ckpt)

    while epoch < cfg.epochs:
        rng = np.random.RandomState(run.init_seed + epoch)
        batches = [train_idx[b] for b in length_batches(lengths[train_idx].tolist(), cfg.batch_size, rng)]
        top.train()
        t0, seen, run_loss = time.time(), 0, 0.0
        opt.zero_grad()
        for k in range(step_in_epoch, len(batches)):
            b = batches[k]
            h, m = pad_states([rows[i] for i in b])
            tl, tv = pad_token_labels([tok_labels[i] for i in b], [tok_valid[i] for i in b], h.shape[1])
            h, m, tl, tv = h.to(dev), m.to(dev), tl.to(dev), tv.to(dev)
            with autocast(dev, cfg.precision):
                para_logits, tok_logits = top(h, m)
            para_logits, tok_logits = para_logits.float(), tok_logits.float()
            loss = loss_fn(para_logits, y[b].to(dev))
            if tv.any():  # (a batch of labels-only rows has no token to learn from)
                loss = loss + cfg.token_weight * loss_fn(tok_logits[tv], tl[tv])
            scaler.scale(loss / accum).backward()
            if (k + 1) % accum == 0 or k + 1 == len(batches):
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
                scaler.step(opt)
                scaler.update()
                sched.step()
                opt.zero_grad()
            seen += len(b)
            lv = loss.item()
            run_loss = 0.98 * run_loss + 0.02 * lv if k > step_in_epoch else lv
            if progress:
                progress(f"epoch {epoch + 1}/{cfg.epochs}", k + 1, len(batches))
            if (k + 1) % 50 == 0:
                log.info(
                    "epoch %d step %d/%d loss %.4f %.1f paragraphs/s",
                    epoch + 1, k + 1, len(batches), run_loss, seen / (time.time() - t0),
                )  # fmt: skip
            if (k + 1) % (cfg.checkpoint_every * accum) == 0:  # (at a step's end: no gradient lost)
                save(epoch, k + 1)
        p = save_epoch(run, epoch + 1, top, held_rows)
        history.append({"epoch": epoch + 1, **score_heldout(run, p, held_idx)})
        log.info("epoch %d held-out: %s", epoch + 1, history[-1])
        epoch, step_in_epoch = epoch + 1, 0
        save(epoch, 0)
    return history


def load_checkpoint(ckpt: Path, device: str) -> dict | None:
    """A checkpoint's tensors and counters, loaded as weights only (a planted pickle is refused,
    never run); a damaged or foreign one is set aside as ``.damaged`` and training starts afresh."""
    import torch

    try:
        st = torch.load(ckpt, weights_only=True, map_location=device)
        if not isinstance(st, dict) or not {"top", "opt", "sched", "epoch", "step", "history"} <= set(st):
            raise ValueError("not a spinscan training checkpoint")
        return st
    except Exception as e:  # (torch raises many kinds for a cut or foreign file)
        aside = ckpt.with_name(ckpt.name + ".damaged")
        ckpt.replace(aside)
        log.warning("%s: cannot be loaded as a checkpoint (%s: %s); set aside as %s, starting afresh",
                    ckpt, type(e).__name__, str(e)[:200], aside.name)  # fmt: skip
        return None


def save_epoch(run: Run, epoch: int, top, held_rows: list[np.ndarray]) -> np.ndarray:
    """Held-out paragraph and token probabilities of an epoch, and its weights."""
    p, tp = predict_rows(top, held_rows, device=run.cfg.device, precision=run.cfg.precision)
    run.files.save(epoch, p, tp, {k: v.float().cpu() for k, v in top.state_dict().items()})
    return p


def init_state(cfg: EncoderTrainConfig, model_dir: str, member: int = 0) -> dict:
    """A fine-tuned top of a saved encoder model, refused when its held-out split differs."""
    import torch

    from ...errors import ModelError
    from ...models.base import read_model_dir
    from ...models.encoder import member_states

    config, _, _, tensors = read_model_dir(Path(model_dir))
    old = config.get("train", {})
    keys: tuple[str, ...] = ("seed", "heldout", "heldout_en_ptc_dev", "n_frozen", "max_tokens", "backbone")
    if cfg.extra.get("unseen_articles"):  # articles the base never saw (spinscan learn): any split is fair
        keys = ("n_frozen", "max_tokens", "backbone")
    same = {k: old.get(k) for k in keys}
    mine = {k: getattr(cfg, k) for k in same}
    if same != mine:
        raise ModelError(f"{model_dir}: trained with {same}, this run has {mine}; its held-out differs")
    tops = member_states(tensors)
    if member >= len(tops):
        raise ModelError(
            f"{model_dir}: has {len(tops)} fine-tuned member(s); this run needs member {member + 1}"
        )
    return {k: torch.from_numpy(v.astype(np.float32)) for k, v in tops[member].items()}


def predict_rows(
    top, rows: list[np.ndarray], batch_size: int = 64, device: str = "cpu", precision: str = "fp32"
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Paragraph probabilities (n, L) and token probabilities ((len, L) per row)."""
    import torch

    from .batching import autocast, length_batches, pad_states

    top.eval()
    out = np.zeros((len(rows), top.paragraph_head.out_features), dtype=np.float32)
    toks: list[np.ndarray] = [np.zeros(0)] * len(rows)
    with torch.no_grad():
        for b in length_batches([len(r) for r in rows], batch_size, None):
            h, m = pad_states([rows[i] for i in b])
            with autocast(device, precision):
                pl, tl = top(h.to(device), m.to(device))
            out[b] = torch.sigmoid(pl.float()).cpu().numpy()
            tp = torch.sigmoid(tl.float()).cpu().numpy()
            for j, i in enumerate(b):
                toks[i] = tp[j, : len(rows[i])]
    return out, toks


def score_heldout(run: Run, p: np.ndarray, held_idx: np.ndarray) -> dict:
    """Micro-F1 per language at the best single threshold (a quick epoch-to-epoch measure)."""
    t = run.data.paragraphs
    y, langs = t.y[held_idx], t.langs[held_idx]
    grid = np.arange(0.1, 0.61, 0.025)
    best = max(grid, key=lambda th: micro_f1(y, p >= th))
    res = {"threshold": round(float(best), 3), "all": round(micro_f1(y, p >= best), 4)}
    for lang in sorted(set(langs.tolist())):
        m = langs == lang
        res[lang] = round(micro_f1(y[m], p[m] >= best), 4)
    return res

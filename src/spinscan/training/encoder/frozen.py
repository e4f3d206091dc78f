"""The frozen-layer cache of an encoder run: hidden states after the frozen lower layers for
every train paragraph, computed once (float16), so an epoch costs only the fine-tuned top."""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...types import split_paragraphs

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class FrozenCache:
    """``lower-<n_frozen>-<max_tokens>.npz`` in ``cache_dir``, for the paragraphs ``texts``."""

    def __init__(
        self,
        cache_dir: Path,
        texts: list[str],
        n_frozen: int,
        max_tokens: int,
        threads: int,
        backbone=None,
        device: str = "cpu",
        precision: str = "fp32",
    ) -> None:
        spec = backbone.spec if backbone is not None else None
        tag = f"{spec.sha256[:10]}-" if spec is not None and spec.kind == "hf" and spec.sha256 else ""
        self.path = Path(cache_dir) / f"lower-{tag}{n_frozen}-{max_tokens}.npz"  # (e5: as before)
        self.texts, self.n_frozen, self.max_tokens, self.threads = texts, n_frozen, max_tokens, threads
        self.backbone, self.device, self.precision = backbone, device, precision

    def states(self, progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(flat float16 states, row offsets) after the frozen layers, for every paragraph."""
        if self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as z:
                    states, offsets = z["states"], z["offsets"]
                if len(offsets) == len(self.texts) + 1 and offsets[-1] == len(states):
                    return states, offsets
                raise ValueError(f"{len(offsets) - 1} paragraphs where {len(self.texts)} were expected")
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:  # set aside, rebuilt
                aside = self.path.with_name(self.path.name + ".damaged")
                self.path.replace(aside)
                log.warning(
                    "%s: unreadable frozen-state cache (%s); set aside, computing it again", self.path, e
                )
        t0 = time.time()
        out = self.encode(self.texts, progress)
        lengths = [len(s) for s in out]
        offsets = np.cumsum([0] + lengths)
        states = np.concatenate(out)  # type: ignore[arg-type]
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, states=states, offsets=offsets)
        tmp.replace(self.path)
        log.info("lower: %d paragraphs in %.0f s", len(out), time.time() - t0)
        return states, offsets

    def encode(self, texts: list[str], progress: Progress | None = None) -> list[np.ndarray]:
        """Frozen-layer states of ``texts``, one (tokens, hidden) float16 array each."""
        import torch

        from ...models.encoder.backbones import BackboneSpec, backbone_for
        from ...models.encoder.network import lower_states
        from .batching import autocast, length_batches

        torch.set_num_threads(self.threads)
        backbone = self.backbone or backbone_for(BackboneSpec())
        lower = backbone.torch_stack().lower(self.n_frozen).eval().to(self.device)
        tok = backbone.tokenizer()
        encs = tok.encode(texts, self.max_tokens)
        out: list[np.ndarray] = [np.zeros(0)] * len(encs)
        t0, done = time.time(), 0
        for batch in length_batches([len(e.ids) for e in encs], 32, None):
            with autocast(self.device, self.precision):
                states = lower_states(lower, [encs[i] for i in batch], tok.special["pad"], self.device)
            for i, s in zip(batch, states):
                out[i] = s
            done += len(batch)
            if progress:
                progress("encoding paragraphs (frozen layers)", done, len(encs))
            if done % 1024 < 32:
                log.info("lower: %d/%d paragraphs, %.1f/s", done, len(encs), done / (time.time() - t0))
        return out

    def rows(self, progress: Progress | None = None) -> list[np.ndarray]:
        """The cached states, one (tokens, hidden) array per paragraph."""
        states, offsets = self.states(progress)
        return [states[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]

    def article_vectors(self, articles: list[str]) -> np.ndarray:
        """Mean over paragraphs of the mean frozen-layer state; paragraphs not cached are encoded."""
        states, offsets = self.states()
        cache = {
            t: states[offsets[i] : offsets[i + 1]].astype(np.float32).mean(0)
            for i, t in enumerate(self.texts)
        }
        paras = [[p.text.strip() for p in split_paragraphs(t)] for t in articles]
        missing = sorted({p for ps in paras for p in ps if p not in cache})
        if missing:
            log.info("encoding %d paragraphs not in the cache", len(missing))
            for t, st in zip(missing, self.encode(missing)):
                cache[t] = st.astype(np.float32).mean(0)
        return np.stack([np.mean([cache[p] for p in ps], axis=0) for ps in paras])

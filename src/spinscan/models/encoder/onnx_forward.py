"""The forward stage on ONNX Runtime: the same stage as the torch one, without torch.

The frozen graph runs once per batch; each member's top runs on the rows it weighs; the
members' probabilities are averaged by their weights (see :class:`~.inference.Forward`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ...errors import ModelError
from .interfaces import ForwardOut
from .tokens import Encoding

log = logging.getLogger(__name__)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class OnnxForward:
    """``lower.onnx`` and ``top<k>.onnx`` of a folder made by :func:`.export.build`."""

    def __init__(self, path: Path, members: int, tokenizer) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise ModelError("the onnx backend needs onnxruntime (pip install onnxruntime)") from e
        opts = ort.SessionOptions()
        threads = os.environ.get("SPINSCAN_THREADS")
        if threads:
            opts.intra_op_num_threads = int(threads)
        opts.log_severity_level = 3
        self.path, self.opts, self.ort = path, opts, ort
        self.lower = self._session("lower.onnx")
        # a member's graph is loaded when a paragraph first weighs it (a language member, such as
        # Arabic's, costs nothing to a reader of other languages)
        self.tops: list = [self._session("top0.onnx"), *[None] * (members - 1)]
        # (a lower graph of embeddings only, no frozen layer, has no use for the mask: the exporter drops it)
        self.lower_inputs = {i.name for i in self.lower.get_inputs()}
        self.tokenizer = tokenizer
        self.pad_id = self.tokenizer.special["pad"]

    def _session(self, name: str):
        try:
            return self.ort.InferenceSession(
                str(self.path / name), self.opts, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # a damaged cache: say where it is, so it can be deleted
            raise ModelError(
                f"{self.path}: the ONNX graphs cannot be loaded ({e}); delete the folder to rebuild it"
            ) from e

    def __call__(self, encs: list[Encoding], member_weights: np.ndarray) -> ForwardOut:
        n = max(len(e.ids) for e in encs)
        ids = np.full((len(encs), n), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encs), n), dtype=np.int64)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        (h,) = self.lower.run(None, {k: v for k, v in feed.items() if k in self.lower_inputs})
        n_labels = None
        probs = tp = None
        for i_top in range(len(self.tops)):
            rows = np.flatnonzero(member_weights[:, i_top] > 0)
            if not len(rows):
                continue
            if self.tops[i_top] is None:
                self.tops[i_top] = self._session(f"top{i_top}.onnx")
            top = self.tops[i_top]
            pl, tl = top.run(None, {"hidden": h[rows], "attention_mask": mask[rows]})
            if probs is None:
                n_labels = pl.shape[1]
                probs = np.zeros((len(encs), n_labels), np.float32)
                tp = np.zeros((len(encs), n, n_labels), np.float32)
            probs[rows] += member_weights[rows, i_top, None] * _sigmoid(pl)
            tp[rows] += member_weights[rows, i_top, None, None] * _sigmoid(tl)
        if probs is None:  # (member weights of 0 everywhere cannot pass the settings check)
            raise ModelError("no member has weight for these paragraphs")
        sums = np.stack([h[j, : len(e.ids)].sum(0) for j, e in enumerate(encs)])
        return ForwardOut(probs, tp, sums)

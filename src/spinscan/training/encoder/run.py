"""An encoder fine-tuning run in a work folder, and the recipe's stages 1-3.

1. ``split``: a held-out part of train (15% of the articles of each language, by seed;
   English: the PTC dev articles) that chooses the epoch, the thresholds and the ensemble
   weights; never trained on (``data``).
2. ``lower``: hidden states after the frozen lower layers for every paragraph, computed
   once (``frozen``).
3. ``finetune``: the top layers and heads (``loop``), with the held-out probabilities of
   every epoch (``epochs``). With ``members`` > 1 the same recipe runs again from other
   random initialisations (``member<k>/`` in the work folder, sharing the frozen cache).

Every stage writes its result into the work folder, so a stopped run resumes where it was
(``spinscan train --kind encoder --work DIR``). The last stage, choosing and writing the
model, is ``finish``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from ...semeval.data import Dataset
from .config import EncoderTrainConfig
from .data import RunData
from .epochs import EpochFiles
from .frozen import FrozenCache

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def _save_json(path: Path, obj) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=2))
    tmp.replace(path)


class EncoderRun:
    """One fine-tuning run in a work folder: its settings, data, frozen cache, epoch files and
    members. Every stage resumes from what the folder holds."""

    def __init__(
        self,
        data_dir: str | Path,
        work: str | Path,
        cfg: EncoderTrainConfig | None = None,
        cache_dir: str | Path | None = None,
        data: RunData | None = None,
    ) -> None:
        self.work = Path(work)
        self.cache_dir = Path(cache_dir) if cache_dir else self.work  # the frozen-layer cache
        self.work.mkdir(parents=True, exist_ok=True)
        cfg_path = self.work / "train-config.json"
        if cfg_path.is_file() and cfg is None:
            cfg = EncoderTrainConfig(**json.loads(cfg_path.read_text()))
        self.cfg = cfg or EncoderTrainConfig()
        self.cfg.languages = tuple(self.cfg.languages)
        _save_json(cfg_path, asdict(self.cfg))
        if data is None:
            from ...models.encoder.backbones import backbone_for
            from .recipe import run_spec

            data = RunData(
                Dataset(data_dir), self.cfg, backbone_for(run_spec(self.work, self.cfg.init_from), self.work)
            )
        self.data = data
        self.backbone = data.backbone
        self.files = EpochFiles(self.work)
        self._frozen: FrozenCache | None = None
        self._members: list[EncoderRun] | None = None

    @property
    def ds(self) -> Dataset:
        return self.data.ds

    @property
    def frozen(self) -> FrozenCache:
        if self._frozen is None:
            c = self.cfg
            self._frozen = FrozenCache(
                self.cache_dir, self.data.paragraphs.texts, c.n_frozen, c.max_tokens, c.threads,
                self.backbone, c.device, c.precision,
            )  # fmt: skip
        return self._frozen

    @property
    def init_seed(self) -> int:
        if self.cfg.init_seed is not None:
            return self.cfg.init_seed
        return self.cfg.seed + 16 * self.cfg.member

    def members(self) -> list[EncoderRun]:
        """The runs of the ensemble's members, this one first; they share the data and the cache."""
        if self.cfg.member:
            return [self]
        if self._members is None:
            self._members = [self]
            for k in range(1, self.cfg.members):
                cfg = replace(self.cfg, member=k, init_seed=None)
                sub = EncoderRun(self.ds.root, self.work / f"member{k}", cfg, self.cache_dir, self.data)
                self._members.append(sub)
        return self._members

    def finetune(self, progress: Progress | None = None) -> list[dict]:
        """Fine-tune this member (resuming); its per-epoch held-out scores."""
        from .loop import finetune

        return finetune(self, progress)

    def finetune_members(self, progress: Progress | None = None) -> list[list[dict]]:
        """Fine-tune every member in turn (each resumes where it stopped); their histories."""
        runs, out = self.members(), []
        for k, run in enumerate(runs):
            if len(runs) > 1:
                log.info("member %d/%d (init seed %d)", k + 1, len(runs), run.init_seed)
            named = progress
            if progress and len(runs) > 1:
                named = lambda stage, d, t, k=k: progress(f"member {k + 1}/{len(runs)}: {stage}", d, t)  # noqa: E731
            out.append(run.finetune(named))
        return out

    # ---- what the members' epochs left, averaged over members --------------------------
    def epochs_done(self) -> list[int]:
        """Epochs every member has finished (held-out probabilities saved)."""
        return sorted(set.intersection(*[r.files.done() for r in self.members()]))

    def heldout_member_probs(self, epoch: int) -> list[np.ndarray]:
        """Held-out paragraph probabilities of an epoch, one array per member."""
        return [r.files.probs(epoch) for r in self.members()]

    def heldout_token_probs(self, epoch: int) -> list[np.ndarray]:
        """Held-out token probabilities of an epoch (one (tokens, L) array per held-out row), averaged."""
        total: list[np.ndarray] | None = None
        runs = self.members()
        for r in runs:
            rows = r.files.token_probs(epoch, len(runs))
            total = rows if total is None else [a + b for a, b in zip(total, rows)]
        return total or []

    def top_states(self, epoch: int) -> list[dict[str, np.ndarray]]:
        """The fine-tuned tops of an epoch, one per member."""
        return [r.files.top_state(epoch) for r in self.members()]


def run_recipe(
    data_dir: str | Path,
    work: str | Path,
    cfg: EncoderTrainConfig | None = None,
    progress: Progress | None = None,
) -> list[dict]:
    """Stages 1-3 of the recipe; resumable."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    run = EncoderRun(data_dir, work, cfg)
    return [h for hs in run.finetune_members(progress) for h in hs]

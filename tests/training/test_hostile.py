"""Training files that someone else changed (issue 38): a planted pickle in a checkpoint is never
run; a damaged checkpoint or frozen-state cache is set aside and rebuilt."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from spinscan.training.encoder.frozen import FrozenCache  # noqa: E402
from spinscan.training.encoder.loop import load_checkpoint  # noqa: E402


class Planted:
    def __init__(self, flag: str) -> None:
        self.flag = flag

    def __reduce__(self):
        return (open, (self.flag, "w"))  # loading it would create the flag file


def test_a_planted_pickle_in_a_checkpoint_is_not_run_and_is_set_aside(tmp_path):
    ckpt, flag = tmp_path / "checkpoint.pt", tmp_path / "pwned"
    torch.save(
        {"top": Planted(str(flag)), "opt": {}, "sched": {}, "epoch": 0, "step": 0, "history": []}, ckpt
    )
    assert load_checkpoint(ckpt, "cpu") is None
    assert not flag.exists() and not ckpt.exists() and (tmp_path / "checkpoint.pt.damaged").is_file()


def test_a_cut_or_foreign_checkpoint_is_set_aside_and_a_good_one_loads(tmp_path):
    ckpt = tmp_path / "checkpoint.pt"
    good = {"top": {"w": torch.ones(2)}, "opt": {"state": {}}, "sched": {"last_epoch": 3}, "epoch": 1,
            "step": 2, "history": [{"epoch": 1, "techniques": 0.5}]}  # fmt: skip
    torch.save(good, ckpt)
    st = load_checkpoint(ckpt, "cpu")
    assert st is not None and st["epoch"] == 1 and torch.equal(st["top"]["w"], torch.ones(2))
    data = ckpt.read_bytes()
    ckpt.write_bytes(data[: len(data) // 2])
    assert load_checkpoint(ckpt, "cpu") is None and not ckpt.exists()
    torch.save([1, 2, 3], ckpt)
    assert load_checkpoint(ckpt, "cpu") is None


def test_a_damaged_frozen_cache_is_computed_again(tmp_path, monkeypatch):
    texts = ["one paragraph", "another one"]
    lower = FrozenCache(tmp_path, texts, n_frozen=1, max_tokens=16, threads=1)
    calls = []

    def encode(self, texts, progress=None):
        calls.append(len(texts))
        return [np.ones((3, 4), dtype=np.float16) for _ in texts]

    monkeypatch.setattr(FrozenCache, "encode", encode)
    lower.path.write_bytes(b"PK\x03\x04 not really a zip")
    states, offsets = lower.states()
    assert calls == [2] and states.shape == (6, 4) and list(offsets) == [0, 3, 6]
    assert (tmp_path / (lower.path.name + ".damaged")).is_file()
    again, _ = lower.states()  # the rebuilt cache is read, not computed
    assert calls == [2] and again.shape == (6, 4)

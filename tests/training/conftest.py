"""The recipe's tests compare the model with torch computations: they run on the torch backend."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from spinscan.training.encoder.config import EncoderTrainConfig

from ..conftest import need_shared

if TYPE_CHECKING:
    from spinscan.training.encoder.run import EncoderRun


@pytest.fixture(autouse=True, scope="module")
def torch_backend():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPINSCAN_BACKEND", "torch")
        yield


# A tiny encoder model trained once per test session and shared by the recipe's tests and
# `spinscan learn`'s (torch and the real data needed).


class Stop(Exception):
    pass


def tiny_cfg() -> EncoderTrainConfig:
    # two top layers, short inputs, three articles per language: about a minute on 2 cores
    return EncoderTrainConfig(
        max_articles_per_language=3, epochs=2, n_frozen=10, max_tokens=64, checkpoint_every=2
    )


@pytest.fixture(scope="session")
def encoder_model(tmp_path_factory) -> tuple[Path, EncoderRun, list[int]]:
    pytest.importorskip("torch")
    need_shared()
    from spinscan.analysis import default_lexical_path
    from spinscan.training.encoder.finish import finish
    from spinscan.training.encoder.run import EncoderRun

    from ..conftest import DATA

    work = tmp_path_factory.mktemp("work")
    run = EncoderRun(DATA, work, tiny_cfg())

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage.startswith("epoch 1") and done == 3:
            raise Stop  # as if killed after the checkpoint of step 2

    with pytest.raises(Stop):
        run.finetune(interrupt)
    assert (work / "checkpoint.pt").is_file() and not list(work.glob("heldout-epoch*.npy"))
    first_steps: list[int] = []

    def record(stage: str, done: int, total: int) -> None:
        if stage.startswith("epoch"):
            first_steps.append(done)

    resumed = EncoderRun(DATA, work)  # settings come from the work folder
    history = resumed.finetune(record)
    assert [h["epoch"] for h in history] == [1, 2]
    out = tmp_path_factory.mktemp("model") / "enc"
    finish(resumed, out, default_lexical_path())
    return out, resumed, first_steps

"""The recipe's tests compare the model with torch computations: they run on the torch backend."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="module")
def torch_backend():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPINSCAN_BACKEND", "torch")
        yield

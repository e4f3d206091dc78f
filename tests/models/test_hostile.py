"""Model folders that are not what they claim (issue 38): random bytes, a list, deep nesting,
wrong types in config.json, labels.json or thresholds.json are one ModelError naming the file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from spinscan.analysis import default_lexical_path
from spinscan.errors import ModelError
from spinscan.models.base import load_model

SRC = Path(default_lexical_path())
CONFIG = json.loads((SRC / "config.json").read_text())
VARIANTS = {
    "config_random": ("config.json", os.urandom(200)),
    "config_list": ("config.json", b"[1, 2]"),
    "config_deep": ("config.json", b"[" * 100_000 + b"]" * 100_000),
    "config_string": ("config.json", b'"x"'),
    "config_kind_int": ("config.json", json.dumps({**CONFIG, "kind": 5}).encode()),
    "config_kind_list": ("config.json", json.dumps({**CONFIG, "kind": ["lexical"]}).encode()),
    "labels_list": ("labels.json", b"[1, 2]"),
    "labels_random": ("labels.json", os.urandom(100)),
    "labels_wrong_types": (
        "labels.json",
        json.dumps({"techniques": [1, 2], "frames": 3, "genres": None}).encode(),
    ),
    "thresholds_string": ("thresholds.json", b'"abc"'),
    "thresholds_words": (
        "thresholds.json",
        b'{"techniques": {"*": {"Loaded_Language": "high"}}, "frames": {}}',
    ),
    "thresholds_list": ("thresholds.json", b"[[1]]"),
    "weights_random": ("weights.safetensors", os.urandom(1000)),
    "weights_empty": ("weights.safetensors", b""),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_damaged_model_folder_is_one_model_error(tmp_path, name):
    file, data = VARIANTS[name]
    d = tmp_path / name
    shutil.copytree(SRC, d)
    (d / file).write_bytes(data)
    with pytest.raises(ModelError) as e:
        load_model(d)
    assert str(d) in str(e.value) and "\n" not in str(e.value)

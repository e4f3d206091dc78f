from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPINSCAN_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "semeval2023"
EXAMPLE = SHARED / "examples" / "mailonline-putin-warning-2022-03-16.txt"


def need_shared() -> None:
    if not DATA.is_dir():
        # CI always has ../shared; a skip elsewhere says exactly what is missing.
        pytest.skip(f"real data not found at {DATA} (set SPINSCAN_SHARED)")


@pytest.fixture
def data_dir() -> Path:
    need_shared()
    return DATA


@pytest.fixture
def example_text() -> str:
    need_shared()
    with open(EXAMPLE, encoding="utf-8", newline="") as f:
        return f.read()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A synthetic data folder in the official layout, with the quirks that matter."""
    root = tmp_path / "data"
    fr = root / "fr"
    # CRLF article with a BOM-free first line, a whitespace-only line and a span across a line break
    a1 = "Titre choc\r\n\r\nLes traîtres ont menti.\r\n \r\nIls sont des lâches!\r\n"
    a2 = "Deuxième article\n\nUn rapport neutre sur le budget.\nFin"  # LF, no final newline
    for st in (1, 2, 3):
        write(fr / f"train-articles-subtask-{st}" / "article2301.txt", a1)
        write(fr / f"train-articles-subtask-{st}" / "article2302.txt", a2)
    write(fr / "train-labels-subtask-1.txt", "2301\topinion\n2302\treporting\n")
    write(fr / "train-labels-subtask-2.txt", "2301\tMorality,Political\n2302\tEconomic\n")
    gold3 = "2301\t1\tLoaded_Language\n2301\t3\tName_Calling-Labeling,Loaded_Language\n2301\t5\t\n"
    gold3 += "2302\t1\t\n2302\t3\t\n2302\t4\t\n"
    write(fr / "train-labels-subtask-3.txt", gold3)
    write(fr / "train-labels-subtask-3" / "article2301-labels-subtask-3.txt", gold3.split("2302")[0])
    write(
        fr / "train-labels-subtask-3-spans" / "article2301-labels-subtask-3.txt",
        "2301\tLoaded_Language\t0\t5\r\n2301\tName_Calling-Labeling\t27\t43\r\n",
    )
    write(fr / "test-articles-subtask-3" / "article3301.txt", a1)
    write(
        fr / "test-labels-subtask-3.template", "3301\t1\tTitre choc\r\n3301\t3\tLes traîtres ont menti.\r\n"
    )
    return root

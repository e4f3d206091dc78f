"""Where spinscan keeps what it builds once and reuses: $SPINSCAN_CACHE, else ~/.cache/spinscan.

Everything here can be deleted at any time; it is rebuilt on next use. Builders fill a temporary
folder beside the real one and rename it (:func:`build_folder`), so a killed or concurrent build
never leaves a half folder under the real name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_root() -> Path:
    """$SPINSCAN_CACHE, else the user's cache folder (~/.cache/spinscan)."""
    env = os.environ.get("SPINSCAN_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spinscan"


def build_folder(path: Path, fill: Callable[[Path], None], is_ready: Callable[[Path], bool]) -> Path:
    """Build the folder ``path`` whole or not at all: ``fill(tmp)`` fills a temporary folder beside
    it, which is then renamed to ``path``. A process that finds ``is_ready(path)`` already true
    when it has finished (another one was quicker) keeps that folder; a damaged one is replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.name.split("-")[0]
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}-", dir=path.parent))
    try:
        fill(tmp)
        if is_ready(path):
            return path
        if path.exists():
            shutil.rmtree(path)
        try:
            tmp.rename(path)
        except OSError:
            if not is_ready(path):  # (lost a race to a build that then failed)
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path

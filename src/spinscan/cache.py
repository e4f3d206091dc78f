"""Where spinscan keeps what it builds once and reuses: $SPINSCAN_CACHE, else ~/.cache/spinscan.

Everything here can be deleted at any time; it is rebuilt on next use. Writers put a file in
place whole (a temporary name in the same folder, then a rename), so a killed or concurrent
writer never leaves a half file under the real name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_root() -> Path:
    """$SPINSCAN_CACHE, else the user's cache folder (~/.cache/spinscan)."""
    env = os.environ.get("SPINSCAN_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spinscan"


def write_whole(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path

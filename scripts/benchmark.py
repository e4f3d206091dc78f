#!/usr/bin/env python
"""Time and peak memory of spinscan's main commands on this machine; writes BENCHMARKS.md.

Each command runs as its own process; peak memory is that process's max RSS (wait4).
Usage: python scripts/benchmark.py --data ../shared/data/semeval2023 --example ARTICLE [--train]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPINSCAN = [sys.executable, "-m", "spinscan.cli"]


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--train", action="store_true", help="also time a full `spinscan train` (~10 min)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        wall, mem = measure(SPINSCAN + ["analyze", "--no-color", args.example])
        rows.append(("`spinscan analyze` example article (model load included)", wall, mem, ""))
        wall, mem = measure(SPINSCAN + ["analyze", "--json", args.example])
        rows.append(("`spinscan analyze --json` example article", wall, mem, ""))
        sys.path.insert(0, str(ROOT / "src"))
        from spinscan.data import Dataset

        ds = Dataset(args.data)
        n_par = sum(len(a.paragraphs) for lang in ds.languages("test") for a in ds.articles(lang, "test", 3))
        n_art = sum(
            len(ds.article_paths(lang, "test", st)) for lang in ds.languages("test") for st in (1, 2, 3)
        )
        wall, mem = measure(SPINSCAN + ["predict", "--data", args.data, "--split", "test", "--out", tmp])
        rows.append(
            ("`spinscan predict --split test` (9 languages, 3 subtasks)", wall, mem,
             f"{n_art} article files, {n_par} paragraphs: {n_par / wall:.0f} paragraphs/s overall")
        )  # fmt: skip
        if args.train:
            wall, mem = measure(SPINSCAN + ["train", "--data", args.data, "--out", str(Path(tmp) / "m")])
            rows.append(("`spinscan train` (full: CV over the grid + final fit)", wall, mem, "6 languages"))

    lines = [
        "# Benchmarks",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu_name()}), Python {platform.python_version()}; "
        f"measured {time.strftime('%Y-%m-%d')} by `scripts/benchmark.py` (`make benchmark`).",
        "Wall time of the whole command, peak memory = max RSS of its process.",
        "",
        "| what | wall s | peak MB | notes |",
        "|---|---|---|---|",
    ]
    lines += [f"| {what} | {wall:.1f} | {mem:.0f} | {note} |" for what, wall, mem, note in rows]
    old = Path(args.out).read_text() if Path(args.out).exists() else ""
    keep = old.split("\n## ", 1)[1] if "\n## " in old else ""
    if not args.train and "`spinscan train`" in old:
        # keep the last measured training row when this run did not train
        lines += [ln for ln in old.splitlines() if ln.startswith("| `spinscan train`")]
    text = "\n".join(lines) + "\n" + (f"\n## {keep}" if keep else "")
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

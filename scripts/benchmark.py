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
SPINSCAN = [sys.executable, "-m", "spinscan"]


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


def spans_cost(example: str) -> tuple[str, float, float, str]:
    """In-process: the default model's analysis of the example, and the part spent locating spans."""
    sys.path.insert(0, str(ROOT / "src"))
    import spinscan.models.encoder.model as enc
    from spinscan.analysis import analyze, get_model

    text = Path(example).read_text(encoding="utf-8")
    model = get_model(backend="onnx")
    analyze(text, model=model)  # build the networks once
    if hasattr(model, "cache"):  # the encoder's paragraph readings: measure a fresh article
        model.cache = type(model.cache)(model.cache.size)
    spent = [0.0]
    original = enc.locate_spans

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            spent[0] += time.perf_counter() - t0

    enc.locate_spans = timed
    t0 = time.perf_counter()
    a = analyze(text, model=model)
    wall = time.perf_counter() - t0
    enc.locate_spans = original
    n = len(a.paragraphs)
    share = spent[0] / wall
    note = f"{n} paragraphs, {n / wall:.0f}/s; locating spans: {spent[0] * 1000:.0f} ms ({share:.1%})"
    return (f"analysis of the example in a warm process ({model.name}, onnx)", wall, float("nan"), note)


def wall_of_text_cost(example: str) -> tuple[str, float, float, str]:
    """In-process: the example with its line breaks removed (one paragraph, read in windows)."""
    from spinscan.analysis import analyze, get_model
    from spinscan.models.encoder.e5 import E5Tokenizer
    from spinscan.models.encoder.tokens import windows

    text = " ".join(Path(example).read_text(encoding="utf-8").split())
    model = get_model()
    if hasattr(model, "cache"):  # the encoder's paragraph readings: measure a fresh article
        model.cache = type(model.cache)(model.cache.size)
    t0 = time.perf_counter()
    a = analyze(text, model=model)
    wall = time.perf_counter() - t0
    enc = E5Tokenizer().encode([text], 10**7)[0]
    n_win = len(windows(enc, model.config.get("max_tokens", 256)))
    spans = sum(len(p.spans) for p in a.paragraphs)
    note = f"{len(text):,} characters, {len(enc.ids):,} tokens read in {n_win} windows; {spans} spans"
    return ("the example as one paragraph (line breaks removed), warm process", wall, float("nan"), note)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--train", action="store_true", help="also time a full `spinscan train` (~10 min)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lexical = str(ROOT / "src" / "spinscan" / "pretrained" / "lexical-0.1")
        runs = {
            "onnx": SPINSCAN + ["analyze", "--json", "--backend", "onnx", args.example],
            "torch": SPINSCAN + ["analyze", "--json", "--backend", "torch", args.example],
            "lexical": SPINSCAN + ["analyze", "--json", "--model", lexical, args.example],
        }
        measure(runs["onnx"])  # (builds the ONNX graphs if they are missing; not timed)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
        for _ in range(3):  # interleaved, so a slow minute of the machine hits every variant
            for k, cmd in runs.items():
                times[k].append(measure(cmd))
        for k, label in (("onnx", "default model, onnx backend"), ("torch", "default model, torch backend"),
                         ("lexical", "`--model lexical-0.1`")):  # fmt: skip
            walls = sorted(w for w, _ in times[k])
            every = ", ".join(f"{w:.1f}" for w, _ in times[k])
            what = f"`spinscan analyze --json` example article, {label} (median of 3)"
            rows.append((what, walls[1], max(m for _, m in times[k]), f"runs {every}"))
        wall, mem = measure(SPINSCAN + ["analyze", "--no-color", args.example])
        rows.append(("`spinscan analyze` example article, readable report (onnx)", wall, mem, ""))
        rows.append(spans_cost(args.example))
        rows.append(wall_of_text_cost(args.example))
        sys.path.insert(0, str(ROOT / "src"))
        from spinscan.semeval.data import Dataset

        ds = Dataset(args.data)
        n_par = sum(len(a.paragraphs) for lang in ds.languages("test") for a in ds.articles(lang, "test", 3))
        n_art = sum(
            len(ds.article_paths(lang, "test", st)) for lang in ds.languages("test") for st in (1, 2, 3)
        )
        for backend in ("onnx", "torch"):
            out = str(Path(tmp) / backend)
            cmd = SPINSCAN + [
                "predict",
                "--backend",
                backend,
                "--data",
                args.data,
                "--split",
                "test",
                "--out",
                out,
            ]
            wall, mem = measure(cmd)
            rows.append(
                (f"`spinscan predict --split test --backend {backend}` (9 languages, 3 subtasks)", wall, mem,
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
        "Wall time of the whole command, peak memory = max RSS of its process; default model unless named.",
        "",
        "| what | wall s | peak MB | notes |",
        "|---|---|---|---|",
    ]
    for what, wall, mem, note in rows:
        lines.append(f"| {what} | {wall:.1f} | {'–' if mem != mem else f'{mem:.0f}'} | {note} |")
    old = Path(args.out).read_text() if Path(args.out).exists() else ""
    keep = old.split("\n## ", 1)[1] if "\n## " in old else ""
    if not args.train and "`spinscan train`" in old:
        # keep the last measured training row when this run did not train
        lines += [ln for ln in old.split("\n## ")[0].splitlines() if ln.startswith("| `spinscan train`")]
    text = "\n".join(lines) + "\n" + (f"\n## {keep}" if keep else "")
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()

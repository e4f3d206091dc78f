"""Charts of corpus statistics (PNG or SVG, by the file name), drawn with matplotlib.

Over months: one line per label. Per outlet or language: a heat map of the share of
articles. Without grouping: horizontal bars.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, OutputError
from .stats import NO_DATE, StatsTable

FORMATS = (".png", ".svg")


def write_chart(t: StatsTable, path: str | Path, top: int = 8) -> Path:
    """Draw `t` (at most `top` labels, the most frequent) into `path`."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"{path}: a chart is written as .png or .svg, found '{path.suffix or 'no suffix'}'")
    if path.is_dir() or not path.parent.is_dir():
        why = "is a folder" if path.is_dir() else f"folder {path.parent} does not exist; create it first"
        raise OutputError(f"{path}: {why}")
    if not t.groups or not t.labels:
        raise InputError("nothing to draw: no analysed article matches these filters")
    try:
        import matplotlib
    except ImportError as e:
        raise InputError("charts need matplotlib: pip install 'spinscan[charts]'") from e

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt

    labels = t.labels[:top]
    idx = [t.labels.index(lab) for lab in labels]
    nice = [lab.replace("_", " ") for lab in labels]
    title = f"{t.what.capitalize()}: share of articles" + (f" by {t.by}" if t.by else "") + f"\n({t.model})"
    if t.by in ("month", "week", "day"):
        dated = [(g, row) for g, row in zip(t.groups, t.shares) if g != NO_DATE]
        if not dated:
            raise InputError("nothing to draw over time: no matching article has a date")
        fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(dated) + 3), 4.5))
        for k, name in zip(idx, nice):
            ax.plot([g for g, _ in dated], [100 * row[k] for _, row in dated], marker="o", label=name)
        ax.set_ylabel("% of articles")
        ax.set_xlabel(t.by if t.by != "week" else "week (its Monday)")
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
        ax.tick_params(axis="x", rotation=45)
        ax.grid(alpha=0.3)
    elif t.by:
        import numpy as np

        data = np.array([[100 * row[k] for k in idx] for row in t.shares])
        fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(labels) + 3), max(3, 0.45 * len(t.groups) + 2)))
        im = ax.imshow(data, cmap="YlOrRd", vmin=0, vmax=max(1.0, data.max()), aspect="auto")
        ax.set_xticks(range(len(labels)), nice, rotation=40, ha="right", fontsize=8)
        rows = [f"{g} (n={n})" for g, n in zip(t.groups, t.articles)]
        ax.set_yticks(range(len(rows)), rows, fontsize=8)
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                ax.text(j, i, f"{data[i, j]:.0f}", ha="center", va="center", fontsize=7)
        fig.colorbar(im, ax=ax, label="% of articles")
    else:
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(labels) + 1.5))
        ax.barh(nice[::-1], [100 * t.shares[0][k] for k in idx][::-1], color="#2748c9")
        ax.set_xlabel(f"% of {t.articles[0]} articles")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path

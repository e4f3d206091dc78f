"""The readable terminal report of an analysis (rich; colour only where the terminal allows)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..labels import LANGUAGES, TECHNIQUE_DEFINITIONS, TECHNIQUES
from ..types import Analysis

# One colour per technique, stable across runs, distinguishable on dark and light terminals.
_PALETTE = [
    "red", "green", "yellow", "blue", "magenta", "cyan", "bright_red", "bright_green",
    "bright_yellow", "bright_blue", "bright_magenta", "bright_cyan", "dark_orange", "orchid",
    "spring_green3", "deep_sky_blue1", "gold3", "hot_pink", "chartreuse3", "steel_blue1",
    "light_salmon3", "medium_purple", "turquoise2",
]  # fmt: skip
COLOURS = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(TECHNIQUES)}


def _bar(score: float, width: int = 20) -> str:
    n = round(max(0.0, min(1.0, score)) * width)
    return "█" * n + "·" * (width - n)


def render(analysis: Analysis, source: str | None = None, max_frames: int = 6) -> Group:
    """A rich renderable: header, genre, frames, technique counts, then every paragraph."""
    a = analysis
    lang = f"{LANGUAGES.get(a.lang, a.lang)} ({a.lang}{', detected' if a.lang_detected else ''})"
    head = Text.assemble(
        ("spinscan ", "bold"),
        (f"{source}  " if source else "", "bold cyan"),
        (f"language: {lang}  model: {a.model['name']} {a.model['version']}", "dim"),
    )
    genre = Table.grid(padding=(0, 1))
    for g, s in sorted(a.genre_scores.items(), key=lambda kv: -kv[1]):
        style = "bold" if g == a.genre else "dim"
        genre.add_row(Text(g, style=style), Text(_bar(s), style=style), Text(f"{s:.2f}", style=style))
    frames = Table.grid(padding=(0, 1))
    shown = [f for f in sorted(a.frame_scores, key=lambda f: -a.frame_scores[f])][
        : max(max_frames, len(a.frames))
    ]
    for f in shown:
        chosen = f in a.frames
        style = "bold" if chosen else "dim"
        frames.add_row(
            Text(("✔ " if chosen else "  ") + f, style=style),
            Text(_bar(a.frame_scores[f]), style=style),
            Text(f"{a.frame_scores[f]:.2f}", style=style),
        )
    counts = a.techniques
    tech = Text()
    if counts:
        for t, n in counts.items():
            tech.append(f" {t} ", style=f"bold {COLOURS[t]} reverse")
            tech.append(f" ×{n}  ")
    else:
        tech.append("no persuasion technique found", style="dim")
    parts: list = [
        head,
        Text(""),
        Text(f"Genre: {a.genre}", style="bold underline"),
        genre,
        Text(""),
        Text(f"Frames: {', '.join(a.frames) or '(none above threshold)'}", style="bold underline"),
        frames,
        Text(""),
        Text("Techniques (paragraphs using each):", style="bold underline"),
        tech,
        Text(""),
    ]
    clutter = [p for p in a.paragraphs if p.skipped]
    if clutter:
        kinds = ", ".join(f"{n} {r}" for r, n in sorted(_count(p.skipped for p in clutter).items()))
        parts += [
            Text(f"{len(clutter)} paragraphs are page clutter, not analysed ({kinds})", style="dim"),
            Text(""),
        ]
    for p in a.paragraphs:
        if p.skipped:
            parts.append(
                Panel(
                    Text(p.text.rstrip("\r"), style="dim strike" if p.skipped == "duplicate" else "dim"),
                    title=f"¶ line {p.line_no} · not analysed: {p.skipped}",
                    title_align="left",
                    border_style="grey23",
                    padding=(0, 1),
                )
            )
            continue
        body = Text(p.text.rstrip("\r"), style="" if p.techniques else "dim")
        for sp in sorted(p.spans, key=lambda s: (s.start, -s.end)):
            body.stylize(f"underline {COLOURS[sp.technique]}", sp.start - p.start, sp.end - p.start)
        labels = Text()
        for t in p.techniques:
            labels.append(f" {t} {p.scores[t]:.2f} ", style=f"{COLOURS[t]} reverse")
            labels.append(" ")
        title = f"¶ line {p.line_no}"
        parts.append(
            Panel(
                Group(body, labels) if p.techniques else body,
                title=title,
                title_align="left",
                border_style="grey37",
                padding=(0, 1),
            )
        )
    return Group(*parts)


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def print_report(console: Console, analysis: Analysis, source: str | None = None) -> None:
    console.print(render(analysis, source))


def labels_table() -> Table:
    """All techniques with their definitions, for `spinscan labels`."""
    t = Table("technique", "what it means", show_lines=False)
    for name in TECHNIQUES:
        t.add_row(Text(name, style=COLOURS[name]), TECHNIQUE_DEFINITIONS[name])
    return t

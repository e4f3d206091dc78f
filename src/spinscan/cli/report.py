"""The readable terminal report of an analysis: summary first, then the paragraphs that matter.

Genre, frames and technique counts come first, then the strongest passages quoted, then only
the paragraphs that have a technique (runs of the others folded into one line; ``--all`` shows
every paragraph). Spans are underlined in the technique's colour; without colour they are
bracketed with a short tag, ``[LL: corrupt elite]``, so nothing depends on colour.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..analysis import in_ten
from ..labels import TECHNIQUE_DEFINITIONS, TECHNIQUES
from ..languages import language_name
from ..types import GENRE_CLOSE, Analysis, ParagraphResult, Span
from .tables import names_table

# One colour per technique, stable across runs, distinguishable on dark and light terminals.
_PALETTE = [
    "red", "green", "yellow", "blue", "magenta", "cyan", "bright_red", "bright_green",
    "bright_yellow", "bright_blue", "bright_magenta", "bright_cyan", "dark_orange", "orchid",
    "spring_green3", "deep_sky_blue1", "gold3", "hot_pink", "chartreuse3", "steel_blue1",
    "light_salmon3", "medium_purple", "turquoise2",
]  # fmt: skip
COLOURS = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(TECHNIQUES)}
# Short tags for spans shown without colour (unique; the legend under the summary spells them out).
TAGS = {
    "Appeal_to_Authority": "AUTH", "Appeal_to_Popularity": "POP", "Appeal_to_Values": "VAL",
    "Appeal_to_Fear-Prejudice": "FEAR", "Flag_Waving": "FLAG", "Causal_Oversimplification": "CAUS",
    "False_Dilemma-No_Choice": "DILEM", "Consequential_Oversimplification": "CONSEQ", "Straw_Man": "STRAW",
    "Red_Herring": "HERR", "Whataboutism": "WHAT", "Slogans": "SLOG", "Appeal_to_Time": "TIME",
    "Conversation_Killer": "KILL", "Loaded_Language": "LL", "Repetition": "REP",
    "Exaggeration-Minimisation": "EXAG", "Obfuscation-Vagueness-Confusion": "VAGUE",
    "Name_Calling-Labeling": "NAME", "Doubt": "DOUBT", "Guilt_by_Association": "GUILT",
    "Appeal_to_Hypocrisy": "HYPO", "Questioning_the_Reputation": "REPUT",
}  # fmt: skip
STRONGEST = 3  # passages quoted in the summary


def _bar(score: float, width: int = 16) -> str:
    n = round(max(0.0, min(1.0, score)) * width)
    return "█" * n + "·" * (width - n)


def language_label(a: Analysis) -> str:
    """ "Portuguese (pt, detected 99%)"."""
    how = ""
    if a.lang_detected:
        how = ", detected" + (f" {a.lang_confidence:.0%}" if a.lang_confidence is not None else "")
    return f"{language_name(a.lang)} ({a.lang}{how})"


def language_warnings(a: Analysis) -> list[str]:
    """What the reader should know about the language: analysed zero-shot, unsure or mixed."""
    out = []
    if a.zero_shot:
        out.append(
            f"zero-shot: no {language_name(a.lang)} articles trained this model; expect about the quality "
            "measured for unseen languages (spinscan languages)"
        )
    elif a.zero_shot_heads:
        out.append(
            f"{listed(a.zero_shot_heads)}: zero-shot (no {language_name(a.lang)} article with these "
            "labels trained this model)"
        )
    if a.lang_note:
        out.append(f"language: {a.lang_note}")
    return out


def summary(a: Analysis, source: str | None, colour: bool, reliability: dict | None = None) -> list:
    clutter = [p for p in a.paragraphs if p.skipped]
    n_analysed = len(a.paragraphs) - len(clutter)
    parts: list = [Text(f"spinscan: {source}" if source else "spinscan", style="bold")]
    parts.append(Text(f"{language_label(a)} · model {a.model['name']} {a.model['version']}", style="dim"))
    parts += [Text(line, style="yellow") for line in language_warnings(a)]
    meta = f"{n_analysed} paragraphs analysed"
    if clutter:
        kinds = ", ".join(f"{n} {r}" for r, n in sorted(Counter(p.skipped for p in clutter).items()))
        meta += f"; {len(clutter)} clutter skipped ({kinds})"
    parts += [Text(meta, style="dim"), Text("")]
    ranked = sorted(a.genre_scores.items(), key=lambda kv: -kv[1])
    genre = Text.assemble(("Genre: ", "bold"), (a.genre, "bold"))
    genre.append("   " + " · ".join(f"{g} {s:.2f}" for g, s in ranked), style="dim")
    parts.append(genre)
    if a.genre_uncertain:
        parts.append(
            Text(f"  uncertain: {ranked[0][0]} or {ranked[1][0]} ({why_uncertain(ranked)})", style="yellow")
        )
    parts += [Text(line, style="dim") for line in evidence_lines(a)]
    frames = Table.grid(padding=(0, 1))
    shown = sorted(a.frame_scores, key=lambda f: -a.frame_scores[f])[: max(4, len(a.frames))]
    for f in shown:
        style = "bold" if f in a.frames else "dim"
        mark = "✔" if f in a.frames else " "
        frames.add_row(Text(f"{mark} {f}", style=style), Text(_bar(a.frame_scores[f]), style=style),
                       Text(f"{a.frame_scores[f]:.2f}", style=style))  # fmt: skip
    parts += [Text("Frames (✔ chosen):", style="bold"), frames, Text("")]
    parts += narrative_lines(a) + cast_lines(a)
    counts = a.techniques
    voices = a.voice_counts()
    if counts:
        rel = reliability or {}
        heads = ["technique", "paragraphs", "spans", "in quotes"] + (["right*"] if rel else [])
        names = [f"{name} [{TAGS[name]}]" for name in counts]
        t = names_table(*heads, names=names, box=None, padding=(0, 1), header_style="dim")
        for name, n in counts.items():
            v = voices.get(name, {"author": 0, "quoted": 0})
            label = Text(f"{name} [{TAGS[name]}]", style=f"bold {COLOURS[name]}")
            row = [label, str(n), str(v["author"] + v["quoted"]), str(v["quoted"]) if v["quoted"] else "–"]
            t.add_row(*row, *([in_ten(rel.get(name, {}).get("precision"))] if rel else []))
        parts += [Text("Techniques:", style="bold"), t]
        if rel:
            where = (
                "held-out articles of languages left out of training" if a.zero_shot else "held-out articles"
            )
            parts.append(Text(f"  * how often a paragraph marked with it was right on {where}", style="dim"))
        parts.append(Text(""))
        strongest = sorted(
            ((s.score, p, s) for p in a.paragraphs for s in p.spans if visible(s)[1] - visible(s)[0] >= 3),
            key=lambda x: -x[0],
        )
        seen: set[tuple[int, str]] = set()
        quoted = []
        for score, p, s in strongest:
            if (p.line_no, s.technique) in seen:
                continue
            seen.add((p.line_no, s.technique))
            quoted.append((score, p, s))
            if len(quoted) == STRONGEST:
                break
        if quoted:
            parts.append(Text("Strongest passages:", style="bold"))
            for score, p, s in quoted:
                a0, b0 = visible(s)
                excerpt = " ".join(p.text[a0 - p.start : b0 - p.start].split())
                if len(excerpt) > 90:
                    excerpt = excerpt[:87] + "…"
                who = " (quoted)" if s.voice == "quoted" else ""
                parts.append(Text.assemble(
                    (f"  ¶{p.line_no} ", "dim"), (s.technique, f"bold {COLOURS[s.technique]}"),
                    (f" {score:.2f}{who}: ", "dim"), (f"“{excerpt}”", ""),
                ))  # fmt: skip
            parts.append(Text(""))
    else:
        parts += [Text("No persuasion technique found.", style="dim"), Text("")]
    return parts


def visible(s: Span) -> tuple[int, int]:
    """What a reader is shown of a span: its focus sentence when it covers the whole paragraph
    (the paragraph's tag still names the technique), else the span."""
    return (s.focus_start, s.focus_end) if s.focus_start is not None else (s.start, s.end)


def paragraph(p: ParagraphResult, colour: bool) -> list:
    """The paragraph's line number and techniques (short tags, scores), then its text."""
    if p.skipped:
        return [
            Text.assemble(
                (f"¶{p.line_no} not analysed ({p.skipped}) │ ", "dim italic"), (p.text.strip(), "dim")
            )
        ]
    head = Text()
    head.append(f"¶{p.line_no} ", style="dim")
    for i, t in enumerate(p.techniques):
        head.append(("" if not i else " ") + TAGS[t], style=f"bold {COLOURS[t]}")
        head.append(f" {p.scores[t]:.2f}".replace(" 0.", " ."), style="dim")
    raw = p.text.rstrip("\r")
    lead = len(raw) - len(raw.lstrip())
    if colour:
        body = Text(raw.strip())
        for sp in sorted(p.spans, key=lambda s: (visible(s)[0], -visible(s)[1])):
            a, b = visible(sp)[0] - p.start - lead, visible(sp)[1] - p.start - lead
            body.stylize(f"underline {COLOURS[sp.technique]}", max(a, 0), max(b, 0))
    else:
        body = Text(_bracketed(raw, p, lead))
    head.rstrip()
    head.append(" │ ", style="dim")
    return [head + body]


def _bracketed(raw: str, p: ParagraphResult, lead: int) -> str:
    """The paragraph with each span as ``[TAG: text]``. Nested spans nest their brackets
    (``[LL: a [NAME: b] c]``); a span that crosses an earlier one's end is bracketed in two
    parts, each with its tag, so every span is visible and the brackets always pair. Spans of
    the same text share one bracket (``[LL+NAME: scum]``)."""
    text = raw.strip()
    tags: dict[tuple[int, int], list[str]] = {}
    for sp in sorted(p.spans, key=lambda s: TECHNIQUES.index(s.technique)):
        a, b = (min(max(x - p.start - lead, 0), len(text)) for x in visible(sp))
        if a < b and TAGS[sp.technique] not in tags.setdefault((a, b), []):
            tags[(a, b)].append(TAGS[sp.technique])
    spans = sorted(
        ((a, b, "+".join(t)) for (a, b), t in tags.items() if t), key=lambda s: (s[0], -s[1], s[2])
    )
    cuts = sorted({x for a, b, _ in spans for x in (a, b)})
    out, stack, pos = [], [], 0
    for cut in cuts:
        out.append(text[pos:cut])
        pos = cut
        # the spans covering the text from here on, outermost (earliest, longest) first
        want = [s for s in spans if s[0] <= cut < s[1]]
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep] == want[keep]:
            keep += 1
        out += ["]"] * (len(stack) - keep)
        out += [f"[{tag}: " for _, _, tag in want[keep:]]
        stack = want
    return "".join(out + [text[pos:]])


def render(
    analysis: Analysis,
    source: str | None = None,
    colour: bool = True,
    every: bool = False,
    reliability: dict | None = None,
) -> Group:
    """Summary, then the paragraphs with a technique (all of them with ``every``); ``reliability``:
    the model's held-out precision per technique (:func:`~spinscan.analysis.technique_reliability`)."""
    parts = summary(analysis, source, colour, reliability)
    parts.append(Text("Paragraphs with techniques:" if not every else "Paragraphs:", style="bold"))
    folded: list[ParagraphResult] = []

    def fold() -> None:
        if folded:
            lines = f"line {folded[0].line_no}" + (f"-{folded[-1].line_no}" if len(folded) > 1 else "")
            n_clutter = sum(1 for q in folded if q.skipped)
            n = len(folded) - n_clutter
            what = [f"{n} paragraph{'s' if n != 1 else ''} without techniques"] if n else []
            what += [f"{n_clutter} page clutter"] if n_clutter else []
            parts.append(Text(f"  … {', '.join(what)} ({lines}) …", style="dim"))
            folded.clear()

    for p in analysis.paragraphs:
        if not every and not p.techniques:
            folded.append(p)
            continue
        fold()
        parts += paragraph(p, colour)
    if len(folded) == len(
        analysis.paragraphs
    ):  # (a run at the very end is not worth a line, unless it is all)
        fold()
    if analysis.techniques:
        legend = ", ".join(f"{TAGS[t]} {t}" for t in analysis.techniques)
        parts.append(Text(f"Tags: {legend}", style="dim"))
    return Group(*parts)


def print_report(
    console: Console,
    analysis: Analysis,
    source: str | None = None,
    every: bool = False,
    reliability: dict | None = None,
) -> None:
    colour = console.is_terminal and not console.no_color and console.color_system is not None
    console.print(render(analysis, source, colour, every, reliability))


def labels_table(reliability: dict[str, dict] | None = None) -> Table:
    """All techniques with their definitions and, from the default model's held-out articles,
    how often a mark of it is right and how many of the annotated ones it finds."""
    rel = reliability or {}
    t = names_table("technique", "tag", "what it means", names=TECHNIQUES, show_lines=False)
    for name in TECHNIQUES:
        r = rel.get(name)
        text = Text(TECHNIQUE_DEFINITIONS[name])
        if r and r.get("marked"):
            found = in_ten(r.get("recall"))
            text.append(f"\nheld-out: right {in_ten(r.get('precision'))}, finds {found}", style="dim")
        elif r:
            text.append("\nheld-out: never marked", style="dim")
        t.add_row(Text(name, style=COLOURS[name]), TAGS[name], text)
    return t


def narrative_lines(a: Analysis) -> list[Text]:
    """The narratives (SemEval-2025 Task 10) in a line or two, with their scores; none without the heads."""
    if not a.narratives:
        return []
    if a.narratives == ["Other"]:
        told = Text("none of the Ukraine-war or climate narratives", style="dim")
    else:
        told = Text("; ".join(f"{n} {a.narrative_scores.get(n, 0):.2f}" for n in a.narratives))
    out = [Text.assemble(("Narratives: ", "bold"), told)]
    subs = [x for x in a.subnarratives if not x.endswith(": Other") and x != "Other"]
    if subs:
        line = "; ".join(f"{x.split(': ')[-1]} {a.narrative_scores.get(x, 0):.2f}" for x in subs)
        out.append(Text("  " + line, style="dim"))
    return [*out, Text("")]


def cast_lines(a: Analysis, most: int = 6) -> list[Text]:
    """Who is cast how, in a line or two: "Cast: Putin — antagonist (Tyrant); ..." (the entities
    with most mentions first)."""
    if not a.entities:
        return []
    parts = [
        f"{e['entity']} — {e['main_role'].lower()} ({', '.join(e['fine_roles'])})" for e in a.entities[:most]
    ]
    more = f" and {len(a.entities) - most} more" if len(a.entities) > most else ""
    return [Text.assemble(("Cast: ", "bold"), "; ".join(parts) + more), Text("")]


def listed(xs: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    return xs[0] if len(xs) == 1 else f"{', '.join(xs[:-1])} and {xs[-1]}"


def why_uncertain(ranked: list[tuple[str, float]]) -> str:
    return "their scores are close" if ranked[0][1] - ranked[1][1] < GENRE_CLOSE else "no score reaches .50"


def evidence_lines(a: Analysis) -> list[str]:
    """Why the genre, in a line: how many paragraphs read as the author's view, and where the
    satire cue is strongest (the paragraphs by their ¶ line numbers)."""
    ev = a.genre_evidence
    if not ev:
        return []
    subj = ev["subjective_paragraphs"]
    line = f"  why: {len(subj)} of {ev['paragraphs']} paragraphs read as the author's view"
    if subj:
        line += (
            " ("
            + ", ".join(f"¶{a.paragraphs[i].line_no}" for i in subj[:5])
            + (", …" if len(subj) > 5 else "")
            + ")"
        )
    if ev.get("satire_cue") is not None:  # (shown in the languages where it was measured to work)
        top = [f"¶{a.paragraphs[i].line_no} {score:.2f}" for i, score in ev["satire_paragraphs"][:2]]
        line += f"; satire cue {ev['satire_cue']:.2f}" + (f" (strongest {', '.join(top)})" if top else "")
    return [line]

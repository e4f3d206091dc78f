"""Two outlets, months or languages of a corpus store side by side.

For each group: how many articles, the genre mix, the share of articles that frame it each way,
and the share of articles that use each technique, overall, in the author's own words and in
quoted speech; then which techniques both use, which only one does, and where they differ most.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from ..errors import InputError
from .stats import BY, Filters, pick_model, table


def _row(t, group: str) -> dict[str, float]:
    i = t.groups.index(group)
    return {lab: round(t.shares[i][j], 4) for j, lab in enumerate(t.labels) if t.counts[i][j]}


def compare_groups(
    con: sqlite3.Connection,
    by: str,
    first: str,
    second: str,
    model: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """The comparison of groups ``first`` and ``second`` (values of ``by``: source, month, week,
    day, lang), counting only articles of the period ``since``..``until`` (months or days)."""
    if by not in BY:
        raise InputError(f"--by {by!r}: expected one of {', '.join(BY)}")
    model = pick_model(con, model)
    period = Filters(since=since, until=until)
    tech = table(con, "techniques", by, model, period)
    for g in (first, second):
        if g not in tech.groups:
            found = ", ".join(tech.groups[:20]) or "none"
            raise InputError(f"{by} {g!r}: not in the store for model {model} (found: {found})")
    tables = {
        "genres": table(con, "genres", by, model, period),
        "frames": table(con, "frames", by, model, period),
        "techniques": tech,
        "techniques_author": table(con, "techniques", by, model, replace(period, voice="author")),
        "techniques_quoted": table(con, "techniques", by, model, replace(period, voice="quoted")),
    }
    sides = {}
    for key, g in (("a", first), ("b", second)):
        side: dict[str, Any] = {"group": g, "articles": tech.articles[tech.groups.index(g)]}
        for name, t in tables.items():
            side[name] = _row(t, g) if g in t.groups else {}
        sides[key] = side
    a, b = sides["a"]["techniques"], sides["b"]["techniques"]
    gaps = sorted(set(a) | set(b), key=lambda t: -abs(a.get(t, 0.0) - b.get(t, 0.0)))
    return {
        "by": by,
        "model": model,
        "period": [since, until],
        **sides,
        "shared": sorted(set(a) & set(b)),
        "only_a": sorted(set(a) - set(b)),
        "only_b": sorted(set(b) - set(a)),
        "largest_differences": [
            {"technique": t, "a": a.get(t, 0.0), "b": b.get(t, 0.0)}
            | {"difference": round(a.get(t, 0.0) - b.get(t, 0.0), 4)}
            for t in gaps[:8]
        ],
    }

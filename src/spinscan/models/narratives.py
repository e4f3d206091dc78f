"""The narrative decision (SemEval-2025 Task 10 subtask 2), shared by the model and its training:
the narratives over their threshold (else ``Other``); under each, its subnarratives over theirs
(else ``<narrative>: Other``). A subnarrative's name starts with its narrative's and ``": "``."""

from __future__ import annotations

from collections.abc import Sequence

OTHER = "Other"


def decide_narratives(
    narratives: Sequence[str], subnarratives: Sequence[str], pn, ps, tn: float, ts: float
) -> tuple[list[str], list[str]]:
    """Narratives and subnarratives of one article from their probabilities ``pn`` and ``ps``."""
    narr = [n for n, p in zip(narratives, pn) if p >= tn]
    if not narr:
        return [OTHER], [OTHER]
    subs: list[str] = []
    for n in narr:
        got = [s for s, p in zip(subnarratives, ps) if p >= ts and s.startswith(n + ": ")]
        subs += got or [f"{n}: {OTHER}"]
    return narr, subs

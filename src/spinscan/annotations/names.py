"""Technique, frame and genre names as annotation teams spell them, mapped to spinscan's.

Case, spaces, underscores and hyphens do not matter ("loaded language", "Loaded-Language"); the
SemEval-2020 Task 11 names and a few short forms map to their SemEval-2023 technique; a team's
own names come from a ``--map`` file (JSON ``{"their name": "Technique_Name"}``, or a two-column
CSV/TSV), which is read first.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from ..errors import InputError
from ..labels import FRAMES, GENRES, TECHNIQUES

# SemEval-2020 Task 11 (PTC) names and common short forms -> SemEval-2023 techniques
ALIASES: dict[str, str] = {
    "black and white fallacy": "False_Dilemma-No_Choice",
    "black and white fallacy dictatorship": "False_Dilemma-No_Choice",
    "false dilemma": "False_Dilemma-No_Choice",
    "dictatorship": "False_Dilemma-No_Choice",
    "thought terminating cliches": "Conversation_Killer",
    "thought terminating cliche": "Conversation_Killer",
    "bandwagon": "Appeal_to_Popularity",
    "bandwagon reductio ad hitlerum": "Guilt_by_Association",
    "reductio ad hitlerum": "Guilt_by_Association",
    "exaggeration": "Exaggeration-Minimisation",
    "exaggeration minimization": "Exaggeration-Minimisation",
    "name calling labeling": "Name_Calling-Labeling",
    "name calling": "Name_Calling-Labeling",
    "labeling": "Name_Calling-Labeling",
    "labelling": "Name_Calling-Labeling",
    "appeal to fear prejudice": "Appeal_to_Fear-Prejudice",
    "appeal to fear": "Appeal_to_Fear-Prejudice",
    "causal oversimplification": "Causal_Oversimplification",
    "obfuscation intentional vagueness confusion": "Obfuscation-Vagueness-Confusion",
    "whataboutism straw men red herring": "Whataboutism",
    "straw men": "Straw_Man",
    "strawman": "Straw_Man",
    "slogan": "Slogans",
    "loaded": "Loaded_Language",
    "appeal to authority": "Appeal_to_Authority",
    "tu quoque": "Appeal_to_Hypocrisy",
}


def key(name: str) -> str:
    """A name reduced to lower-case words: "Name_Calling-Labeling" -> "name calling labeling"."""
    return " ".join(re.sub(r"[\s_\-/,.']+", " ", name.lower()).split())


def _table(names: tuple[str, ...]) -> dict[str, str]:
    return {key(n): n for n in names}


TABLES = {"techniques": _table(TECHNIQUES) | ALIASES, "frames": _table(FRAMES), "genres": _table(GENRES)}


class Names:
    """Maps a team's label names to spinscan's (``kind``: techniques, frames or genres)."""

    def __init__(self, own: dict[str, str] | None = None) -> None:
        self.own = {key(k): v for k, v in (own or {}).items()}

    def find(self, name: str, kind: str = "techniques") -> str | None:
        """spinscan's name for ``name``, or None when it names nothing of ``kind``."""
        k = key(name)
        target = self.own.get(k, k)
        return TABLES[kind].get(key(target))

    @classmethod
    def from_file(cls, path: str | Path | None) -> Names:
        """A ``--map`` file: JSON ``{"theirs": "ours"}`` or two columns (CSV or tab-separated)."""
        if path is None:
            return cls()
        p = Path(path)
        try:
            raw = p.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(f"{p}: cannot read the label map ({e.strerror})") from e
        if p.suffix.lower() == ".json":
            try:
                table = json.loads(raw)
            except ValueError as e:
                raise InputError(f"{p}: not valid JSON ({e})") from e
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                raise InputError(f'{p}: expected an object {{"their label": "spinscan label"}}')
        else:
            dialect = "excel-tab" if "\t" in raw else "excel"
            rows = [r for r in csv.reader(raw.splitlines(), dialect) if r and not r[0].startswith("#")]
            if any(len(r) != 2 for r in rows):
                raise InputError(f"{p}: expected two columns per line: their label, spinscan's label")
            table = dict(rows)
        for theirs, ours in table.items():
            if not any(key(ours) in t for t in TABLES.values()):
                raise InputError(f"{p}: {theirs!r} maps to {ours!r}, which is no technique, frame or genre")
        return cls(table)

"""Entity roles at inference (SemEval-2025 Task 10 subtask 1): the mentions of known entities
found in a text, each read with its sentence's, its paragraph's and its article's states and its
name's record,
grouped per entity into a main role and fine roles with scores (see ``training.roles``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from .heads import LinearHead

# the task's taxonomy: main role -> its fine roles
ROLES: dict[str, tuple[str, ...]] = {
    "Protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "Antagonist": (
        "Instigator",
        "Conspirator",
        "Tyrant",
        "Foreign Adversary",
        "Traitor",
        "Spy",
        "Saboteur",
        "Corrupt",
        "Incompetent",
        "Terrorist",
        "Deceiver",
        "Bigot",
    ),  # fmt: skip
    "Innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}
MAIN_ROLES = tuple(ROLES)
FINE_ROLES = tuple(f for fs in ROLES.values() for f in fs)
PRIOR_WEIGHT = 2.0  # pseudo-mentions of the even split added to a name's record


def name_key(name: str) -> str:
    """An entity name as records and the gazetteer key it (quotes gone, spaces one, case kept)."""
    return re.sub(r"\s+", " ", name.replace('"', "")).strip()


def prior_of(counts: dict[str, int] | Counter | None) -> np.ndarray:
    """A name's main-role shares (smoothed towards even) and whether it has a record at all."""
    c = counts or {}
    n = sum(c.values())
    shares = [(c.get(r, 0) + PRIOR_WEIGHT / 3) / (n + PRIOR_WEIGHT) for r in MAIN_ROLES]
    return np.array([*shares, float(n > 0)], dtype=np.float32)


def mention_sentences(
    text: str, starts: list[int], para_bounds: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The (start, end) of the sentence holding each mention's start: a sentence of the
    paragraph it stands in (the whole paragraph where no sentence holds it)."""
    from ..spans.units import sentences

    first = np.array([a for a, _ in para_bounds])
    out = []
    for s in starts:
        k = max(0, int(np.searchsorted(first, s, side="right")) - 1)
        ps, pe = para_bounds[k]
        out.append(next(((x, y) for x, y in sentences(text, ps, pe) if x <= s < y), (ps, pe)))
    return out


def decide_roles(
    p_main: np.ndarray, p_fine: np.ndarray, fine_labels, threshold: float
) -> tuple[str, list[str]]:
    """The main role, and of its fine roles the most probable plus any other over ``threshold``."""
    main = MAIN_ROLES[int(np.argmax(p_main))]
    own = [(p, f) for p, f in zip(p_fine, fine_labels) if f in ROLES[main]]
    own.sort(reverse=True)
    return main, [own[0][1], *[f for p, f in own[1:] if p >= threshold]]


@dataclass
class RoleHeads:
    main: LinearHead  # softmax over MAIN_ROLES, on standardised features
    fine: LinearHead  # sigmoid per fine role
    mean: np.ndarray
    scale: np.ndarray
    fine_threshold: float
    names: dict[str, dict[str, int]]  # the gazetteer: name -> main-role counts in training
    # whether a mention is also read through its own sentence's state (models since 0.7.0):
    # the sentence says what is done to or by the entity, the paragraph only what it is about
    sentence: bool = False

    def proba(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = (x - self.mean) / self.scale
        return self.main.proba(z), self.fine.proba(z)

    def pattern(self) -> re.Pattern | None:
        if not hasattr(self, "_pattern"):
            names = sorted(self.names, key=len, reverse=True)
            alt = "|".join(re.escape(n) for n in names)
            self._pattern = re.compile(rf"(?<!\w)(?:{alt})(?!\w)") if names else None
        return self._pattern

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(name, start, end) of every gazetteer name in ``text`` (longest first, no overlaps)."""
        pat = self.pattern()
        return [(m.group(0), m.start(), m.end()) for m in pat.finditer(text)] if pat else []

    def mention_proba(
        self, found, para_bounds, para_states: np.ndarray, mean: np.ndarray, sentence_states=None
    ):
        """Main- and fine-role probabilities of mentions (name, start, end): each read with the
        paragraph holding its start (and, for a model that reads them, its sentence's state:
        ``sentence_states``, one row per mention)."""
        starts = np.array([s for s, _ in para_bounds])
        rows = []
        for j, (name, s, _) in enumerate(found):
            k = max(0, int(np.searchsorted(starts, s, side="right")) - 1)
            own = [sentence_states[j]] if self.sentence else []
            rows.append(
                np.concatenate([*own, para_states[k], mean, prior_of(self.names.get(name_key(name)))])
            )
        return self.proba(np.stack(rows).astype(np.float32))

    def cast(self, found, para_bounds: list[tuple[int, int]], para_states: np.ndarray, mean: np.ndarray,
             sentence_states=None):  # fmt: skip
        """The article's entities from its mentions ``found`` (:meth:`find`): grouped by name,
        probabilities averaged over them."""
        if not found:
            return []
        pm, pf = self.mention_proba(found, para_bounds, para_states, mean, sentence_states)
        by_name: dict[str, list[int]] = {}
        for j, (name, _, _) in enumerate(found):
            by_name.setdefault(name_key(name), []).append(j)
        out: list[dict[str, Any]] = []
        for name, idx in by_name.items():
            m, f = pm[idx].mean(0), pf[idx].mean(0)
            main, fine = decide_roles(m, f, self.fine.labels, self.fine_threshold)
            out.append({
                "entity": name,
                "mentions": [[found[j][1], found[j][2]] for j in idx],
                "main_role": main,
                "fine_roles": fine,
                "main_scores": {r: round(float(p), 4) for r, p in zip(MAIN_ROLES, m)},
                "fine_scores": {
                    r: round(float(p), 4) for r, p in zip(self.fine.labels, f) if r in ROLES[main]
                },
            })  # fmt: skip
        out.sort(key=lambda e: (-len(e["mentions"]), e["mentions"][0][0]))
        return out

    # ---- in a model folder: tensors roles.*, labels fine_roles, config roles, entities.json ----
    def tensors(self) -> dict[str, np.ndarray]:
        return {
            "roles.main.coef": self.main.coef.astype(np.float32),
            "roles.main.intercept": self.main.intercept.astype(np.float32),
            "roles.fine.coef": self.fine.coef.astype(np.float32),
            "roles.fine.intercept": self.fine.intercept.astype(np.float32),
            "roles.mean": self.mean.astype(np.float32),
            "roles.scale": self.scale.astype(np.float32),
        }

    @classmethod
    def from_folder(cls, t: dict[str, np.ndarray], labels: dict, config: dict, names: dict) -> RoleHeads:
        main = LinearHead(list(MAIN_ROLES), t["roles.main.coef"], t["roles.main.intercept"], softmax=True)
        fine = LinearHead(list(labels["fine_roles"]), t["roles.fine.coef"], t["roles.fine.intercept"])
        cfg = config.get("roles") or {}
        threshold = float(cfg.get("fine_threshold", 0.5))
        sentence = "sentence" in (cfg.get("features") or [])
        return cls(main, fine, t["roles.mean"], t["roles.scale"], threshold, names, sentence)

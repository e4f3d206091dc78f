"""The encoder's inference path in explicit stages: prepare -> forward -> read -> (decide, locate).

- :func:`prepare` tokenises the paragraphs not cached yet, cuts long ones into overlapping
  windows (the model was trained on ``max_tokens``) and plans length-sorted batches;
- a *forward* backend runs one batch of windows through the network and returns paragraph
  and token probabilities (members averaged by their weights) and the frozen-layer state
  sums; the torch one is :class:`~spinscan.models.encoder.network.TorchForward`, and any
  object with the same ``tokenizer``/``pad_id``/``__call__`` can replace it;
- :func:`read_windows` folds each paragraph's windows into one :class:`Reading` (token
  probabilities averaged where windows overlap, the paragraph's probability its best
  window's), which :class:`ReadingCache` keeps by text and member weights;
- deciding labels and locating spans are the model's (``model.py``), over these readings.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ...types import Paragraph
from .interfaces import ForwardOut, Tokenizer
from .tokens import Encoding, token_char_ranges, windows

BATCH_TOKENS = 4096  # paragraphs are batched by length up to about this many tokens
MAX_PARAGRAPH_TOKENS = 1_000_000  # no truncation in practice (inputs are at most a few MB)

Key = tuple[tuple[float, ...], str]  # (member weights, paragraph text)


class Forward(Protocol):
    """The swappable stage: windows in, probabilities out."""

    tokenizer: Tokenizer
    pad_id: int

    def __call__(self, encs: list[Encoding], member_weights: np.ndarray) -> ForwardOut:
        """``member_weights`` is (B, members); a member runs only on rows it weighs."""
        ...


@dataclass
class Window:
    key: Key
    positions: np.ndarray  # position in the paragraph's full encoding of each of the window's ids
    enc: Encoding


@dataclass
class Plan:
    """What :func:`prepare` found to do: full encodings of new paragraphs and their windows."""

    full: dict[Key, Encoding]
    batches: list[list[Window]]


@dataclass
class Reading:
    """What the network read in one paragraph (offsets relative to its stripped text)."""

    probs: np.ndarray  # (L,) the paragraph's: its best window's
    token_probs: np.ndarray  # (tokens, L), averaged where windows overlap
    starts: np.ndarray  # (tokens,) character range of each token; -1: no characters
    ends: np.ndarray
    state: np.ndarray  # (H,) mean frozen-layer state over every window position
    # for a paragraph read in several windows: (start, end, probabilities) of each window
    windows: list[tuple[int, int, np.ndarray]] = field(default_factory=list)


@dataclass
class _Acc:
    """What the windows of one paragraph have given so far."""

    token_sum: np.ndarray
    token_count: np.ndarray
    state_sum: np.ndarray
    n_states: int = 0
    each: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (positions, probs)


def plan_batches(items: list[Window], batch_tokens: int = BATCH_TOKENS) -> Iterator[list[Window]]:
    """Consecutive runs of length-sorted windows, each up to about ``batch_tokens`` tokens."""
    k = 0
    while k < len(items):
        n = len(items[k].enc.ids)
        m = k + 1
        while m < len(items) and (m - k + 1) * len(items[m].enc.ids) <= max(batch_tokens, n):
            m += 1
        yield items[k:m]
        k = m


def prepare(tok: Tokenizer, todo: list[Key], max_tokens: int) -> Plan:
    """Tokenise the paragraphs of ``todo`` whole, window them and plan the batches."""
    full = dict(zip(todo, tok.encode([t for _, t in todo], MAX_PARAGRAPH_TOKENS)))
    items = [Window(k, pos, w) for k in todo for pos, w in windows(full[k], max_tokens)]
    items.sort(key=lambda it: len(it.enc.ids))
    return Plan(full, list(plan_batches(items)))


def read_windows(plan: Plan, forward: Forward, n_labels: int) -> dict[Key, Reading]:
    """Run every planned batch and fold each paragraph's windows into its reading."""
    acc: dict[Key, _Acc] = {}
    for batch in plan.batches:
        wb = np.array([w.key[0] for w in batch], dtype=np.float32)  # (batch, members)
        out = forward([w.enc for w in batch], wb)
        for j, w in enumerate(batch):
            a = acc.get(w.key)
            if a is None:
                n = len(plan.full[w.key].ids)
                a = acc[w.key] = _Acc(
                    np.zeros((n, n_labels), np.float32), np.zeros(n), np.zeros(out.state_sums.shape[1])
                )
            a.each.append((w.positions, out.probs[j]))
            a.token_sum[w.positions] += out.token_probs[j, : len(w.enc.ids)]
            a.token_count[w.positions] += 1
            a.state_sum += out.state_sums[j]
            a.n_states += len(w.enc.ids)
    return {key: _reading(key, plan.full[key], a) for key, a in acc.items()}


def _reading(key: Key, full: Encoding, a: _Acc) -> Reading:
    s0, e0 = token_char_ranges(key[1], full, 0)
    tp_mean = a.token_sum / np.maximum(a.token_count, 1)[:, None]
    spans = []
    if len(a.each) > 1:
        for pos, pw in sorted(a.each, key=lambda it: it[0][-2]):
            inside = pos[s0[pos] >= 0]
            if len(inside):  # (a window of pieces without characters has no range)
                spans.append((int(s0[inside].min()), int(e0[inside].max()), pw))
    best = np.max([pw for _, pw in a.each], axis=0)  # the paragraph's: its best window's
    return Reading(best, tp_mean, s0, e0, a.state_sum / a.n_states, spans)


class ReadingCache:
    """Readings by (member weights, text), oldest dropped first; shared by the API's threads.

    The official data repeats articles across subtask folders, and `predict` asks for one
    subtask at a time, so the same paragraphs come back often.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Key, Reading] = OrderedDict()
        self._lock = threading.Lock()

    def missing(self, keys: list[Key]) -> list[Key]:
        with self._lock:
            return sorted({k for k in keys if k not in self._items})

    def merge(self, keys: list[Key], fresh: dict[Key, Reading]) -> dict[Key, Reading]:
        """The readings of ``keys``: fresh ones (then cached) or cached ones."""
        with self._lock:
            found = {key: fresh.get(key) or self._items[key] for key in set(keys)}
            for key, v in fresh.items():
                self._items[key] = v
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


@dataclass
class Encoded:
    """The readings of a list of paragraphs, with offsets into their articles."""

    probs: np.ndarray  # (paragraphs, techniques) from the paragraph head
    token_probs: list[np.ndarray]  # per paragraph (tokens, techniques) from the token head
    starts: list[np.ndarray]  # per paragraph, each token's article character range; -1: none
    ends: list[np.ndarray]
    states: list[np.ndarray]  # per paragraph, the mean frozen-layer state (article features)
    # per paragraph read in several windows: (start, end, paragraph probabilities) of each
    # window, article offsets; empty for a paragraph that fits in one
    windows: list[list[tuple[int, int, np.ndarray]]] = field(default_factory=list)


def place(paragraphs: list[Paragraph], keys: list[Key], found: dict[Key, Reading], n_labels: int) -> Encoded:
    """Readings moved from stripped-paragraph offsets to article offsets."""
    res = Encoded(np.zeros((len(paragraphs), n_labels), dtype=np.float32), [], [], [], [])
    for i, (p, key) in enumerate(zip(paragraphs, keys)):
        r = found[key]
        base = p.trimmed[0]
        res.probs[i] = r.probs
        res.token_probs.append(r.token_probs)
        res.starts.append(np.where(r.starts >= 0, r.starts + base, -1))
        res.ends.append(np.where(r.ends >= 0, r.ends + base, -1))
        res.states.append(r.state)
        res.windows.append([(s + base, e + base, pw) for s, e, pw in r.windows])
    return res

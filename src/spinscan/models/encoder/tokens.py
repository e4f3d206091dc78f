"""What every backbone's tokenizer gives the encoder: token ids with their character offsets, and
how a long paragraph is cut into overlapping windows of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Encoding:
    ids: list[int]
    offsets: list[tuple[int, int]]  # for ids[1:-1]; (-1, -1) where no source character


def windows(enc: Encoding, max_tokens: int, overlap: int = 64) -> list[tuple[np.ndarray, Encoding]]:
    """Cut an untruncated encoding into encodings of at most ``max_tokens`` ids that overlap by
    ``overlap`` content tokens (at most a quarter of a window); each keeps <s>, the prefix tokens
    and </s>.

    Returns (positions, window) pairs, ``positions[i]`` being the position in ``enc`` of the
    window's id ``i``. A short encoding is its own single window.
    """
    size = len(enc.ids)
    if size <= max_tokens:
        return [(np.arange(size), enc)]
    body, offs = enc.ids[1:-1], enc.offsets
    n_pre = 0
    while n_pre < len(offs) and offs[n_pre] == (-1, -1):  # "query: " (no source characters)
        n_pre += 1
    room = max_tokens - 2 - n_pre
    if room < 4:
        raise ValueError(f"max_tokens {max_tokens} leaves no room beside {n_pre} prefix tokens")
    overlap = min(overlap, room // 4)  # short windows (small test models) still move on
    n = len(body) - n_pre
    out, a = [], 0
    while True:
        ids = [enc.ids[0], *body[:n_pre], *body[n_pre + a : n_pre + a + room], enc.ids[-1]]
        k = len(ids) - 2 - n_pre  # content tokens in this window
        pos = np.concatenate([np.arange(n_pre + 1), n_pre + 1 + a + np.arange(k), [size - 1]])
        out.append((pos, Encoding(ids, offs[:n_pre] + offs[n_pre + a : n_pre + a + room])))
        if a + room >= n:
            return out
        a += room - overlap


def token_char_ranges(text: str, enc: Encoding, base: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) per token of ``enc`` (which encoded ``text``), offset by ``base``.

    Leading whitespace of a token (the word-start marker's space) is not part of it;
    special and prefix tokens get -1.
    """
    n = len(enc.ids)
    starts, ends = np.full(n, -1), np.full(n, -1)
    for k, (s0, e0) in enumerate(enc.offsets, start=1):
        while s0 < e0 and text[s0].isspace():
            s0 += 1
        if 0 <= s0 < e0:
            starts[k], ends[k] = base + s0, base + e0
    return starts, ends

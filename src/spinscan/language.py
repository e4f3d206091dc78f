"""Offline language identification (py3langid ships its model in the wheel): which covered
language a text is in, how sure that is, and whether the text mixes languages."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

from .errors import UnsupportedLanguageError
from .languages import ALIASES, code_of, is_covered, is_spaceless, language_name, list_sentence

log = logging.getLogger(__name__)


UNSURE = 0.5  # below this confidence in an uncovered language, the text is too short to tell
SURE = 0.9  # below this, the report says which other language the text may be in
MIXED = 0.8  # a text whose main language has less of its letters than this is mixed
MIN_LETTERS_PER_PART = 30  # paragraphs shorter than this are not told apart for mixing
PLAUSIBLE = 0.2  # a paragraph this likely in the text's language counts as in it


@functools.lru_cache(maxsize=2)
def _identifier(restricted: bool = False):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    try:
        arrays, row = _unpacked_model()
        ident = LanguageIdentifier(*arrays, norm_probs=True, tk_row=row)
    except Exception as e:  # a cache that cannot be written or read: the packaged file (slower)
        log.info("language model cache not used (%s)", e)
        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:  # only the languages spinscan analyses
        ident.set_languages(sorted(c for c in ident.nb_classes if code_of(c)))
    return ident


def _unpacked_model() -> tuple[tuple, object]:
    """py3langid's model arrays from an unpacked copy in the cache folder (one .npy per array,
    memory-mapped): its packaged file is LZMA-compressed, and decompressing it was half a second
    of every cold analysis."""
    import hashlib
    import lzma
    import shutil
    from array import array
    from pathlib import Path

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from .cache import build_folder, cache_root

    src = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    # named by the packaged file's content, so every install of the same py3langid (each venv,
    # each clone) shares one copy; folders of the older size-and-mtime naming are removed
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
    path = cache_root() / f"langid-{digest}"
    for old in path.parent.glob("langid-*-*") if path.parent.is_dir() else []:
        if old.name.count("-") == 2 and old.name.split("-")[1].isdigit():
            shutil.rmtree(old, ignore_errors=True)
    names = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")

    def unpack(tmp: Path) -> None:
        with lzma.open(src) as fin, open(tmp / "model.npz", "wb") as fout:
            shutil.copyfileobj(fin, fout, length=1 << 20)
        with np.load(tmp / "model.npz", allow_pickle=False) as d:
            for name in names:
                np.save(tmp / f"{name}.npy", d[name], allow_pickle=False)
        (tmp / "model.npz").unlink()
        (tmp / "done").write_text("ok\n")

    def flat(a: np.ndarray) -> array:  # the stdlib arrays py3langid's tokeniser walks
        out = array({2: "H", 4: "I", 8: "L"}[a.dtype.itemsize])
        out.frombytes(memoryview(np.ascontiguousarray(a)).cast("B"))
        return out

    def ready(folder: Path) -> bool:
        return (folder / "done").is_file()

    for attempt in (1, 2):
        if not ready(path):
            build_folder(path, unpack, ready)
        try:
            d = {n: np.load(path / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in names}
            arrays = (d["ptc"], np.asarray(d["pc"]), d["classes"].tolist(), flat(d["nextmove"]))
            return (*arrays, d["out_feat"].tolist()), flat(d["nextmove_row"])
        except Exception:  # a damaged copy (a full disk, an editor): unpacked again, once
            shutil.rmtree(path, ignore_errors=True)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class LanguageGuess:
    """What the identifier found: spinscan's code, its probability, the next likeliest covered
    languages, each language's share of the letters when the text mixes languages, and a
    sentence for the reader when the guess is unsure or the text mixed."""

    code: str
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)
    note: str | None = None


def words(text: str) -> int:
    """Words of letters (each character of a script written without spaces counts as one)."""
    n, inside = 0, False
    for ch in text:
        if ch.isalpha():
            if is_spaceless(ch):
                n, inside = n + 1, False
            elif not inside:
                n, inside = n + 1, True
        else:
            inside = False
    return n


def ranked(text: str, restricted: bool = False) -> list[tuple[str, float]]:
    """(code, probability) best first; covered languages under spinscan's code (their aliases
    added up), the others under the identifier's."""
    total: dict[str, float] = {}
    for iso, p in _identifier(restricted).rank(text):
        key = code_of(iso) or ALIASES.get(iso, iso)
        total[key] = total.get(key, 0.0) + float(p)
    return sorted(total.items(), key=lambda kv: -kv[1])


def no_language(text: str) -> bool:
    """Numbers, symbols or a single word: nothing a language can be told from."""
    return words(text[:20000]) < 2


def guess_language(text: str) -> tuple[str | None, float]:
    """What the text's language looks like, never refused: spinscan's code of a covered
    language, else the identifier's code; ``(None, 0.0)`` for text with no language in it."""
    if no_language(text):
        return None, 0.0
    code, prob = ranked(text[:20000])[0]
    return (None, 0.0) if code == "zxx" else (code, prob)


def _refuse(message: str) -> UnsupportedLanguageError:
    return UnsupportedLanguageError(
        f"{message}; spinscan analyses {list_sentence()}. If you know the language, give it explicitly.",
        setting="lang",
    )


def identify(text: str) -> LanguageGuess:
    """The covered language of ``text``, how sure, and whether it is mixed.

    Raises UnsupportedLanguageError for text with no language in it (numbers, one word) and for
    a language outside the covered list, naming what was found and the list.
    """
    sample = text[:20000]
    if no_language(sample):
        raise _refuse("the text has no words to tell its language from (numbers, symbols or one word)")
    best = ranked(sample)
    code, prob = best[0]
    if code == "zxx":
        raise _refuse("the text has no language in it (the identifier found no linguistic content)")
    if not is_covered(code) and prob >= UNSURE:
        raise _refuse(
            f"the text looks like {language_name(code)} ({code}, "
            f"{prob:.0%} sure), which the encoder was not pretrained on"
        )
    covered = [(c, p) for c, p in best if is_covered(c)]
    if not is_covered(code):  # "Hi there" looks Serbian at 1 %: the likeliest covered language instead
        covered = ranked(sample, restricted=True)
        log.info("language unsure; the likeliest covered one is %s (p=%.3f)", *covered[0])
    code, prob = covered[0]
    alternatives = [(c, round(p, 3)) for c, p in covered[1:3] if p >= 0.01]
    shares = mixture(text, code)
    note = None
    if len(shares) > 1 and max(shares.values()) < MIXED:
        parts = ", ".join(f"{share:.0%} {language_name(c)}" for c, share in shares.items())
        code = max(shares, key=shares.get)
        note = f"mixed languages ({parts} of the letters); analysed as {language_name(code)}"
    elif prob < SURE and alternatives:
        other = alternatives[0]
        note = (
            f"language unsure: {language_name(code)} ({prob:.0%}) or {language_name(other[0])} "
            f"({other[1]:.0%}); analysed as {language_name(code)}"
        )
    log.debug("identified %s (p=%.3f)%s", code, prob, f": {note}" if note else "")
    return LanguageGuess(code, round(prob, 3), alternatives, shares, note)


def mixture(text: str, main: str) -> dict[str, float]:
    """Each covered language's share of the letters of the paragraphs long enough to tell,
    largest first; {} when fewer than two such paragraphs. A paragraph that could well be in
    ``main``, the whole text's language (at least :data:`PLAUSIBLE`), counts as ``main``: close
    languages (Indonesian and Malay, Serbian and Croatian) would otherwise look mixed."""
    parts = [line for line in text.split("\n") if sum(ch.isalpha() for ch in line) >= MIN_LETTERS_PER_PART]
    if len(parts) < 2:
        return {}
    letters: dict[str, int] = {}
    for line in parts[:400]:
        # (the full identifier: a second one restricted to the covered languages costs 80 MB)
        guesses = {k: p for k, p in ranked(line) if is_covered(k)}
        if not guesses:
            continue
        c = main if guesses.get(main, 0.0) >= PLAUSIBLE else max(guesses, key=guesses.get)
        letters[c] = letters.get(c, 0) + sum(ch.isalpha() for ch in line)
    total = sum(letters.values())
    return {c: round(n / total, 3) for c, n in sorted(letters.items(), key=lambda kv: -kv[1])}


def detectable_codes() -> list[str]:
    """spinscan's codes of the covered languages the identifier can tell from text."""
    return sorted({code_of(c) for c in _identifier().nb_classes if code_of(c)})


def detect_language(text: str) -> tuple[str, float]:
    """spinscan's code of the text's language (a covered one), with its probability; see
    :func:`identify`, which also says how sure and whether the text is mixed."""
    g = identify(text)
    return g.code, g.confidence

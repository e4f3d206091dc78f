"""Offline language identification (py3langid ships its model in the wheel)."""

from __future__ import annotations

import functools
import logging

from .errors import UnsupportedLanguageError
from .labels import ISO_TO_CODE, LANGUAGES

log = logging.getLogger(__name__)


UNSURE = 0.5  # below this confidence in an unsupported language, the text is too short to tell


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
        ident.set_languages(sorted(ISO_TO_CODE))
    return ident


def _unpacked_model() -> tuple[tuple, object]:
    """py3langid's model arrays from an unpacked copy in the cache folder (one .npy per array,
    memory-mapped): its packaged file is LZMA-compressed, and decompressing it was half a second
    of every cold analysis."""
    import lzma
    import shutil
    from array import array
    from pathlib import Path

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from .cache import build_folder, cache_root

    src = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    st = src.stat()
    path = cache_root() / f"langid-{st.st_size}-{int(st.st_mtime)}"
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


def guess_language(text: str) -> tuple[str | None, float]:
    """What the text's language looks like, never refused: the official code of a language
    spinscan analyses, else the ISO 639-1 code; ``(None, 0.0)`` for text with no letters."""
    if not any(c.isalpha() for c in text[:20000]):
        return None, 0.0
    iso, prob = _identifier().classify(text[:20000])
    return ISO_TO_CODE.get(iso, iso), float(prob)


def detect_language(text: str) -> tuple[str, float]:
    """The official code (en fr ge it po ru es gr ka) of the text's language, with confidence.

    Raises UnsupportedLanguageError for any other language, naming it, so callers
    can tell the user to pass an explicit language if they know better.
    """
    iso, prob = _identifier().classify(text[:20000])
    code = ISO_TO_CODE.get(iso)
    if code is None and prob < UNSURE:  # "Hi" looks Serbian at 1 %: too short to refuse on that
        iso, prob = _identifier(True).classify(text[:20000])
        code = ISO_TO_CODE.get(iso)
        log.info("language unsure; the most likely supported one is %s (p=%.3f)", iso, prob)
    if code is None:
        raise UnsupportedLanguageError(
            f"the text looks like language {iso!r} ({prob:.0%} sure), which spinscan does not analyse; "
            f"supported: {', '.join(f'{c} ({n})' for c, n in LANGUAGES.items())}. "
            "If the detection is wrong, give the language explicitly.",
            setting="lang",
        )
    log.debug("detected language %s (%s, p=%.3f)", code, iso, prob)
    return code, float(prob)

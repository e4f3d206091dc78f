"""Offline language identification (py3langid ships its model in the wheel)."""

from __future__ import annotations

import functools
import logging

from .errors import UnsupportedLanguageError
from .labels import ISO_TO_CODE, LANGUAGES

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """The official code (en fr ge it po ru es gr ka) of the text's language, with confidence.

    Raises UnsupportedLanguageError for any other language, naming it, so callers
    can tell the user to pass an explicit language if they know better.
    """
    iso, prob = _identifier().classify(text[:20000])
    code = ISO_TO_CODE.get(iso)
    if code is None:
        raise UnsupportedLanguageError(
            f"the text looks like language {iso!r} ({prob:.0%} sure), which spinscan does not analyse; "
            f"supported: {', '.join(f'{c} ({n})' for c, n in LANGUAGES.items())}. "
            "If the detection is wrong, give the language explicitly.",
            setting="lang",
        )
    log.debug("detected language %s (%s, p=%.3f)", code, iso, prob)
    return code, float(prob)

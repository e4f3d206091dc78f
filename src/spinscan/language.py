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

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:  # only the languages spinscan analyses
        ident.set_languages(sorted(ISO_TO_CODE))
    return ident


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

"""The languages spinscan analyses: every language its encoder's pretraining covers.

multilingual-e5-small starts from Multilingual-MiniLM, whose vocabulary and pretraining are
XLM-R's: the 100 CC-100 languages of Conneau et al. (2020), 93 ISO 639-1 codes once the
romanised variants and the two Chinese scripts are folded in. The nine languages of SemEval-2023
Task 3 keep their official codes (``ge`` German, ``po`` Polish, ``gr`` Greek, as the data's folder
names spell them); every other language is named by its ISO 639-1 code. Which of them trained a
model is the model's to say (``Model.trained_languages``): a covered language none of whose
articles trained it is analysed zero-shot, and marked so.
"""

from __future__ import annotations

from collections.abc import Iterable

# official SemEval code -> ISO 639-1, where they differ
OFFICIAL_TO_ISO: dict[str, str] = {"ge": "de", "po": "pl", "gr": "el"}
ISO_TO_OFFICIAL: dict[str, str] = {v: k for k, v in OFFICIAL_TO_ISO.items()}

# ISO 639-1 -> English name: XLM-R's pretraining languages (CC-100)
COVERED: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "fy": "Western Frisian", "ga": "Irish",
    "gd": "Scottish Gaelic", "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian",
    "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz",
    "la": "Latin", "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy",
    "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay",
    "my": "Burmese", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "om": "Oromo", "or": "Odia",
    "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sa": "Sanskrit", "sd": "Sindhi", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "su": "Sundanese",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "vi": "Vietnamese", "xh": "Xhosa", "yi": "Yiddish", "zh": "Chinese",
}  # fmt: skip

# names of languages the identifier knows and the encoder was not pretrained on (for messages)
OTHER_NAMES: dict[str, str] = {
    "mt": "Maltese", "zu": "Zulu", "yo": "Yoruba", "ig": "Igbo", "ht": "Haitian Creole",
    "lb": "Luxembourgish", "fo": "Faroese", "oc": "Occitan", "qu": "Quechua", "rw": "Kinyarwanda",
    "sn": "Shona", "st": "Sotho", "tg": "Tajik", "tk": "Turkmen", "tt": "Tatar", "se": "Northern Sami",
    "ln": "Lingala", "lg": "Ganda", "kab": "Kabyle", "an": "Aragonese", "ba": "Bashkir", "vo": "Volapük",
    "wa": "Walloon", "grc": "Ancient Greek", "hbo": "Ancient Hebrew", "dz": "Dzongkha",
    "nso": "Northern Sotho",
}  # fmt: skip

# what a language identifier may answer for a covered language under another code
ALIASES: dict[str, str] = {"nb": "no", "nn": "no", "ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh"}
ALIASES |= {"uzs": "uz", "iw": "he", "in": "id", "zh-hans": "zh", "zh-hant": "zh", "zh-cn": "zh"}
ALIASES |= {"zh-tw": "zh", "pt-br": "pt", "pt-pt": "pt", "en-us": "en", "en-gb": "en"}

# scripts written without spaces between words: a character is the unit a span can end on
SPACELESS_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Burmese
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F and supplement
)


def is_spaceless(ch: str) -> bool:
    """A character of a script written without spaces between words (Chinese, Japanese, Thai, ...)."""
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in SPACELESS_RANGES)


def code_of(iso: str) -> str:
    """spinscan's code for an ISO 639-1 (or identifier) code: the official one for the SemEval
    languages, else the ISO code; '' when the language is not covered."""
    iso = ALIASES.get(iso.lower(), iso.lower())
    return ISO_TO_OFFICIAL.get(iso, iso) if iso in COVERED else ""


def iso_of(code: str) -> str:
    """The ISO 639-1 code of one of spinscan's codes (``ge`` -> ``de``)."""
    return OFFICIAL_TO_ISO.get(code, code)


def is_covered(code: str) -> bool:
    """Whether one of spinscan's codes (``ge``, ``pt``) names a covered language."""
    return iso_of(code) in COVERED and code not in ISO_TO_OFFICIAL


def language_name(code: str | None) -> str:
    """The English name of a spinscan or ISO code ("Portuguese"); the code itself when unknown."""
    if not code:
        return "unknown"
    return COVERED.get(iso_of(code)) or OTHER_NAMES.get(code, code)


def all_codes() -> list[str]:
    """spinscan's code of every covered language, in the order of their ISO codes."""
    return [ISO_TO_OFFICIAL.get(iso, iso) for iso in COVERED]


def list_sentence() -> str:
    """The covered languages in one line (for errors that must name the list)."""
    return f"the {len(COVERED)} languages of `spinscan languages` ({', '.join(sorted(all_codes()))})"


def normalise_language(code: str) -> str:
    """Map an official or ISO 639-1 (or a common regional) code to spinscan's code; raise on others."""
    from .errors import UnsupportedLanguageError

    c = code.strip().lower().replace("_", "-")
    if c in OFFICIAL_TO_ISO:
        return c
    found = code_of(c) or code_of(c.split("-")[0])
    if found:
        return found
    hint = suggest_code(c)
    raise UnsupportedLanguageError(
        f"unknown language code {code!r}"
        + (f"; did you mean {hint} ({language_name(hint)})?" if hint else "")
        + " Give an ISO 639-1 code (en, fr, de, pt-BR ...); `spinscan languages` lists the 93",
        setting="lang",
    )


def suggest_code(given: str) -> str | None:
    """The code a mistaken ``--lang`` most likely meant: by the language's English name
    ("english" -> en, "portugese" -> pt), else a code one letter away."""
    import difflib

    names = {language_name(c).lower(): c for c in all_codes()}
    word = given.strip().lower()
    if word in names:
        return names[word]
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.85)
    if close:
        return names[close[0]]
    close = difflib.get_close_matches(word, sorted(all_codes()), n=1, cutoff=0.5) if len(word) <= 3 else []
    return close[0] if close else None


def language_table(trained: Iterable[str], detectable: Iterable[str] = ()) -> list[dict[str, object]]:
    """Every covered language with its status for a model trained on ``trained`` ("trained": its
    articles trained the model; "zero-shot": none did) and whether it is told from text
    (``detected``; else give it explicitly)."""
    trained, found = set(trained), set(detectable)
    return [
        {
            "code": code,
            "iso": iso_of(code),
            "name": language_name(code),
            "status": "trained" if code in trained else "zero-shot",
            "detected": code in found,
        }
        for code in sorted(all_codes(), key=lambda c: (c not in trained, language_name(c)))
    ]

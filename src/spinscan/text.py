"""Reading the texts users give us (files, uploads, standard input), one clear error per kind of bad input."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError

MAX_BYTES = 5_000_000  # ~1,000 pages; far above any news article, far below a memory problem


def check_text(text: str, source: str = "text", max_chars: int = MAX_BYTES) -> str:
    """Validate an article text; return it unchanged."""
    if not isinstance(text, str):
        raise InputError(f"{source}: expected text (a string), found {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{source}: the text is empty; give the article's text")
    if "\x00" in text:
        raise InputError(f"{source}: contains NUL characters, so it is binary data, not text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:  # lone surrogates, e.g. from "\ud800" in JSON
        raise InputError(
            f"{source}: invalid character at offset {e.start} (a lone surrogate); send valid Unicode"
        ) from e
    if len(text) > max_chars:
        raise InputError(
            f"{source}: {len(text):,} characters is more than the limit of {max_chars:,} for one "
            "article; split it into articles (or raise the limit)",
            setting="max_bytes",
        )
    return text


def join_title(title: str | None, text: str) -> str:
    """The text to analyse when a title comes apart: the title becomes line 1, then an empty line."""
    if title and title.strip():
        return title.strip().replace("\n", " ") + "\n\n" + text
    return text


def too_big(source: str, size: int, max_bytes: int) -> InputError:
    return InputError(
        f"{source}: {size / 1e6:.1f} MB is more than the limit of {max_bytes / 1e6:.1f} MB for one "
        "article; split it into articles (or raise the limit)",
        setting="max_bytes",
    )


def decode_bytes(data: bytes, source: str, max_bytes: int = MAX_BYTES, charset: str | None = None) -> str:
    """Decode an uploaded or read file as UTF-8 exactly (a BOM and CRLF are kept); bytes that
    are not UTF-8 are read in the ``charset`` the sender declared, when it declared one."""
    if len(data) > max_bytes:
        raise too_big(source, len(data), max_bytes)
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with the article's text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and _plausible_utf16(data):  # Windows editors save it
        return check_text(data.decode("utf-16").removeprefix("\ufeff"), source, max_bytes)
    if b"\x00" in data[:65536]:
        raise InputError(
            f"{source}: looks like a binary file (it contains NUL bytes); give a plain-text file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if charset and usable_charset(charset):
            return check_text(data.decode(charset, errors="replace"), source, max_bytes)
        raise InputError(
            f"{source}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8`"
        ) from e
    return check_text(text, source, max_bytes)


# codecs Python knows that are not text encodings of a page: bytes-to-bytes transforms
# (base64_codec, zlib_codec, hex, rot13 has no bytes side), IDNA/Punycode (host names, not
# pages), escape codecs, and "undefined", which refuses every input
NOT_PAGE_CODECS = {"idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape",
                   "escape_codec", "utf_7", "mbcs", "oem"}  # fmt: skip


def usable_charset(charset: object) -> bool:
    """A text encoding a page can be written in, other than the UTF ones (which the bytes were
    tried in, or which cannot be right without a BOM). A declared ``base64_codec`` or ``rot13``
    is no such thing: the caller falls back as for an unknown charset."""
    import codecs

    if not isinstance(charset, str) or not charset.strip() or len(charset) > 40:
        return False
    try:
        info = codecs.lookup(charset.strip())
        if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in NOT_PAGE_CODECS:
            return False
        if info.name in ("utf-8", "utf-16", "utf-32") or info.name.startswith(("utf-16", "utf-32")):
            return False
        return b"<p>a, b.</p>".decode(info.name) == "<p>a, b.</p>"  # (ASCII-compatible, as pages are)
    except (LookupError, UnicodeError, TypeError, ValueError):
        return False


def _plausible_utf16(data: bytes) -> bool:
    """Text in UTF-16 (with its BOM), not binary data that happens to start like it: an even
    length, and characters from a few 256-blocks only (a script and its punctuation)."""
    if len(data) % 2:
        return False
    try:
        text = data.decode("utf-16").removeprefix("\ufeff")[:2000]
    except UnicodeDecodeError:
        return False
    if not text or any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        return False
    blocks: dict[int, int] = {}
    for c in text:
        blocks[ord(c) >> 8] = blocks.get(ord(c) >> 8, 0) + 1
    return sum(sorted(blocks.values())[-3:]) >= 0.9 * len(text)


def read_text_file(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Read an article file given by a user."""
    p = Path(path)
    if p.is_dir():
        raise InputError(
            f"{p}: is a folder; give article files (an official data folder is read by `spinscan predict`)"
        )
    return decode_bytes(read_file_bytes(p, max_bytes), str(p), max_bytes)


def read_file_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A user's input file's bytes, refused before reading when over ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:  # refuse before reading it all
            raise too_big(str(path), size, max_bytes)
        with open(path, "rb") as f:  # (at most the limit: /dev/zero or a pipe has no size to stat)
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_big(str(path), len(data), max_bytes)
        return data
    except FileNotFoundError as e:
        raise InputError(f"{path}: no such file") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from e

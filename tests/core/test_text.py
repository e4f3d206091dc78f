from pathlib import Path

import pytest

from spinscan.errors import InputError
from spinscan.language import detect_language
from spinscan.text import check_text, decode_bytes, read_text_file


def test_empty_file(tmp_path: Path):
    (tmp_path / "e.txt").write_bytes(b"  \n\r\n")
    with pytest.raises(InputError, match=r"e\.txt: the file is empty"):
        read_text_file(tmp_path / "e.txt")


def test_binary_file(tmp_path: Path):
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"b\.bin: looks like a binary file"):
        read_text_file(tmp_path / "b.bin")


def test_non_utf8_file_says_how_to_convert(tmp_path: Path):
    (tmp_path / "l.txt").write_bytes("Le café est très bon.".encode("latin-1"))
    with pytest.raises(InputError, match=r"l\.txt: not UTF-8 text \(byte 0xe9 at offset 6\).*iconv"):
        read_text_file(tmp_path / "l.txt")


def test_twenty_megabyte_file_is_refused_without_reading_it(tmp_path: Path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(20_000_000)  # sparse: costs no disk
    with pytest.raises(InputError, match=r"big\.txt: 20\.0 MB is more than the limit of 5\.0 MB"):
        read_text_file(big)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        read_text_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_text_file(tmp_path)


def test_text_is_kept_exactly():
    raw = "\ufeffTitle\r\n\r\nBody\r\n".encode()
    assert decode_bytes(raw, "x") == "\ufeffTitle\r\n\r\nBody\r\n"


def test_check_text_rejects_wrong_types_and_nul():
    with pytest.raises(InputError, match="expected text"):
        check_text(42)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="NUL"):
        check_text("a\x00b")


@pytest.mark.parametrize(
    "text,code",
    [
        ("The government announced new measures against inflation on Monday.", "en"),
        ("Le gouvernement a annoncé lundi de nouvelles mesures contre l'inflation.", "fr"),
        ("Die Regierung hat am Montag neue Maßnahmen gegen die Inflation angekündigt.", "ge"),
        ("Il governo ha annunciato lunedì nuove misure contro l'inflazione.", "it"),
        ("Rząd ogłosił w poniedziałek nowe środki przeciwko inflacji.", "po"),
        ("Правительство в понедельник объявило о новых мерах против инфляции.", "ru"),
        ("El gobierno anunció el lunes nuevas medidas contra la inflación.", "es"),
        ("Η κυβέρνηση ανακοίνωσε τη Δευτέρα νέα μέτρα κατά του πληθωρισμού.", "gr"),
        ("მთავრობამ ორშაბათს ინფლაციის წინააღმდეგ ახალი ზომები გამოაცხადა.", "ka"),
    ],
)
def test_detects_all_nine_languages(text: str, code: str):
    assert detect_language(text)[0] == code


def test_utf16_with_its_bom_is_text_and_binary_that_starts_like_it_is_not():
    text = "Titre\r\n\r\nLes traîtres ont menti, dit-il.\r\n"
    for enc in ("utf-16-le", "utf-16-be"):
        bom = b"\xff\xfe" if enc.endswith("le") else b"\xfe\xff"
        assert decode_bytes(bom + text.encode(enc), "f.txt") == text
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\xff\xfe\x00\x01binary", "bad.txt")


def test_the_language_identifier_is_unpacked_once_and_a_damaged_copy_is_replaced(tmp_path, monkeypatch):
    import spinscan.language as language

    monkeypatch.setenv("SPINSCAN_CACHE", str(tmp_path))
    language._identifier.cache_clear()
    try:
        assert language.detect_language("The government lied to the people again, he said.")[0] == "en"
        (folder,) = tmp_path.glob("langid-*")
        copy = folder / "nextmove.npy"
        assert copy.stat().st_size > 10_000_000
        copy.write_bytes(copy.read_bytes()[:1000])  # truncated
        language._identifier.cache_clear()
        assert language.detect_language("Die Regierung hat das Volk wieder belogen, sagte er.")[0] == "ge"
        assert copy.stat().st_size > 10_000_000  # unpacked again, then used
        assert not list(tmp_path.glob(".langid-*"))  # no temporary file left
    finally:
        language._identifier.cache_clear()


def test_every_install_of_one_identifier_shares_one_cached_copy(tmp_path, monkeypatch):
    """Named by the packaged file's content, not its path or time: a second venv (another
    mtime) finds the first one's copy; copies named the old way (size-mtime) are removed."""
    import os

    from py3langid.langid import MODEL_DIR, MODEL_FILE

    import spinscan.language as language

    src = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    monkeypatch.setenv("SPINSCAN_CACHE", str(tmp_path))
    (tmp_path / "langid-123-456").mkdir()  # an older spinscan's copy
    language._identifier.cache_clear()
    stat = src.stat()
    try:
        language.detect_language("The government lied to the people again, he said.")
        first = sorted(p.name for p in tmp_path.glob("langid-*"))
        os.utime(src, (stat.st_atime, stat.st_mtime + 1000))  # as another install would have it
        language._identifier.cache_clear()
        language.detect_language("The government lied to the people again, he said.")
        assert sorted(p.name for p in tmp_path.glob("langid-*")) == first and len(first) == 1
    finally:
        os.utime(src, (stat.st_atime, stat.st_mtime))
        language._identifier.cache_clear()

"""Reading under attack (issue 38): the address rule, streamed inflation, text-only charsets and
malformed URLs in every reader."""

from __future__ import annotations

import tracemalloc
import zlib

import pytest
from click.testing import CliRunner

from spinscan.cli import main
from spinscan.errors import InputError
from spinscan.reading import read_bytes, read_source
from spinscan.reading.addresses import AddressRefused, check_public, is_public
from spinscan.reading.http import HttpClient, check_url
from spinscan.reading.inflate import gunzip_capped
from spinscan.text import decode_bytes, usable_charset


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "::1", "::", "fe80::1%eth0", "fc00::1", "ff02::1", "224.0.0.1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
     "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::8.8.8.8", "2002:7f00:1::",
     "2002:a00:1::1", "2002:c0a8:101::", "::127.0.0.1", "::10.0.0.1", "::169.254.169.254",
     "2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.1", "not an address"],
)  # fmt: skip
def test_private_addresses_in_every_form_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::"]
)
def test_public_addresses_and_their_nat64_and_6to4_forms_are(address):
    assert is_public(address)


@pytest.mark.parametrize(
    "url", ["http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://localhost/", "http://0.0.0.0/",
            "http://[::ffff:127.0.0.1]/", "http://[::1]:8080/x", "http://[64:ff9b::7f00:1]/"],
)  # fmt: skip
def test_loopback_spellings_are_refused_before_any_connection(url):
    with pytest.raises(AddressRefused):
        check_public(url)
    with HttpClient() as c, pytest.raises(AddressRefused) as e:
        c.get(url)
    assert str(e.value).startswith(url) and e.value.code == "address_refused"


def test_the_check_is_made_at_connect_time_on_the_address_connected_to(monkeypatch):
    """DNS rebinding: the first lookup says public, the one at connect time says loopback."""
    import socket

    from spinscan.reading import addresses

    real = socket.getaddrinfo
    answers = iter(["93.184.216.34", "127.0.0.1", "127.0.0.1", "127.0.0.1"])

    def rebinding(host, *a, **k):
        if host == "rebind.example":
            ip = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 80))]
        return real(host, *a, **k)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", rebinding)
    with HttpClient() as c, pytest.raises(AddressRefused, match="127.0.0.1"):
        c.get("http://rebind.example/")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:abc/x", "http://[::1/x", "http://127.0.0.1:99999/x", "http://exa mple.com/",
     "http:///x", "file:///etc/passwd", "http://0177.0.0.1/"],
)  # fmt: skip
def test_malformed_urls_are_one_input_error(url):
    with pytest.raises(InputError):
        check_url(url)
    with pytest.raises(InputError):
        read_source(url) if url.startswith("http") else check_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:abc/x", "http://[::1/x", "http://127.0.0.1:99999/x"])
def test_analyze_and_extract_say_one_line_for_a_malformed_url(url):
    for cmd in (["extract", url], ["analyze", "--model", "lexical", url]):
        r = CliRunner().invoke(main, cmd)
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert r.exit_code != 0 and len(lines) == 1 and lines[0].startswith("error: "), r.output
        assert "Traceback" not in r.output


def gzip_of_zeros(size: int) -> bytes:
    c, zeros = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join([c.compress(zeros) for _ in range(size >> 20)] + [c.flush()])


def test_a_gzip_bomb_is_stopped_at_the_byte_limit_in_little_memory(tmp_path):
    bomb = gzip_of_zeros(300_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="inflates to more than"):
            read_bytes(bomb, "bomb.html.gz", max_bytes=5_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6, peak
    (tmp_path / "bomb.html.gz").write_bytes(bomb)
    r = CliRunner().invoke(main, ["extract", str(tmp_path / "bomb.html.gz")])
    assert r.exit_code != 0 and "inflates to more than" in r.stderr and "Traceback" not in r.output


def test_gzip_files_within_the_limit_are_read_and_cut_ones_refused():
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    gz = c.compress(b"<html><body><p>" + b"word " * 100 + b"</p></body></html>") + c.flush()
    assert gunzip_capped(gz, 10_000, "x").startswith(b"<html>")
    assert gunzip_capped(gz + gz, 10_000, "x").count(b"<html>") == 2  # two members
    with pytest.raises(InputError, match="cut short"):
        gunzip_capped(gz[: len(gz) // 2], 10_000, "x")
    assert gunzip_capped(b"plain", 10, "x") == b"plain"


@pytest.mark.parametrize("codec", ["base64_codec", "zlib_codec", "hex", "rot13", "idna", "undefined", "punycode",
                                   "bz2_codec", "uu_codec", "quopri_codec", "unicode_escape", "nonsense", ""])  # fmt: skip
def test_non_text_charsets_are_not_used_to_decode(codec):
    assert not usable_charset(codec)
    latin = "Caf\u00e9 au lait, d\u00e9j\u00e0 vu.".encode("latin-1")
    with pytest.raises(InputError, match="not UTF-8"):
        decode_bytes(latin, "x.txt", charset=codec)
    html = b"<html><head><meta charset='" + codec.encode() + b"'></head><body><article><p>" + latin * 20
    doc = read_bytes(html + b"</p></article></body></html>", "x.html", "text/html", charset=codec)
    assert "Caf\u00e9" in doc.text  # (Windows-1252, as for an unknown charset)


def test_text_charsets_still_decode():
    for codec in ("latin-1", "windows-1252", "koi8-r", "shift_jis", "iso-8859-15"):
        assert usable_charset(codec), codec
    assert decode_bytes("\u00e9t\u00e9".encode("latin-1"), "x", charset="latin-1") == "\u00e9t\u00e9"

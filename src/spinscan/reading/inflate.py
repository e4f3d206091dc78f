"""Compressed bytes inflated in a stream that stops at a byte limit, never whole.

A gzip bomb (a megabyte that inflates to a gigabyte) costs at most the limit it is held to,
whether it arrives as a saved ``.html.gz``, an upload, a feed item, a ``.xml.gz`` sitemap or an
HTTP body sent with ``Content-Encoding: gzip``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from ..errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
STEP = 1 << 16  # bytes inflated at a time


def too_large(source: str, max_bytes: int) -> InputError:
    return InputError(
        f"{source}: inflates to more than the limit of {max_bytes / 1e6:.1f} MB; refused (raise the limit)",
        setting="max_bytes",
    )


class Inflater:
    """Inflates a gzip or zlib/deflate stream chunk by chunk; over ``max_bytes`` out, InputError."""

    def __init__(self, encoding: str, max_bytes: int, source: str) -> None:
        # gzip: wbits 31; deflate is zlib-wrapped (RFC 9110) but raw deflate is common: tried next
        self.wbits = 31 if encoding in ("gzip", "x-gzip") else 15
        self.encoding, self.max_bytes, self.source = encoding, max_bytes, source
        self.d = zlib.decompressobj(self.wbits)
        self.out = 0
        self.started = False

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        data = chunk
        while data:
            try:
                piece = self.d.decompress(data, STEP)
            except zlib.error as e:
                if self.wbits == 15 and not self.started:  # raw deflate without the zlib header
                    self.wbits, self.d = -15, zlib.decompressobj(-15)
                    continue
                raise InputError(f"{self.source}: compressed data that cannot be read ({e})") from e
            self.started = True
            self.out += len(piece)
            if self.out > self.max_bytes:
                raise too_large(self.source, self.max_bytes)
            if piece:
                yield piece
            if self.d.eof:  # gzip allows several members one after another
                data = self.d.unused_data
                if data and self.wbits == 31 and data[:2] == GZIP_MAGIC:
                    self.d = zlib.decompressobj(31)
                    continue
                return
            data = self.d.unconsumed_tail

    def inflate(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            yield from self.feed(chunk)
        self.finish()

    def finish(self) -> None:
        """InputError when the stream stopped before its end (a truncated file)."""
        if self.started and not self.d.eof:
            raise InputError(f"{self.source}: the {self.encoding} data is cut short; give it whole")


def gunzip_capped(data: bytes, max_bytes: int, source: str) -> bytes:
    """A gzip file's content (a saved ``.html.gz``, a ``.xml.gz`` sitemap), at most ``max_bytes``
    of it, else InputError; bytes that are not gzip come back as they are."""
    if data[:2] != GZIP_MAGIC:
        return data
    return b"".join(Inflater("gzip", max_bytes, source).inflate([data]))

"""WARC crawls: the pages a crawl holds (``response`` records of HTML or plain text), read by
warcio, each at most ``max_bytes`` (a record larger than that is cut there and refused later)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import InputError

log = logging.getLogger(__name__)

PAGE_TYPES = ("text/html", "application/xhtml", "text/plain")


@dataclass
class WarcPage:
    uri: str  # the record's target URI (or ``PATH#N`` when it has none)
    n: int  # the record's number in the file, from 1
    data: bytes


@dataclass
class WarcCount:
    pages: int = 0
    skipped: int = 0  # requests, metadata, images, ...


def warc_pages(
    stream: BinaryIO, path: str, max_bytes: int, count: WarcCount | None = None
) -> Iterator[WarcPage]:
    """The pages of a WARC file, in order; InputError when it cannot be read as one."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as e:
        raise InputError(f"{path}: reading WARC files needs warcio ({e})") from e
    count = count if count is not None else WarcCount()
    try:
        for n, record in enumerate(ArchiveIterator(stream), start=1):
            if record.rec_type != "response":
                count.skipped += 1
                continue
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if not ctype.lower().startswith(PAGE_TYPES):
                count.skipped += 1
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}#{n}"
            count.pages += 1
            yield WarcPage(uri, n, record.content_stream().read(max_bytes + 1))
    except ArchiveLoadFailed as e:
        raise InputError(f"{path}: not a readable WARC file ({e})") from e
    log.info("%s: %d pages, %d other records skipped", path, count.pages, count.skipped)

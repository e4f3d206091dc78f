"""Fetching a page by URL for ``analyze``, ``batch`` and the server: only HTML or plain text.

Every failure is one InputError naming the URL and what went wrong (DNS, refused, an HTTP
error status, a time-out, too large, not HTML, a malformed address). The rules (addresses,
redirects, deadline, byte cap) are the one client's, :mod:`.http`: a server that fetches for
its users trusts no origin and refuses loopback, private, link-local and metadata addresses
at every hop (``allow_private=False``); the CLI trusts the origin its user named.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..text import MAX_BYTES
from .addresses import check_public
from .http import CONNECT_TIMEOUT, TOTAL_TIMEOUT, USER_AGENT, check_url

ACCEPTED = ("text/html", "application/xhtml+xml", "text/plain")
__all__ = ["ACCEPTED", "Fetched", "check_http_url", "check_public", "fetch", "is_url"]


@dataclass
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str
    charset: str | None


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def check_http_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else an InputError.

    What a server takes from a request: never a path (absolute or relative), ``file:``,
    ``ftp:``, ``data:`` or any other scheme, whatever its case, padding or escapes, so that
    a request can make the server fetch a web page and never read one of its own files. The
    scheme is checked as written here; the rest (spaces, host, port) is the client's own check,
    :func:`.http.check_url`.
    """
    if not isinstance(url, str) or not url:
        raise InputError("url: expected an absolute http(s) URL such as https://example.com/story")
    if not url.startswith(("http://", "https://")):
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise InputError(
            f"{shown!r}: only absolute http:// or https:// URLs are fetched (no file paths, "
            "file:, ftp: or data: addresses)"
        )
    return check_url(url)


def fetch(
    url: str,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = False,
    trust_named: bool = False,
    timeout: float = TOTAL_TIMEOUT,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Fetched:
    """GET the page at ``url`` through the one client (:mod:`.http`): at most 5 redirects, one
    deadline, ``max_bytes`` after inflation, HTML or plain text only. ``trust_named``: the user
    named ``url`` (the CLI), so its origin may be private; addresses elsewhere (a redirect's)
    must be public unless ``allow_private``."""
    from .http import HttpClient

    if not is_url(url):
        raise InputError(f"{url}: not an http(s) URL")
    trusted = [url] if trust_named else []
    with HttpClient(trusted, allow_private, timeout, connect_timeout, USER_AGENT, max_bytes) as client:
        r = client.get(url, accept=ACCEPTED)
    return Fetched(r.url, r.body, r.content_type or "text/html", r.charset)

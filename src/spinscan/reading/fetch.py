"""Fetching a page by URL: time-outs, a size cap, few redirects, only HTML or plain text.

Every failure is one InputError naming the URL and what went wrong (DNS, refused, an HTTP
error status, a time-out, too large, not HTML). A server that fetches for its users refuses
targets that resolve to loopback, private, link-local or metadata addresses, checked again
at every redirect (``allow_private=False``).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import InputError
from ..text import MAX_BYTES

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
ACCEPTED = ("text/html", "application/xhtml+xml", "text/plain")
USER_AGENT = "spinscan (+https://propaganda.math.unipd.it/semeval2023task3/)"


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
    a request can make the server fetch a web page and never read one of its own files.
    """
    if not isinstance(url, str) or not url:
        raise InputError("url: expected an absolute http(s) URL such as https://example.com/story")
    shown = url if len(url) <= 80 else url[:77] + "..."
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InputError(f"{shown!r}: not a URL (it holds spaces or control characters)")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError as e:
        raise InputError(f"{shown!r}: not a valid URL ({e})") from e
    if parts.scheme not in ("http", "https") or not url.startswith(parts.scheme + "://"):
        raise InputError(
            f"{shown!r}: only absolute http:// or https:// URLs are fetched (no file paths, "
            "file:, ftp: or data: addresses)"
        )
    if not host:
        raise InputError(f"{shown!r}: the URL has no host")
    return url


def check_public(url: str) -> None:
    """Refuse a URL whose host resolves to an address that is not on the public internet."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as e:
        raise InputError(f"{url}: the host {host!r} cannot be found (DNS: {e.strerror})") from e
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise InputError(
                f"{url}: refused, {host} resolves to {ip}, a loopback, private, link-local or "
                "metadata address; this server fetches only public pages",
                setting="allow_private_fetch",
            )


def fetch(
    url: str,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = True,
    timeout: float = TOTAL_TIMEOUT,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Fetched:
    """GET ``url`` (following at most 5 redirects, each checked) and return the body."""
    import time

    import httpx

    if not is_url(url):
        raise InputError(f"{url}: not an http(s) URL")
    deadline = time.monotonic() + timeout
    t = httpx.Timeout(timeout, connect=connect_timeout)
    with httpx.Client(timeout=t, follow_redirects=False, headers={"user-agent": USER_AGENT}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if not allow_private:
                check_public(url)
            try:
                with client.stream("GET", url) as r:
                    if r.is_redirect:
                        loc = r.headers.get("location")
                        if not loc:
                            raise InputError(f"{url}: a redirect without a Location")
                        url = urljoin(url, loc)
                        if not is_url(url):
                            raise InputError(f"{url}: redirected to something that is not an http(s) URL")
                        continue
                    if r.status_code >= 400:
                        raise InputError(f"{url}: the server answered {r.status_code} {r.reason_phrase}")
                    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and ctype not in ACCEPTED:
                        raise InputError(f"{url}: is {ctype}, not a web page (text/html) or text/plain")
                    size = r.headers.get("content-length")
                    if size and size.isdigit() and int(size) > max_bytes:
                        raise InputError(_too_large(url, int(size), max_bytes), setting="max_bytes")
                    chunks, n = [], 0
                    for chunk in r.iter_bytes():
                        n += len(chunk)
                        if n > max_bytes:
                            raise InputError(_too_large(url, n, max_bytes), setting="max_bytes")
                        if time.monotonic() > deadline:
                            raise InputError(f"{url}: timed out after {timeout:.0f} s")
                        chunks.append(chunk)
                    return Fetched(str(r.url), b"".join(chunks), ctype or "text/html", r.charset_encoding)
            except httpx.ConnectTimeout as e:
                raise InputError(f"{url}: timed out connecting after {connect_timeout:.0f} s") from e
            except httpx.TimeoutException as e:
                raise InputError(f"{url}: timed out after {timeout:.0f} s") from e
            except httpx.ConnectError as e:
                msg = str(e)
                why = (
                    "the host cannot be found (DNS)"
                    if "Name or service" in msg or "resolve" in msg.lower()
                    else (
                        "the connection was refused"
                        if "refused" in msg.lower()
                        else f"cannot connect ({msg})"
                    )
                )
                raise InputError(f"{url}: {why}") from e
            except httpx.HTTPError as e:
                raise InputError(f"{url}: the download failed ({type(e).__name__}: {e})") from e
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects; give the page's final address")


def _too_large(url: str, size: int, max_bytes: int) -> str:
    return (
        f"{url}: over the limit of {max_bytes / 1e6:.1f} MB ({size / 1e6:.1f} MB); refused (raise the limit)"
    )

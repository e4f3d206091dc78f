"""spinscan's one HTTP client: the CLI, the server and ``watch`` fetch through it.

Its rules, the same for every caller:

- **Addresses.** The origins (scheme, host, port) the user named are trusted as named;
  every other address (a feed's item, a sitemap's child, a redirect's target) is fetched only
  when its host resolves to public addresses, checked at connect time on the very address the
  socket connects to (:mod:`.addresses`); ``allow_private`` lifts the check (intranet
  monitoring). No proxy or ``.netrc`` from the environment: they would bypass the check.
- **Redirects**: at most 5, each target checked as above, loops refused, only http(s).
- **One deadline per request** (connect, headers, body and redirects together): a server that
  drips a byte at a time cannot hold a caller longer than ``timeout`` seconds.
- **Byte caps** on what a body inflates to: ``Content-Encoding`` gzip and deflate are inflated
  in a stream (:mod:`.inflate`) and stopped at ``max_bytes``.

Every failure is an :class:`InputError` naming the URL (malformed ones included); a 429 or
503 is :class:`Busy` with the seconds Retry-After asks for. ``watch`` layers its politeness
(robots.txt, delays, conditional GETs) on :meth:`HttpClient.get` through ``before_hop``.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..errors import InputError
from ..text import MAX_BYTES
from .addresses import AddressRefused, check_public, origin, public_addresses, resolve
from .inflate import Inflater

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0
USER_AGENT = "spinscan (+https://propaganda.math.unipd.it/semeval2023task3/)"

_call = threading.local()  # the request running in this thread: its deadline and address rule


class Busy(InputError):
    """The server asked to be left alone for a while (429 or 503); ``wait``: seconds it asked for."""

    code = "busy"

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


class HttpStatus(InputError):
    """The server answered with an error status (``status``: 4xx or 5xx)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 2xx, or 304 (not modified)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def retry_after(value: str | None, now: float | None = None) -> float:
    """Seconds a Retry-After header asks for (a number or an HTTP date); 30 when absent or odd."""
    if not value:
        return 30.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), 1e9)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError):
        return 30.0
    return max(0.0, when - (now if now is not None else time.time()))


def _remaining(timeout: float | None) -> float | None:
    deadline = getattr(_call, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore

        raise httpcore.ReadTimeout("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


def _backend():
    """httpcore's socket backend with the address rule and the deadline applied at the socket."""
    import httpcore

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, inner) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, _remaining(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, _remaining(timeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

        def get_extra_info(self, info: str):
            return self.inner.get_extra_info(info)

    class GuardedBackend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            guard = getattr(_call, "guard", True)
            addresses = public_addresses(host, port) if guard else resolve(host, port)
            error: Exception | None = None
            for address in addresses:  # connect to what was checked, never to a fresh lookup
                try:
                    stream = super().connect_tcp(address, port, _remaining(timeout), local_address,
                                                 socket_options)  # fmt: skip
                    return DeadlineStream(stream)
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                    error = e
            raise error or httpcore.ConnectError(f"no address for {host}")

    return GuardedBackend()


class HttpClient:
    """GETs under one set of rules (see the module). ``trusted``: URLs whose origins the user
    named; ``allow_private``: fetch private addresses wherever they come from."""

    def __init__(
        self,
        trusted: list[str] | tuple[str, ...] = (),
        allow_private: bool = False,
        timeout: float = TOTAL_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        user_agent: str = USER_AGENT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        import httpx

        self.allow_private, self.timeout, self.max_bytes = allow_private, timeout, max_bytes
        self.trusted: set[tuple[str, str, int]] = set()
        for url in trusted:
            self.trust(url)
        transport = httpx.HTTPTransport(trust_env=False)
        transport._pool._network_backend = _backend()  # (httpx has no public hook for it)
        self.client = httpx.Client(
            transport=transport, trust_env=False, follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers={"user-agent": user_agent, "accept-encoding": "gzip, deflate"},
        )  # fmt: skip

    def trust(self, url: str) -> None:
        """Trust ``url``'s origin as named by the user (a malformed URL trusts nothing)."""
        try:
            self.trusted.add(origin(url))
        except ValueError:
            pass

    def guarded(self, url: str) -> bool:
        """Whether ``url`` may be fetched only at public addresses."""
        return not self.allow_private and origin(url) not in self.trusted

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        accept: tuple[str, ...] | None = None,
        max_bytes: int | None = None,
        before_hop: Callable[[str, bool], None] | None = None,
    ) -> Response:
        """GET ``url``: a 2xx body (inflated, at most ``max_bytes``) or a 304. ``accept``: the
        content types taken (others refused before the body is read). ``before_hop(url,
        redirected)`` runs before each request, the first and each redirect's (watch's
        robots.txt and per-host delay); it may raise to stop."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        deadline = time.monotonic() + self.timeout
        seen, redirected = {url}, False
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            guard = self.guarded(url)
            if guard:  # said before anything else is asked of that host (robots.txt included)
                check_public(url)
            if before_hop is not None:  # (politeness waits do not count against the deadline)
                started = time.monotonic()
                before_hop(url, redirected)
                deadline += time.monotonic() - started
            _call.deadline, _call.guard = deadline, guard
            try:
                r = self._get_once(url, headers or {}, accept, limit)
            finally:
                _call.deadline = None
            if isinstance(r, Response):
                return r
            try:
                nxt = urljoin(url, r)
            except ValueError as e:
                raise InputError(f"{url}: redirected to a malformed address ({r[:100]!r})") from e
            if nxt in seen:
                raise InputError(f"{url}: a redirect loop (back to {nxt})")
            seen.add(nxt)
            url, redirected = nxt, True
        raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects; give the page's final address")

    def _get_once(self, url, headers, accept, limit) -> Response | str:
        """The response, or the Location of a redirect."""
        import httpx

        try:
            with self.client.stream("GET", url, headers=headers) as r:
                h = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code in (429, 503):
                    wait = retry_after(h.get("retry-after"))
                    raise Busy(f"{url}: the server answered {r.status_code}; retry after {wait:.0f} s", wait)
                if r.status_code == 304:
                    return Response(str(r.url), 304, b"", h)
                if r.is_redirect:
                    loc = h.get("location")
                    if not loc:
                        raise InputError(f"{url}: a redirect without a Location")
                    return loc
                if r.status_code >= 400:
                    raise HttpStatus(f"{url}: the server answered {r.status_code} {r.reason_phrase}",
                                     r.status_code)  # fmt: skip
                if not 200 <= r.status_code < 300:
                    raise InputError(f"{url}: the server answered {r.status_code}, not a page")
                ctype = h.get("content-type", "").split(";")[0].strip().lower()
                if accept and ctype and ctype not in accept:
                    raise InputError(f"{url}: is {ctype}, not a web page (text/html) or text/plain")
                size = h.get("content-length", "")
                if size.isdigit() and int(size) > limit:
                    raise over_limit(url, int(size), limit)
                return Response(str(r.url), r.status_code, self._body(r, h, url, limit), h)
        except InputError as e:  # the address rule or DNS, raised at connect time
            if str(e).startswith(url):
                raise
            cls = AddressRefused if isinstance(e, AddressRefused) else InputError
            raise cls(f"{url}: {e}", setting=e.setting) from e
        except httpx.TimeoutException as e:
            raise InputError(f"{url}: timed out after {self.timeout:.0f} s") from e
        except httpx.ConnectError as e:
            raise InputError(f"{url}: {_connect_error(str(e))}") from e
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:
            raise InputError(f"{url}: the download failed ({type(e).__name__}: {e})") from e

    def _body(self, r, h: dict[str, str], url: str, limit: int) -> bytes:
        encoding = h.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise InputError(f"{url}: sent in an encoding that was not asked for ({encoding})")
        inflater = Inflater(encoding, limit, url) if encoding not in ("identity", "") else None
        chunks, n = [], 0
        for raw in r.iter_raw():  # (the deadline is kept by every socket read: DeadlineStream)
            for chunk in inflater.feed(raw) if inflater else (raw,):
                n += len(chunk)
                if n > limit:
                    raise over_limit(url, n, limit)
                chunks.append(chunk)
        if inflater:
            inflater.finish()
        return b"".join(chunks)


def check_url(url: object) -> str:
    """``url`` if it is a well-formed absolute http(s) URL (valid port, bracketed IPv6), else
    InputError naming it."""
    import httpx

    shown = url if isinstance(url, str) and len(url) <= 100 else f"{str(url)[:97]}..."
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InputError(f"{shown!r}: not a URL (it holds spaces or control characters)")
    try:
        origin(url)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as e:
        raise InputError(f"{shown}: not a valid http(s) URL ({e})") from e
    return url


def over_limit(url: str, size: int, limit: int) -> InputError:
    return InputError(
        f"{url}: over the limit of {limit / 1e6:.1f} MB ({size / 1e6:.1f} MB); refused (raise the limit)",
        setting="max_bytes",
    )


def _connect_error(msg: str) -> str:
    low = msg.lower()
    if "name or service" in low or "resolve" in low:
        return "the host cannot be found (DNS)"
    if "refused" in low:
        return "the connection was refused"
    return f"cannot connect ({msg})"

"""Fetching as a polite crawler: robots.txt honoured, a delay between requests to one host,
conditional GETs for feeds and sitemaps, 429 and 503 answered by waiting as Retry-After says
(or skipping the host this round when that is long), a User-Agent that names spinscan."""

from __future__ import annotations

import email.utils
import logging
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..errors import InputError

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_BYTES = 5_000_000
MAX_WAIT = 120.0  # a Retry-After longer than this: the host is left for the next round


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class Busy(InputError):
    """The host asked to be left alone for a while (429 or 503 with a long Retry-After)."""


def retry_after(value: str | None, now: float | None = None) -> float:
    """Seconds a Retry-After header asks for (a number or an HTTP date); 30 when absent or odd."""
    if not value:
        return 30.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 30.0
    return max(0.0, when - (now if now is not None else time.time()))


class PoliteClient:
    """GETs with a per-host delay and robots.txt; ``user_agent`` names spinscan and the contact."""

    def __init__(self, delay: float = 1.0, contact: str | None = None, timeout: float = 30.0) -> None:
        import httpx

        self.delay, self.timeout = delay, timeout
        self.user_agent = (
            f"spinscan/{__version__} (+https://github.com/spinscan{'; ' + contact if contact else ''})"
        )
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=False,
                                   headers={"user-agent": self.user_agent})  # fmt: skip
        self.last: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.requests: list[str] = []  # every URL requested, in order (what the tests check)

    def close(self) -> None:
        self.client.close()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s host lets spinscan fetch it (no robots.txt: yes)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.robots:
            rp = urllib.robotparser.RobotFileParser()
            try:
                r = self.get(host + "/robots.txt", check_robots=False)
                rp.parse(r.body.decode("utf-8", "replace").splitlines())
                self.robots[host] = rp
            except InputError as e:  # no robots.txt (404) or unreachable: nothing is forbidden
                log.info("%s/robots.txt: %s", host, e)
                self.robots[host] = None
        rp = self.robots[host]
        return rp is None or rp.can_fetch(self.user_agent, url)

    def _wait(self, host: str) -> None:
        gap = time.monotonic() - self.last.get(host, -1e9)
        if gap < self.delay:
            time.sleep(self.delay - gap)
        self.last[host] = time.monotonic()

    def get(
        self,
        url: str,
        etag: str | None = None,
        modified: str | None = None,
        check_robots: bool = True,
        max_bytes: int = MAX_BYTES,
    ) -> Response:
        """GET ``url`` politely; a 304 comes back as such; errors are InputError naming the URL."""
        import httpx

        if check_robots and not self.allowed(url):
            raise InputError(f"{url}: robots.txt does not allow spinscan to fetch it")
        headers = {k: v for k, v in (("if-none-match", etag), ("if-modified-since", modified)) if v}
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            host = urlsplit(url).netloc
            for attempt in (1, 2):
                self._wait(host)
                self.requests.append(url)
                try:
                    with self.client.stream("GET", url, headers=headers) as r:
                        if r.status_code in (429, 503):
                            wait = retry_after(r.headers.get("retry-after"))
                            if wait > MAX_WAIT or attempt == 2:
                                raise Busy(
                                    f"{url}: the server answered {r.status_code}; retry after {wait:.0f} s"
                                )
                            log.info("%s: %d, waiting %.0f s as asked", url, r.status_code, wait)
                            time.sleep(wait)
                            continue
                        if r.status_code == 304:
                            return Response(str(r.url), 304, b"", dict(r.headers))
                        if r.is_redirect:
                            nxt = urljoin(url, r.headers.get("location", ""))
                            if nxt in seen:
                                raise InputError(f"{url}: a redirect loop")
                            seen.add(nxt)
                            url = nxt
                            break
                        if r.status_code >= 400:
                            raise InputError(f"{url}: the server answered {r.status_code} {r.reason_phrase}")
                        chunks, n = [], 0
                        for chunk in r.iter_bytes():
                            n += len(chunk)
                            if n > max_bytes:
                                raise InputError(
                                    f"{url}: over the limit of {max_bytes / 1e6:.1f} MB; skipped"
                                )
                            chunks.append(chunk)
                        return Response(str(r.url), r.status_code, b"".join(chunks), dict(r.headers))
                except httpx.HTTPError as e:
                    raise InputError(f"{url}: the download failed ({type(e).__name__}: {e})") from e
        raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")

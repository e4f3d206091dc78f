"""Fetching as a polite crawler, layered on spinscan's one HTTP client (``reading.http``, which
applies the address rule, the deadline and the byte caps): robots.txt honoured for every
request, redirect targets included; a delay between requests to one host; conditional GETs for
feeds and sitemaps; 429 and 503 answered by waiting as Retry-After says, or by leaving the host
alone for the round when that is long; a User-Agent that names spinscan."""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from urllib.parse import urlsplit

from .. import __version__
from ..errors import InputError
from ..reading.http import Busy, HttpClient, HttpStatus, Response, retry_after

log = logging.getLogger(__name__)

MAX_BYTES = 5_000_000
MAX_WAIT = 120.0  # a Retry-After longer than this: the host is left for the next round
DISALLOW_ALL = "disallow all"  # robots.txt answered 5xx or could not be reached (RFC 9309)

__all__ = ["Busy", "PoliteClient", "Response", "retry_after", "user_agent"]


def user_agent(contact: str | None) -> str:
    """spinscan's User-Agent, with the operator's contact (only printable ASCII is sent)."""
    extra = ""
    if contact:
        safe = "".join(c for c in contact if 32 <= ord(c) < 127 and c not in "()")
        if not safe.strip():
            raise InputError(f"--contact {contact!r}: give a URL or e-mail address in ASCII characters")
        extra = "; " + safe.strip()
    return f"spinscan/{__version__} (+https://github.com/spinscan{extra})"


class PoliteClient:
    """GETs with a per-host delay and robots.txt through an :class:`HttpClient`.

    ``trusted``: the sources the user named (their origins may be private); ``allow_private``:
    any address may be fetched (intranet monitoring)."""

    def __init__(
        self,
        delay: float = 1.0,
        contact: str | None = None,
        timeout: float = 30.0,
        trusted: list[str] | tuple[str, ...] = (),
        allow_private: bool = False,
    ) -> None:
        self.delay, self.timeout = delay, timeout
        self.user_agent = user_agent(contact)
        self.http = HttpClient(trusted, allow_private, timeout, 10.0, self.user_agent, MAX_BYTES)
        self.last: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | str | None] = {}
        self.busy: dict[str, str] = {}  # host -> why it is left alone for the rest of the round
        self.requests: list[str] = []  # every URL requested, in order (what the tests check)

    def trust(self, url: str) -> None:
        self.http.trust(url)

    def close(self) -> None:
        self.http.close()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of ``url``'s host lets spinscan fetch it: no robots.txt (4xx), yes;
        one that answered 5xx or could not be fetched, no, for the round (RFC 9309)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}".lower()
        if host not in self.robots:
            self.robots[host] = self._robots(host)
        rp = self.robots[host]
        if rp == DISALLOW_ALL:
            return False
        return rp is None or rp.can_fetch(self.user_agent, url)

    def _robots(self, host: str):
        try:
            r = self.get(host + "/robots.txt", check_robots=False, max_bytes=500_000)
        except HttpStatus as e:
            if 400 <= e.status < 500:  # no robots.txt: no rules, everything allowed
                return None
            log.info("%s/robots.txt: %s; nothing there is fetched this round", host, e)
            return DISALLOW_ALL
        except InputError as e:
            log.info("%s/robots.txt: %s; nothing there is fetched this round", host, e)
            return DISALLOW_ALL
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(r.body.decode("utf-8", "replace").splitlines())
        return rp

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
        """GET ``url`` politely; a 304 comes back as such; errors are InputError naming the URL;
        :class:`Busy` when the host asked to be left alone (it then is, for the round)."""
        headers = {k: v for k, v in (("if-none-match", etag), ("if-modified-since", modified)) if v}

        def before_hop(hop: str, redirected: bool) -> None:
            host = (urlsplit(hop).hostname or "").lower()
            if host in self.busy:
                raise Busy(f"{hop}: left alone this round ({self.busy[host]})", float("inf"))
            if (check_robots or redirected) and not self.allowed(hop):
                raise InputError(f"{hop}: robots.txt does not allow spinscan to fetch it")
            self._wait(host)
            self.requests.append(hop)

        for attempt in (1, 2):
            try:
                return self.http.get(url, headers, max_bytes=max_bytes, before_hop=before_hop)
            except Busy as e:
                host = (urlsplit(url).hostname or "").lower()
                if e.wait > MAX_WAIT or attempt == 2:
                    self.busy.setdefault(host, f"it asked to retry after {e.wait:.0f} s")
                    raise
                log.info("%s: busy, waiting %.0f s as asked", url, e.wait)
                time.sleep(e.wait)
        raise AssertionError("unreachable")

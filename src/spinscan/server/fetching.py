"""Pages the server fetches for its users (``--allow-fetch``), outside the analysis workers.

A URL's fetch used to run inside an analysis worker and count as no text in the queue, so two
batches of slow URLs held both workers for a minute. Now fetching has its own few threads, one
time budget per request (all its URLs together), and its own bound on waiting requests; the page
then enters the analysis queue with its exact size, like any text.
"""

from __future__ import annotations

import threading
import time

import anyio

from ..errors import SpinscanError
from ..reading import Document, read_url
from .errors import ApiError

FETCH_WORKERS = 4  # pages fetched at once (network waits, not CPU)
FETCH_BUDGET = 30.0  # seconds of fetching one request may spend, all its URLs together


class PageFetcher:
    """Fetches the ``url`` of request items under the server's address rule."""

    def __init__(self, allow_fetch: bool, allow_private: bool, max_bytes: int, max_waiting: int) -> None:
        self.allow_fetch, self.allow_private, self.max_bytes = allow_fetch, allow_private, max_bytes
        self.max_waiting = max_waiting
        self.limiter = anyio.CapacityLimiter(FETCH_WORKERS)
        self.waiting = 0
        self._lock = threading.Lock()

    @staticmethod
    def deadline() -> float:
        """A request's fetching deadline, taken when it arrives."""
        return time.monotonic() + FETCH_BUDGET

    async def read(self, url: str, keep_clutter: bool, deadline: float) -> Document:
        """The page at ``url`` read as a document; ApiError for every failure (403 when this
        server does not fetch, 429 when too many fetches wait, 400 for the page's own errors)."""
        if not self.allow_fetch:
            raise ApiError(403, "fetch_disabled", "this server does not fetch URLs (start it with "
                           "--allow-fetch); send the page's html or text instead")  # fmt: skip
        left = deadline - time.monotonic()
        if left < 1.0:
            raise ApiError(400, "fetch_timeout", f"{url}: not fetched, the request's {FETCH_BUDGET:.0f} s "
                           "for fetching pages were spent on its other URLs")  # fmt: skip
        with self._lock:
            if self.waiting >= self.max_waiting:
                raise ApiError(429, "busy", "too many pages are waiting to be fetched; retry shortly",
                               {"Retry-After": str(int(FETCH_BUDGET))})  # fmt: skip
            self.waiting += 1
        try:

            def fetch() -> Document:
                timeout = max(1.0, deadline - time.monotonic())
                return read_url(url, self.max_bytes, self.allow_private, keep_clutter, timeout=timeout)

            return await anyio.to_thread.run_sync(fetch, limiter=self.limiter)
        except SpinscanError as e:
            raise ApiError.of(e) from e
        finally:
            with self._lock:
                self.waiting -= 1

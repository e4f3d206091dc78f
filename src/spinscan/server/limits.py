"""What a request may cost the server: its body's bytes, its text's characters, its wait.

A 200 KB article takes 15 s or so on two cores; a handful of them queued behind each other held
the server for minutes. So a request's work is bounded where it can be known early: the body by
its bytes (413 ``too_large``), the text analysed by its characters (413 ``too_long``, before any
analysis: per article, and in a batch for all its articles together), and the queue by the
characters waiting (429 ``busy`` with a Retry-After from the measured speed, rather than minutes
in the queue).
"""

from __future__ import annotations

import math
import threading

import anyio

from .errors import ApiError, error_response

CHARS_PER_SECOND = 12_000  # analysis speed per worker on 2 cores (a 200 KB article in ~16 s)


def too_long(chars: int, max_chars: int, what: str = "the article") -> ApiError:
    return ApiError(
        413,
        "too_long",
        f"{what} has {chars:,} characters; this server analyses at most {max_chars:,} per request "
        f"(about {max_chars / CHARS_PER_SECOND:.0f} s of work); split it or run `spinscan analyze` locally",
    )


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` (declared or streamed) with 413."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = error_response(
            413,
            "too_large",
            f"the request body is over the limit of {self.max_bytes:,} bytes; send less text",
        )
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await too_big(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise ApiError(413, "too_large", f"the request body is over {self.max_bytes:,} bytes")
            return msg

        return await self.app(scope, limited, send)


class Gate:
    """Admission control: at most ``workers`` analyses at once; at most ``max_pending`` requests
    and ``max_queued_chars`` characters of text waiting or running (a request alone is always
    let in: its own size is bounded by ``too_long``)."""

    def __init__(self, workers: int, max_pending: int, max_queued_chars: int = 600_000) -> None:
        self.limiter = anyio.CapacityLimiter(workers)
        self.workers = workers
        self.max_pending = max_pending
        self.max_queued_chars = max_queued_chars
        self.pending = 0
        self.queued_chars = 0
        self._lock = threading.Lock()

    def retry_after(self) -> str:
        """Seconds until the work already admitted is likely done (at least 1)."""
        return str(max(1, math.ceil(self.queued_chars / (CHARS_PER_SECOND * self.workers))))

    async def run(self, fn, *args, chars: int = 0):
        with self._lock:
            full = self.pending >= self.max_pending
            heavy = self.pending > 0 and self.queued_chars + chars > self.max_queued_chars
            if full or heavy:
                why = "too many requests are" if full else f"{self.queued_chars:,} characters of text are"
                msg = f"{why} waiting to be analysed; retry shortly"
                raise ApiError(429, "busy", msg, {"Retry-After": self.retry_after()})
            self.pending += 1
            self.queued_chars += chars
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)
        finally:
            with self._lock:
                self.pending -= 1
                self.queued_chars -= chars

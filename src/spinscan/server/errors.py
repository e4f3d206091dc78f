"""HTTP errors: JSON ``{"error": {"code", "message"}}`` with a 4xx status, never a 500.

spinscan's own exceptions keep their stable ``code`` (the one the CLI and batch rows use);
the errors of HTTP itself (a body too large, busy, not JSON, ...) have codes of their own.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from ..errors import SpinscanError


class ApiError(Exception):
    """An error answer: status, stable code, message (and headers, e.g. Retry-After)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers

    @classmethod
    def of(cls, e: SpinscanError, status: int = 400) -> ApiError:
        """The answer to a spinscan exception: its own code and message."""
        return cls(status, e.code, str(e))


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)

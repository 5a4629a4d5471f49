from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """The one error type for business failures.

    Services raise it with a message that tells the user how to fix the problem; the API maps it
    to a stable JSON shape ({"error": {"code", "message", "field", "details"}}) and HTML views show
    the message.
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field: str | None = None,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}
        if status_code is not None:
            self.status_code = status_code

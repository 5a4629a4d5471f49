"""API wiring shared by every app: the error shape (pagination is core/pagination.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import ApplicationError


def _error(
    code: str,
    message: str,
    status: int,
    *,
    field: str | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    return Response(_error_body(code, message, field=field, details=details), status=status)


def error_data(exc: ApplicationError | exceptions.ValidationError) -> tuple[dict[str, Any], int]:
    """The error shape and HTTP status of a business or validation error: what the handler
    below answers for it, and what an item of a batch that failed carries."""
    if isinstance(exc, ApplicationError):
        return _error_body(
            exc.code, exc.message, field=exc.field, details=exc.details
        ), exc.status_code
    detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    field, messages = next(iter(detail.items())) if detail else (None, ["Invalid input."])
    first = messages[0] if isinstance(messages, list) and messages else messages
    message = f"{field}: {first}" if field and field != "non_field_errors" else str(first)
    return _error_body(
        "invalid",
        message,
        field=None if field == "non_field_errors" else str(field),
        details={"fields": exc.detail},
    ), exc.status_code


def _error_body(
    code: str, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, "details": details or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every error to {"error": {"code", "message", "field", "details"}}."""
    if isinstance(exc, (ApplicationError, exceptions.ValidationError)):
        body, status = error_data(exc)
        set_rollback()  # as DRF's handler does (a request run in a transaction)
        return Response(body, status=status)
    if isinstance(exc, RequestDataTooBig):
        return _error(
            "too_large", f"The request is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes.", 413
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (a restart, a failover): nothing was written, so the
        # client may simply try again. Integrity and programming errors stay 500s.
        response = _error(
            "database_unavailable",
            "The database is unavailable for a moment; nothing was saved. Try again shortly.",
            503,
        )
        response["Retry-After"] = "5"
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    message = str(getattr(exc, "detail", exc))
    return _error(str(code), message, response.status_code)

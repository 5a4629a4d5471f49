"""API wiring shared by every app: the error shape (pagination is core/pagination.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from core.api_tools import FastJSONRenderer
from core.errors import ApplicationError

_JSON_RENDERER = FastJSONRenderer()


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
    response = _error_response(exc, context)
    if response is None:
        return None
    request = context.get("request")
    view = context.get("view")
    if (
        response.status_code == 401
        and "WWW-Authenticate" not in response
        and request is not None
        and view is not None
    ):
        # RFC 9110: a 401 names a scheme to authenticate with; DRF adds it to its own
        # NotAuthenticated only, and a service's 401 (core.access.require_editor) needs it too.
        header = view.get_authenticate_header(request)
        if header:
            response["WWW-Authenticate"] = header
    if request is not None:
        # An error is JSON whatever the view renders otherwise (the schema's YAML, the Swagger
        # and Redoc pages' HTML): finalize_response renders with the request's renderer.
        request.accepted_renderer = _JSON_RENDERER
        request.accepted_media_type = "application/json"
    return response


def _error_response(exc: Exception, context: dict[str, Any]) -> Response | None:
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
    details: dict[str, Any] = {}
    if isinstance(exc, exceptions.Throttled):
        message = (
            f"Too many requests; try again in {exc.wait:.0f} seconds."
            if exc.wait is not None
            else "Too many requests; try again shortly."
        )
        if exc.wait is not None:
            details["retry_after"] = math.ceil(exc.wait)
    answer = _error(str(code), message, response.status_code, details=details)
    # DRF's handler sets the headers that go with the status (Retry-After on a 429,
    # WWW-Authenticate on a 401, Allow on a 405): keep them on the error-shaped answer.
    for name, value in response.items():
        if name.lower() != "content-type":
            answer[name] = value
    return answer


class ApiNotFound(APIView):  # type: ignore[misc]
    """Every path under /api/ that no route matches: a 404 in the error shape, whatever the
    method (Django's own 404 is an HTML page, or its debug page under DEBUG)."""

    permission_classes: list[type] = []
    throttle_classes: list[type] = []
    schema = None  # not an operation of the API

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise ApplicationError(
            f"There is no {request.path} in the API; /api/v1/docs lists every operation.",
            code="not_found",
            status_code=404,
        )


def _api_or_page(
    page_handler: Callable[..., HttpResponse], status: int, code: str, message: str
) -> Callable[..., HttpResponse]:
    """A Django error handler (handler400/403/500): the error shape under /api/, the page
    elsewhere. For the failures Django answers itself, outside any API view."""

    def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(_error_body(code, message), status=status)
        return page_handler(request, *args, **kwargs)

    return handler


handler400 = _api_or_page(defaults.bad_request, 400, "bad_request", "The request is malformed.")
handler403 = _api_or_page(
    defaults.permission_denied, 403, "permission_denied", "You may not do this."
)
handler500 = _api_or_page(
    defaults.server_error, 500, "server_error", "Something broke on our side; it is logged."
)

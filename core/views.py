from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: the app answers and reaches PostgreSQL.

    Anyone may ask, so the answer is the status only; the database's error (host names, user
    names, paths) goes to the log, where the operator looks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database error means "not healthy"
        logger.exception("Health check failed: the database cannot be reached.")
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})

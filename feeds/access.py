"""Who may manage feeds and submit URLs: the one place to change when editor roles arrive.

For now everyone may (AllowAny, like the rest of the API). The API views use
`FeedsPermission`, the HTML views `feeds_access_check`; both ask `can_manage_feeds`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission


def can_manage_feeds(user: Any) -> bool:
    return True


class FeedsPermission(BasePermission):
    message = "You may not manage feeds or submit URLs."

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        return can_manage_feeds(request.user)


def feeds_access_check(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_feeds(request.user):
            raise PermissionDenied("You may not manage feeds or submit URLs.")
        return view(request, *args, **kwargs)

    return wrapped

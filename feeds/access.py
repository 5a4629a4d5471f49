"""Who may manage feeds and submit URLs: one place, built on core.access's roles.

Reading (feed lists, health, submission status) is open like the rest of the app. Registering,
editing and polling feeds is editorial work: editors only. Submitting a URL makes this server
fetch a page from the internet, so it needs a signed-in user (any role), which keeps anonymous
visitors from using the fetcher as a proxy (ALLOW_ANONYMOUS_SUBMISSIONS opens text submissions,
not this). The API views name these roles for core.access.RolePermission (feeds/apis.py); the
HTML views use the two decorators, which ask `can_manage_feeds`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from rest_framework.permissions import SAFE_METHODS

from core.access import Role, role_of


def can_manage_feeds(user: Any, *, method: str = "POST", url_submission: bool = False) -> bool:
    if method in SAFE_METHODS:
        return True
    needed = Role.ANALYST if url_submission else Role.EDITOR
    return role_of(user) >= needed


def _refusal(user: Any, url_submission: bool) -> str:
    if role_of(user) == Role.ANONYMOUS:
        return (
            "Sign in to submit a URL."
            if url_submission
            else "Sign in as an editor to manage feeds."
        )
    return "Only editors can register, edit or poll feeds."


def _check(
    url_submission: bool,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can_manage_feeds(
                request.user, method=request.method or "GET", url_submission=url_submission
            ):
                messages.error(request, _refusal(request.user, url_submission))
                return redirect(request.path)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


feeds_access_check = _check(url_submission=False)
url_access_check = _check(url_submission=True)

"""Abuse controls: how many writes a caller may make, and how many failed sign-ins an address
may try, per time window.

The counters live in Django's cache: Redis when the settings give one (every web process then
counts the same requests), local memory otherwise (one process, as `make run`). Rates come from
`settings.THROTTLE_RATES` (scope -> "N/period", None for no limit), read when a request comes in,
not when this module is imported as DRF's own classes do, so a deployment or a test can change
them. A refused API request answers 429 with `Retry-After` in the API's error shape
(core.api.exception_handler); a refused sign-in answers the sign-in page with 429.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):  # type: ignore[misc]
    def get_rate(self) -> str | None:
        rate: str | None = settings.THROTTLE_RATES.get(self.scope)
        return rate

    def wait(self) -> float:
        # Seconds until enough of the window's requests expire for one more to pass. DRF's own
        # estimate spreads the window over the requests left and answers None at the limit,
        # which would leave a 429 without its Retry-After.
        if len(self.history) < self.num_requests:
            return 0.0
        freeing = float(self.history[self.num_requests - 1])
        return max(1.0, float(self.duration) - (float(self.now) - freeing))


class UserWriteThrottle(_SettingsRateThrottle):
    """Writes (every method but GET, HEAD, OPTIONS) of a signed-in user, counted per user."""

    scope = "write_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{request.user.pk}"


class AnonWriteThrottle(_SettingsRateThrottle):
    """Anonymous writes, counted per address (the client's, see NUM_PROXIES)."""

    scope = "write_anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method in SAFE_METHODS or request.user.is_authenticated:
            return None
        return f"throttle:{self.scope}:{self.get_ident(request)}"


class LoginFailureThrottle(_SettingsRateThrottle):
    """Failed sign-ins, counted per address: at the limit, every sign-in from that address is
    refused until the window moves on, the right password included, so guessing stops."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return f"throttle:{self.scope}:{self.get_ident(request)}"

    def locked(self, request: HttpRequest) -> bool:
        """Whether the address is at its limit (counts nothing)."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= int(self.num_requests)

    def record_failure(self) -> None:
        # A read-then-write, as DRF's throttles: two processes failing at the same instant may
        # both count as one. The limit is a brake on guessing, not an exact count.
        if self.rate is not None:
            self.throttle_success()


def login_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a sign-in view (the site's, the admin's): a POST from a locked address answers 429
    with the page and Retry-After without checking the password; a POST that does not sign the
    user in (the form comes back, not a redirect) counts as a failure."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        throttle = LoginFailureThrottle()
        if throttle.locked(request):
            response = render(
                request,
                "registration/login.html",
                {"form": auth_views.AuthenticationForm(request), "locked": True},
                status=429,
            )
            response["Retry-After"] = str(math.ceil(throttle.wait()))
            return response
        response = view(request, *args, **kwargs)
        if not 300 <= response.status_code < 400:
            throttle.record_failure()
        return response

    return wrapped

"""Who may do what. The one place that knows the roles; pages and API both ask it.

Roles are Django groups: `analyst` (read, export), `editor` (every editorial write), `admin`
(users, tokens, settings; superusers are admins too). Anyone signed in without a group is an
analyst; anonymous visitors may read (but not the review queue), and submit articles only when
the ALLOW_ANONYMOUS_SUBMISSIONS setting opens submission to them.

The API asks `RolePermission` (every API view's default permission): each view names the role
each method needs, and DRF checks it before the view reads its body or its If-Match header, so a
caller without the role gets 401 or 403 whatever else is wrong with the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any, TypeAlias

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.errors import ApplicationError


class Role(IntEnum):
    ANONYMOUS = 0
    ANALYST = 1
    EDITOR = 2
    ADMIN = 3


ROLE_GROUPS = {"analyst": Role.ANALYST, "editor": Role.EDITOR, "admin": Role.ADMIN}


def role_of(user: Any) -> Role:
    if user is None or not getattr(user, "is_authenticated", False):
        return Role.ANONYMOUS
    if user.is_superuser:
        return Role.ADMIN
    # Group names are cached on the user object for the request: one query at most.
    names = getattr(user, "_provenance_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._provenance_groups = names
    return max((ROLE_GROUPS[n] for n in names if n in ROLE_GROUPS), default=Role.ANALYST)


def can_edit(user: Any) -> bool:
    return role_of(user) >= Role.EDITOR


def require_editor(user: Any) -> None:
    """Raise 401 for anonymous users and 403 for signed-in users who are not editors."""
    role = role_of(user)
    if role == Role.ANONYMOUS:
        raise ApplicationError(
            "Sign in as an editor to do this.", code="not_authenticated", status_code=401
        )
    if role < Role.EDITOR:
        raise ApplicationError(
            "Only editors can change claims, figures and sources.",
            code="permission_denied",
            status_code=403,
        )


def submitter_role() -> Role:
    """The least role that may submit articles (API, batch, file, URL, the page form)."""
    return Role.ANONYMOUS if settings.ALLOW_ANONYMOUS_SUBMISSIONS else Role.ANALYST


def can_submit(user: Any) -> bool:
    return role_of(user) >= submitter_role()


# What a view may say a method needs: a role, or a function that reads it from the settings
# at request time (submission, which ALLOW_ANONYMOUS_SUBMISSIONS may open).
RoleNeeded: TypeAlias = "Role | Callable[[], Role]"


def required_role(view: Any, method: str) -> Role:
    """The role `method` on `view` needs: the view's `required_roles` (method -> role) when it
    names the method, else reading is open and every other method is for editors, so a write
    added without a thought about its role is closed, not open."""
    roles: Mapping[str, RoleNeeded] = getattr(view, "required_roles", {})
    needed = roles.get(method.upper())
    if needed is None:
        return Role.ANONYMOUS if method.upper() in SAFE_METHODS else Role.EDITOR
    return needed if isinstance(needed, Role) else needed()


_NEEDS = {
    Role.ANALYST: "Sign in (a session, or an `Authorization: Token ...` header) to do this.",
    Role.EDITOR: "Sign in as an editor to do this.",
    Role.ADMIN: "Sign in as an administrator to do this.",
}


class RolePermission(BasePermission):  # type: ignore[misc]
    """DRF permission: 401 for anonymous callers and 403 for signed-in ones below the role the
    method needs (`required_role`). Raising here, not returning False, keeps the message."""

    def has_permission(self, request: Any, view: Any) -> bool:
        needed = required_role(view, request.method)
        if needed == Role.ANONYMOUS:
            return True  # no question asked of the user: reading costs no group query
        role = role_of(request.user)
        if role >= needed:
            return True
        if role == Role.ANONYMOUS:
            # NotAuthenticated: DRF adds the WWW-Authenticate header of the first authenticator.
            raise exceptions.NotAuthenticated(_NEEDS[needed])
        raise exceptions.PermissionDenied(
            f"This needs the {needed.name.lower()} role; you are signed in as {role.name.lower()}."
        )

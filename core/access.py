"""Who may do what. The one place that knows the roles; pages and API both ask it.

Roles are Django groups: `analyst` (read, export), `editor` (every editorial write), `admin`
(users, tokens, settings; superusers are admins too). Anyone signed in without a group is an
analyst; anonymous visitors may read.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

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

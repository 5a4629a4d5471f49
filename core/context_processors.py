from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.access import Role, can_submit, role_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The role and what it allows, for templates: forms and buttons a user may not use are
    not shown."""
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "role": role,
        "can_edit": role >= Role.EDITOR,
        "can_review": role >= Role.ANALYST,
        "can_submit": can_submit(user),
    }

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.access import Role, role_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """`role` and `can_edit` for templates: buttons a user may not use are not shown."""
    role = role_of(getattr(request, "user", None))
    return {"role": role, "can_edit": role >= Role.EDITOR}

"""Opening an editorial context: every row the database changes inside it is recorded under it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from audit.models import AuditContext


@contextmanager
def audit_context(
    *, actor: Any, action: str, reason: str = "", evidence: str = ""
) -> Iterator[AuditContext]:
    """Run an editorial write in one transaction under an audit context.

    The context id goes into a transaction-local PostgreSQL setting that the audit triggers
    read; it is cleared on the way out so writes later in an enclosing transaction are not
    attributed to this editor.
    """
    with transaction.atomic():
        user = actor if getattr(actor, "is_authenticated", False) else None
        ctx = AuditContext.objects.create(
            actor=user,
            actor_name=getattr(user, "username", "") if user else "",
            action=action,
            reason=reason.strip()[:5000],
            evidence=evidence.strip()[:2000],
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('provenance.audit_context', %s, true)", [str(ctx.pk)])
        try:
            yield ctx
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('provenance.audit_context', '', true)")

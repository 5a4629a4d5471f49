"""The audit trail: written by PostgreSQL triggers, read by the app, edited by no one.

An editorial write opens an `AuditContext` (who, what action, why) and tells the database its
id for the rest of the transaction; a trigger on every audited table then records each row it
changes as an `AuditChange` with the row before and after. Because the triggers do the
recording, a bulk `QuerySet.update()` or a raw SQL statement is caught too (with no context,
as an unattributed system change). Both tables refuse UPDATE and DELETE (see the migration).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditContext(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64)
    reason = models.TextField(blank=True, default="")
    evidence = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"], name="audit_ctx_created")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name or 'system'}"


class AuditChange(models.Model):
    context = models.ForeignKey(
        AuditContext,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="changes",
        db_constraint=False,
    )
    table = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    op = models.CharField(max_length=8)  # INSERT, UPDATE, DELETE
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    changed = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["table", "object_id", "-id"], name="audit_change_object"),
            models.Index(fields=["context"], name="audit_change_context"),
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.table}#{self.object_id}"

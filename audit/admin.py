"""The audit trail in the admin, read-only (the database refuses UPDATE and DELETE anyway)."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditChange, AuditContext
from core.admin_tools import ReadOnly


class AuditChangeInline(ReadOnly, admin.TabularInline):
    model = AuditChange
    extra = 0
    fields = ["table", "object_id", "op", "changed", "before", "after", "created_at"]
    readonly_fields = fields


@admin.register(AuditContext)
class AuditContextAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_name", "reason"]
    list_filter = ["action"]
    search_fields = ["action", "actor_name", "reason"]
    date_hierarchy = "created_at"
    inlines = [AuditChangeInline]


@admin.register(AuditChange)
class AuditChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "table", "object_id", "op", "context"]
    list_filter = ["table", "op"]
    search_fields = ["table"]
    raw_id_fields = ["context"]

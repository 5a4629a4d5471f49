"""Sources in the admin: to look at, not to edit. An editor rates a source, renames it or edits
its aliases on its page or through the API (claims.source_editorial): audited with the editor
as actor and a reason, and the credibility of its claims recomputed."""

from __future__ import annotations

from django.contrib import admin

from core.admin_tools import ReadOnly
from sources.models import Source, SourceAlias


class SourceAliasInline(ReadOnly, admin.TabularInline):
    model = SourceAlias
    extra = 0


@admin.register(Source)
class SourceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "country", "reliability", "in_registry"]
    list_filter = ["kind", "reliability", "in_registry"]
    search_fields = ["name", "aliases__alias"]
    raw_id_fields = ["parent"]
    inlines = [SourceAliasInline]

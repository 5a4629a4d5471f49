from __future__ import annotations

from django.contrib import admin

from sources.models import Source, SourceAlias


class SourceAliasInline(admin.TabularInline):
    model = SourceAlias
    extra = 0


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "reliability", "in_registry"]
    list_filter = ["kind", "reliability", "in_registry"]
    search_fields = ["name", "aliases__alias"]
    raw_id_fields = ["parent"]
    inlines = [SourceAliasInline]

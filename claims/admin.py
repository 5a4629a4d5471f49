"""Claims in the admin: to look at, not to edit. An editor corrects a claim, its chain, its
figures and links on the claim's page or through the API, where every change goes through the
editorial services: audited with the editor as actor and a reason, credibility and origins
recomputed. An admin form would write the rows directly and do neither."""

from __future__ import annotations

from django.contrib import admin

from claims.models import Attribution, Claim, ClaimDate, ClaimLink, Figure
from core.admin_tools import ReadOnly


class AttributionInline(ReadOnly, admin.TabularInline):
    model = Attribution
    extra = 0
    raw_id_fields = ["source"]


class FigureInline(ReadOnly, admin.TabularInline):
    model = Figure
    extra = 0


class ClaimDateInline(ReadOnly, admin.TabularInline):
    model = ClaimDate
    extra = 0


@admin.register(Claim)
class ClaimAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "short_text",
        "kind",
        "hedged",
        "credibility",
        "verification_status",
        "article",
    ]
    list_filter = ["kind", "hedged", "verification_status", "credibility"]
    search_fields = ["text"]
    raw_id_fields = ["article"]
    inlines = [AttributionInline, FigureInline, ClaimDateInline]
    list_select_related = ["article"]

    @admin.display(description="text")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:90]


@admin.register(ClaimLink)
class ClaimLinkAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim", "score", "status"]
    raw_id_fields = ["from_claim", "to_claim"]

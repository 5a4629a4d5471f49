from __future__ import annotations

from django.contrib import admin

from claims.models import Attribution, Claim, ClaimDate, ClaimLink, Figure


class AttributionInline(admin.TabularInline):
    model = Attribution
    extra = 0
    raw_id_fields = ["source"]


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0


class ClaimDateInline(admin.TabularInline):
    model = ClaimDate
    extra = 0


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
class ClaimLinkAdmin(admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim", "score", "status"]
    raw_id_fields = ["from_claim", "to_claim"]

from __future__ import annotations

from django.contrib import admin

from watchlists.models import Watchlist, WebhookDelivery


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "owner", "query", "webhook_url", "created_at", "last_checked_at")
    list_select_related = ("owner",)
    search_fields = ("name", "query", "owner__username")
    readonly_fields = ("since_claim_id", "last_checked_at", "last_checked_claim_id")
    exclude = ("feed_token", "webhook_secret")

    # Watchlists change through their owner's pages and API, whose services audit each write.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("watchlist", "status", "attempts", "response_code", "created_at")
    list_filter = ("status",)
    list_select_related = ("watchlist",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

"""Reads for watchlists: a user's watchlists, a watchlist's recent matches and deliveries.

Every read takes the user: a watchlist is its owner's alone (anyone else gets nothing, and the
views answer 404), except the feed, which its private token opens.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.db.models import QuerySet

from watchlists.models import Watchlist, WatchlistMatch, WebhookDelivery

RECENT = 50  # matches in a feed and on the page; deliveries on the page


def watchlist_list(*, user: Any) -> QuerySet[Watchlist]:
    """The user's watchlists, newest first (ordered by id: a keyset pagination's key)."""
    return Watchlist.objects.owned_by(user)


def watchlist_get(*, user: Any, watchlist_id: int) -> Watchlist | None:
    watchlist: Watchlist | None = Watchlist.objects.owned_by(user).filter(pk=watchlist_id).first()
    return watchlist


def watchlist_for_feed(*, watchlist_id: int, token: str) -> Watchlist | None:
    """The watchlist whose feed this token opens; None for a wrong token (compared in
    constant time, so response times do not spell the token out)."""
    watchlist: Watchlist | None = Watchlist.objects.filter(pk=watchlist_id).first()
    if watchlist is None or not hmac.compare_digest(watchlist.feed_token, token or ""):
        return None
    return watchlist


def watchlist_matches(*, watchlist_id: int) -> QuerySet[WatchlistMatch]:
    """A watchlist's matches, newest first, with what a row shows (claim, article, outlet,
    link) joined: one query per page."""
    return (
        WatchlistMatch.objects.filter(watchlist_id=watchlist_id)
        .select_related("claim__article__outlet", "link")
        .defer("claim__article__body")
        .order_by("-id")
    )


def watchlist_deliveries(*, watchlist_id: int) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(watchlist_id=watchlist_id).defer("body").order_by("-id")

"""Reads for feeds and URL submissions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from feeds.models import Feed, FeedEntry, UrlSubmission


def feed_list() -> QuerySet[Feed]:
    # Health is stored on the row (counters and timestamps the poller writes), so the list is
    # one query whatever the number of feeds and entries.
    return Feed.objects.for_list()


def feed_get(*, feed_id: int) -> Feed | None:
    feed: Feed | None = Feed.objects.filter(pk=feed_id).first()
    return feed


def feed_entry_list(*, feed_id: int, limit: int = 50) -> list[FeedEntry]:
    return list(FeedEntry.objects.for_list().filter(feed_id=feed_id)[:limit])


def feed_ids_due(*, now: dt.datetime) -> list[int]:
    return list(
        Feed.objects.filter(is_active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by("next_poll_at", "id")
        .values_list("id", flat=True)
    )


def url_submission_get(*, submission_id: int) -> UrlSubmission | None:
    submission: UrlSubmission | None = (
        UrlSubmission.objects.select_related("article").filter(pk=submission_id).first()
    )
    return submission


def url_submission_list_recent(*, limit: int = 20) -> list[UrlSubmission]:
    return list(UrlSubmission.objects.for_list()[:limit])

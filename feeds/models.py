"""Feeds (RSS/Atom) polled for new articles, the entries seen in them, and URL submissions.

Neither door changes sources.Article: both end in sources.services.article_submit, and these
rows remember where an article came from and what went wrong on the way.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

MIN_POLL_MINUTES = 5
MAX_POLL_MINUTES = 7 * 24 * 60


class FeedQuerySet(models.QuerySet["Feed"]):
    def for_list(self) -> FeedQuerySet:
        return self.order_by("name", "id")


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    name = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Shown in lists; the feed's own title when left empty.",
    )
    outlet = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="The publisher of its articles; the feed's title when empty.",
    )
    poll_interval_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(MIN_POLL_MINUTES), MaxValueValidator(MAX_POLL_MINUTES)],
    )
    is_active = models.BooleanField(default=True)

    # Written by the poller only (always with update_fields / UPDATE, never a whole-row save).
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="Due when empty or in the past."
    )
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="A worker is polling it until then."
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    articles_added = models.PositiveIntegerField(default=0)
    etag = models.CharField(max_length=500, blank=True, default="")
    last_modified = models.CharField(max_length=100, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["is_active", "next_poll_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.url

    @property
    def is_healthy(self) -> bool:
        return self.consecutive_failures == 0


class FeedEntryStatus(models.TextChoices):
    ADDED = "added"  # became a new article
    DUPLICATE = "duplicate"  # its URL or text was already stored
    FAILED = "failed"  # retried on later polls until attempts run out


class FeedEntryQuerySet(models.QuerySet["FeedEntry"]):
    def for_list(self) -> FeedEntryQuerySet:
        return self.select_related("article").order_by("-first_seen_at", "-id")


class FeedEntry(models.Model):
    """One item of a feed, remembered so the next poll skips it."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(
        max_length=2000, help_text="The entry's id, else its link, else a hash."
    )
    url = models.URLField(max_length=2000, blank=True, default="")
    title = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=16, choices=FeedEntryStatus.choices)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=1)
    article = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feed_entries",
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedEntryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_entry_guid_unique")
        ]
        indexes = [
            models.Index(fields=["url"], name="feed_entry_url"),
            models.Index(fields=["feed", "-first_seen_at", "-id"], name="feed_entry_recent"),
        ]
        verbose_name_plural = "feed entries"

    def __str__(self) -> str:
        return self.title or self.url or self.guid


class UrlSubmissionStatus(models.TextChoices):
    PENDING = "pending"
    FETCHING = "fetching"
    DONE = "done"
    FAILED = "failed"


class UrlSubmissionQuerySet(models.QuerySet["UrlSubmission"]):
    def for_list(self) -> UrlSubmissionQuerySet:
        return self.select_related("article").order_by("-created_at", "-id")


class UrlSubmission(models.Model):
    """An article submitted by URL: a worker fetches the page, extracts it and submits it."""

    url = models.URLField(max_length=2000)
    status = models.CharField(
        max_length=16, choices=UrlSubmissionStatus.choices, default=UrlSubmissionStatus.PENDING
    )
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    article = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="url_submissions",
    )
    article_created = models.BooleanField(
        null=True, blank=True, help_text="False when the page's text was already stored."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = UrlSubmissionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="url_submission_status"),
            models.Index(fields=["url"], name="url_submission_url"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_pending(self) -> bool:
        return self.status in (UrlSubmissionStatus.PENDING, UrlSubmissionStatus.FETCHING)

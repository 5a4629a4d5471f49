"""Watchlists: a user's saved claims view, what newly matched it, and the webhooks it sent.

A watchlist is the query string of the claims API's filters (`search=troops&hedged=true`),
checked by `watchlists.services.watchlists_check` against the claims of each article when
extraction stores them and again when matching has linked them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    """A private token (feed URLs, webhook secrets): 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class WatchlistQuerySet(models.QuerySet["Watchlist"]):
    def owned_by(self, user: object) -> WatchlistQuerySet:
        """The user's own watchlists, newest first (anonymous users own none)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user).order_by("-id")


class Watchlist(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlists"
    )
    name = models.CharField(max_length=200)
    query = models.CharField(
        max_length=2000,
        blank=True,
        default="",
        help_text="The claims API's filters as a query string, checked when saved.",
    )
    feed_token = models.CharField(max_length=64, default=new_token, editable=False)
    webhook_url = models.URLField(max_length=2000, blank=True, default="")
    webhook_secret = models.CharField(max_length=64, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Claims up to this id existed when the view was saved (or its query last changed): they
    # are what the analyst already saw, so they never alert as new.
    since_claim_id = models.BigIntegerField(default=0)
    # Written by the check only (an UPDATE of these two columns, which the audit ignores).
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_checked_claim_id = models.BigIntegerField(default=0)

    objects = WatchlistQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class MatchReason(models.TextChoices):
    NEW_CLAIM = "new_claim", "New matching claim"
    CONTRADICTED = "contradicted", "Contradicts link"


class WatchlistMatch(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="matches")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=MatchReason.choices)
    # For `contradicted`: the link, whose other end is the contradicting claim.
    link = models.ForeignKey(
        "claims.ClaimLink", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A claim alerts once as new per watchlist, and once per contradicts link.
            models.UniqueConstraint(
                fields=["watchlist", "claim"],
                condition=models.Q(reason="new_claim"),
                name="watchlist_match_new_once",
            ),
            models.UniqueConstraint(
                fields=["watchlist", "claim", "link"],
                condition=models.Q(reason="contradicted"),
                name="watchlist_match_link_once",
            ),
        ]
        indexes = [models.Index(fields=["watchlist", "-id"], name="watchlist_match_recent")]

    def __str__(self) -> str:
        return f"{self.watchlist_id}: {self.reason} {self.claim_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One JSON POST of a batch of new matches; its body is fixed when it is made, so every
    attempt sends (and signs) the same bytes."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="deliveries")
    url = models.URLField(max_length=2000)
    body = models.TextField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the body, hex.")
    match_count = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A worker is sending it until then; a worker lost mid-send leaves it to the next attempt.
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["watchlist", "-id"], name="webhook_delivery_recent")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"

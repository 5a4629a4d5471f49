"""Webhooks: the JSON body of a batch of new matches, its signature, and sending it.

Each delivery is one POST of a body fixed when the delivery was made, through the project's one
guarded fetcher (`feeds.fetch.fetch`: http(s) only, public addresses only unless the host is in
FETCH_ALLOWED_HOSTS), signed with HMAC-SHA256 over the raw body with the watchlist's secret:

    X-Provenance-Signature: sha256=<hex digest>

A receiver recomputes `hmac.new(secret, raw_body, sha256).hexdigest()` and compares it in
constant time (README.md, Watchlists). Every attempt is recorded on the `WebhookDelivery`; a
failure worth retrying (a timeout, a 5xx, 408/429, an unreachable host) is tried again after
WEBHOOK_RETRY_SECONDS * 2^(attempts-1) seconds (at most WEBHOOK_RETRY_MAX_SECONDS), up to
WEBHOOK_MAX_ATTEMPTS attempts in all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from feeds.fetch import fetch, is_retryable
from watchlists.models import DeliveryStatus, Watchlist, WatchlistMatch, WebhookDelivery

SIGNATURE_HEADER = "X-Provenance-Signature"
EVENT = "watchlist.matches"


def webhook_signature(*, secret: str, body: bytes) -> str:
    """The signature header's value for `body`: `sha256=` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def site_url(path: str) -> str:
    """An absolute URL when SITE_URL is set (a worker has no request to take the host from)."""
    return settings.SITE_URL.rstrip("/") + path if settings.SITE_URL else path


@dataclass(frozen=True)
class Body:
    text: str
    digest: str


def match_payload(match: WatchlistMatch, url_of: Callable[[str], str] = site_url) -> dict[str, Any]:
    """One match as the webhook (and the API's matches list) describes it; `url_of` makes a
    path absolute (the API's request knows its host, a worker has SITE_URL)."""
    claim, article, link = match.claim, match.claim.article, match.link
    other = None
    if link is not None:
        other = link.to_claim_id if link.from_claim_id == claim.pk else link.from_claim_id
    return {
        "id": match.pk,
        "reason": match.reason,
        "matched_at": match.matched_at.isoformat(),
        "claim": {
            "id": claim.pk,
            "text": claim.text,
            "hedged": claim.hedged,
            "verification_status": claim.verification_status,
            "url": url_of(reverse("claim-detail", args=[claim.pk])),
            "api_url": url_of(reverse("api:claim-detail", args=[claim.pk])),
            "article": {
                "id": article.pk,
                "title": article.title,
                "url": article.url,
                "outlet": article.outlet.name if article.outlet else None,
                "published_at": article.published_at.isoformat() if article.published_at else None,
            },
        },
        "link": None
        if link is None
        else {"id": link.pk, "kind": link.kind, "status": link.status, "other_claim_id": other},
    }


def webhook_body(*, watchlists: list[Watchlist], match_ids: list[int]) -> dict[int, Body]:
    """Each watchlist's body for its new matches among `match_ids`: one query for all."""
    matches = (
        WatchlistMatch.objects.filter(pk__in=match_ids)
        .select_related("claim__article__outlet", "link")
        .defer("claim__article__body")
        .order_by("pk")
    )
    grouped: dict[int, list[dict[str, Any]]] = {w.pk: [] for w in watchlists}
    for match in matches:
        grouped[match.watchlist_id].append(match_payload(match))
    now = timezone.now().isoformat()
    out = {}
    for watchlist in watchlists:
        text = orjson.dumps(
            {
                "event": EVENT,
                "created_at": now,
                "watchlist": {
                    "id": watchlist.pk,
                    "name": watchlist.name,
                    "query": watchlist.query,
                    "url": site_url(reverse("watchlists:detail", args=[watchlist.pk])),
                },
                "matches": grouped[watchlist.pk],
            }
        ).decode()
        out[watchlist.pk] = Body(text=text, digest=hashlib.sha256(text.encode()).hexdigest())
    return out


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: float | None = None  # seconds until the next attempt, when there is one


def _backoff(attempts: int) -> float:
    return float(
        min(
            settings.WEBHOOK_RETRY_SECONDS * 2 ** max(0, attempts - 1),
            settings.WEBHOOK_RETRY_MAX_SECONDS,
        )
    )


def webhook_deliver(*, delivery_id: int) -> DeliveryOutcome:
    """Make one attempt at a delivery and record it. Returns when to try again, if ever."""
    now = timezone.now()
    # Claimed with a conditional UPDATE, so a redelivered message (acks_late) never sends a
    # delivered body twice nor two workers send it at once; a worker lost mid-send leaves a
    # lease that expires, and the next attempt takes the row over.
    lease = dt.timedelta(seconds=settings.FETCH_TIMEOUT_SECONDS * 2 + 30)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
            | Q(status=DeliveryStatus.SENDING, lease_expires_at__lt=now)
        )
        .update(
            status=DeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            lease_expires_at=now + lease,
        )
    )
    delivery = WebhookDelivery.objects.select_related("watchlist").filter(pk=delivery_id).first()
    if delivery is None:
        return DeliveryOutcome(status="gone")
    if not claimed:
        return DeliveryOutcome(status=delivery.status)
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: webhook_signature(secret=delivery.watchlist.webhook_secret, body=body),
        "X-Provenance-Event": EVENT,
        "X-Provenance-Delivery": str(delivery.pk),
    }
    fields: dict[str, Any] = {"lease_expires_at": None, "next_attempt_at": None}
    retry_in = None
    try:
        result = fetch(delivery.url, method="POST", body=body, headers=headers)
    except ApplicationError as exc:
        fields["error"] = exc.message[:2000]
        fields["response_code"] = exc.details.get("status")
        if is_retryable(exc) and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
            retry_in = _backoff(delivery.attempts)
            fields["status"] = DeliveryStatus.RETRYING
            fields["next_attempt_at"] = timezone.now() + dt.timedelta(seconds=retry_in)
        else:
            fields["status"] = DeliveryStatus.FAILED
    else:
        fields.update(
            status=DeliveryStatus.DELIVERED,
            response_code=result.status,
            error="",
            delivered_at=timezone.now(),
        )
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**fields)
    return DeliveryOutcome(status=str(fields["status"]), retry_in=retry_in)

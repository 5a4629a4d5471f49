"""Webhook deliveries: signed, sent through the guarded fetcher, each attempt recorded."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.factories import make_claim
from watchlists.models import WebhookDelivery
from watchlists.services import watchlist_create, watchlists_check
from watchlists.webhooks import webhook_deliver

pytestmark = pytest.mark.django_db


def _delivery(owner, url: str) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    watchlist_create(actor=owner, name="All", query="", webhook_url=url)
    watchlists_check(article_ids=[make_claim().article_id], links=False)
    return WebhookDelivery.objects.get()


def test_a_delivery_arrives_signed_with_the_watchlists_secret(owner, receiver, sent) -> None:  # type: ignore[no-untyped-def]
    delivery = _delivery(owner, receiver.url())

    outcome = webhook_deliver(delivery_id=delivery.pk)

    assert outcome.status == "delivered" and outcome.retry_in is None
    [got] = receiver.received
    secret = delivery.watchlist.webhook_secret.encode()
    expected = "sha256=" + hmac.new(secret, got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Provenance-Signature"] == expected
    assert got.headers["X-Provenance-Delivery"] == str(delivery.pk)
    assert got.headers["Content-Type"] == "application/json"
    assert json.loads(got.body)["matches"][0]["reason"] == "new_claim"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    # A redelivered task message sends nothing twice.
    assert webhook_deliver(delivery_id=delivery.pk).status == "delivered"
    assert len(receiver.received) == 1


def test_a_5xx_is_retried_with_growing_waits_and_then_given_up(owner, receiver, sent) -> None:  # type: ignore[no-untyped-def]
    receiver.status = 500
    delivery = _delivery(owner, receiver.url())

    waits = [webhook_deliver(delivery_id=delivery.pk).retry_in for _ in range(3)]

    assert waits == [1.0, 2.0, None]  # WEBHOOK_RETRY_SECONDS=1, WEBHOOK_MAX_ATTEMPTS=3
    assert len(receiver.received) == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, 500)
    assert "HTTP 500" in delivery.error


def test_a_4xx_is_not_retried(owner, receiver, sent) -> None:  # type: ignore[no-untyped-def]
    receiver.status = 410
    delivery = _delivery(owner, receiver.url())
    assert webhook_deliver(delivery_id=delivery.pk).retry_in is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 410)


def test_a_loopback_webhook_is_refused_unless_allowed(owner, receiver, settings, sent) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_ALLOWED_HOSTS = []
    delivery = _delivery(owner, receiver.url())
    assert webhook_deliver(delivery_id=delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert "loopback" in delivery.error and receiver.received == []

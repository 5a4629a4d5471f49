"""End to end through a real Celery worker: an article submitted through the API is extracted
and matched, the watchlist check runs as its own task, its feed shows the claim, and its
webhook is POSTed (and retried) by the worker to a local receiver."""

from __future__ import annotations

import hashlib
import hmac
import json

import feedparser
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from sources.models import Article, ArticleStatus
from tests.conftest import wait_for
from tests.matching.wire import CONTRADICTION, YONHAP
from watchlists.models import WatchlistMatch, WebhookDelivery

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _submit(body: str, title: str, outlet: str) -> int:
    # Submitting needs a signed-in user (ALLOW_ANONYMOUS_SUBMISSIONS is off, as by default).
    submitter = APIClient()
    submitter.force_authenticate(User.objects.get_or_create(username="wire-desk")[0])
    response = submitter.post(
        "/api/v1/articles",
        {"body": body, "title": title, "outlet": outlet, "published_at": "2024-10-24"},
        format="json",
    )
    assert response.status_code == 202, response.json()
    article_id: int = response.json()["id"]
    wait_for(
        lambda: Article.objects.filter(pk=article_id, status=ArticleStatus.DONE).exists(),
        timeout=90,
    )
    return article_id


def test_an_extracted_article_that_matches_shows_in_the_feed_and_reaches_the_webhook(
    celery_worker_process, api, receiver
) -> None:  # type: ignore[no-untyped-def]
    created = api.post(
        "/api/v1/watchlists",
        {"name": "NK troops", "query": "search=troops Russia", "webhook_url": receiver.url()},
        format="json",
    ).json()
    feed_url = created["feed_url"].removeprefix("http://testserver")
    assert feedparser.parse(api.get(feed_url).content).entries == []

    article_id = _submit(YONHAP, "NK troops", "Yonhap News Agency")

    wait_for(lambda: WatchlistMatch.objects.filter(claim__article_id=article_id).exists())
    parsed = feedparser.parse(APIClient().get(feed_url).content)
    assert not parsed.bozo
    assert any("3,000 troops to Russia" in e.title for e in parsed.entries), parsed.entries

    got = wait_for(lambda: receiver.received)[0]
    expected = hmac.new(created["webhook_secret"].encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Provenance-Signature"] == f"sha256={expected}"
    body = json.loads(got.body)
    assert body["watchlist"]["id"] == created["id"]
    assert any("3,000 troops" in m["claim"]["text"] for m in body["matches"])
    wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists())


def test_a_failing_webhook_is_retried_by_the_worker_and_each_attempt_recorded(
    celery_worker_process, api, receiver
) -> None:  # type: ignore[no-untyped-def]
    receiver.status = 500
    api.post(
        "/api/v1/watchlists",
        {"name": "All", "query": "", "webhook_url": receiver.url()},
        format="json",
    )
    _submit(YONHAP, "NK troops", "Yonhap News Agency")

    # The worker's environment (tests/watchlists/conftest.py): 3 attempts, 1 s then 2 s apart.
    delivery = wait_for(lambda: WebhookDelivery.objects.filter(status="failed").first(), timeout=60)
    assert (delivery.attempts, delivery.response_code) == (3, 500)
    assert len(receiver.received) == 3
    assert len({r.body for r in receiver.received}) == 1  # the same signed body each time


def test_a_new_contradicts_link_touching_a_listed_claim_is_alerted(
    celery_worker_process, api
) -> None:  # type: ignore[no-untyped-def]
    first = _submit(YONHAP, "NK troops", "Yonhap News Agency")
    # Saved after the first article: its claim is not new, but it is listed by the view.
    watchlist = api.post(
        "/api/v1/watchlists",
        {"name": "Chongjin", "query": "search=troops Russia&outlet=Yonhap News Agency"},
        format="json",
    ).json()

    second = _submit(CONTRADICTION, "GUR figure", "Dnipro Herald")

    match = wait_for(
        lambda: (
            WatchlistMatch.objects.filter(watchlist_id=watchlist["id"], reason="contradicted")
            .select_related("link")
            .first()
        ),
        timeout=90,
    )
    assert match.claim.article_id == first
    other = (
        match.link.from_claim if match.link.to_claim_id == match.claim_id else match.link.to_claim
    )
    assert other.article_id == second
    rows = api.get(f"/api/v1/watchlists/{watchlist['id']}/matches").json()["results"]
    assert [r["reason"] for r in rows] == ["contradicted"]  # the new claim is not Yonhap's

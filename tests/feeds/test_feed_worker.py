"""End to end through the real Celery worker: a feed registered through the API is polled, its
entries become articles and the worker extracts their claims; a URL is fetched likewise."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from claims.models import Claim
from feeds.models import Feed, UrlSubmission, UrlSubmissionStatus
from sources.models import Article, ArticleStatus
from tests.conftest import wait_for
from tests.feeds.pages import article_page, full_item, rss

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_feed_registered_through_the_api_is_polled_and_its_articles_extracted_by_the_worker(
    celery_worker_process,
    server,  # type: ignore[no-untyped-def]
) -> None:
    url = server.route("/feed.xml", rss([full_item(1)]), content_type="application/rss+xml")
    response = _editor().post("/api/v1/feeds", {"url": url, "outlet": "Demo Wire"}, format="json")
    assert response.status_code == 201
    feed_id = response.json()["id"]
    wait_for(lambda: Feed.objects.filter(pk=feed_id, articles_added=1).exists(), timeout=60)
    article = Article.objects.get()
    wait_for(
        lambda: Article.objects.filter(pk=article.pk, status=ArticleStatus.DONE).exists(),
        timeout=90,
    )
    assert Claim.objects.filter(
        article=article, text__contains="5,000 North Korean engineering troops"
    ).exists()
    health = _editor().get(f"/api/v1/feeds/{feed_id}").json()
    assert health["healthy"] and health["last_success_at"] and health["articles_added"] == 1


def test_a_url_submitted_through_the_api_is_fetched_by_the_worker(
    celery_worker_process, server
) -> None:  # type: ignore[no-untyped-def]
    response = _editor().post(
        "/api/v1/urls", {"url": server.route("/story", article_page())}, format="json"
    )
    assert response.status_code == 202
    submission_id = response.json()["id"]
    wait_for(
        lambda: UrlSubmission.objects.filter(
            pk=submission_id, status=UrlSubmissionStatus.DONE
        ).exists(),
        timeout=60,
    )
    status = _editor().get(response.json()["status_url"]).json()
    assert status["article_id"] is not None
    # Let the worker finish the extraction it was handed before the test's tables are flushed.
    wait_for(
        lambda: Article.objects.filter(
            pk=status["article_id"], status__in=[ArticleStatus.DONE, ArticleStatus.FAILED]
        ).exists(),
        timeout=90,
    )


def test_a_refused_url_fails_in_the_worker_with_the_reason(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    response = _editor().post(
        "/api/v1/urls", {"url": "http://169.254.169.254/latest/meta-data/"}, format="json"
    )
    submission_id = response.json()["id"]
    wait_for(
        lambda: UrlSubmission.objects.filter(
            pk=submission_id, status=UrlSubmissionStatus.FAILED
        ).exists(),
        timeout=60,
    )
    assert "Refused to fetch" in UrlSubmission.objects.get(pk=submission_id).error


def _editor() -> APIClient:
    from core.access import Role
    from tests.editorial.conftest import client_for

    return client_for(Role.EDITOR)

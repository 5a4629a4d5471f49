"""Submitting an article by URL: the API and form doors, the worker's fetch and extraction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from feeds.models import UrlSubmission, UrlSubmissionStatus
from feeds.services import RetryableFetchError, feed_create, feed_poll
from feeds.url_submissions import url_submission_process, url_submissions_reconcile
from sources.models import Article
from tests.feeds.pages import article_page, rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(editor_api: APIClient) -> APIClient:
    return editor_api


def submit(api: APIClient, url: str):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/urls", {"url": url}, format="json")


def test_submitting_a_url_answers_202_with_its_status_url_and_enqueues_the_fetch_after_commit(
    api: APIClient,
    enqueued,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(api, "https://demo.example/world/troops")
    assert response.status_code == 202
    submission = UrlSubmission.objects.get()
    body = response.json()
    assert body["status"] == "pending" and body["article_id"] is None
    assert body["status_url"].endswith(f"/api/v1/urls/{submission.pk}")
    assert response["Location"] == body["status_url"]
    assert enqueued["urls"] == [submission.pk]


def test_the_worker_fetches_the_page_and_submits_its_main_text_as_an_article(
    api: APIClient,
    server,
    enqueued,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    url = server.route("/world/troops", article_page())
    submission_id = submit(api, url).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert url_submission_process(submission_id=submission_id) == "done"
    article = Article.objects.select_related("outlet").get()
    assert article.title == "Troops move to the border"
    assert "approximately 5,000 North Korean engineering troops" in article.body
    for boilerplate in (
        "Subscribe to our newsletter",
        "Celebrity chef",
        "All rights reserved",
        "Most read",
    ):
        assert boilerplate not in article.body
    assert not article.body.startswith("Troops move to the border")
    assert article.url == url
    assert article.published_at is not None and article.published_at.date() == dt.date(2024, 11, 7)
    assert article.outlet is not None and article.outlet.name == "Demo Wire"
    assert enqueued["articles"] == [article.pk]
    status = api.get(f"/api/v1/urls/{submission_id}").json()
    assert status["status"] == "done" and status["article_id"] == article.pk
    assert status["article_created"] is True and status["attempts"] == 1
    assert status["article_url"].endswith(f"/api/v1/articles/{article.pk}")


def test_a_page_whose_text_is_already_stored_points_to_the_stored_article(
    api: APIClient, server
) -> None:  # type: ignore[no-untyped-def]
    server.route("/a", article_page())
    server.route("/b", article_page())
    first = submit(api, server.url("/a")).json()["id"]
    second = submit(api, server.url("/b")).json()["id"]
    url_submission_process(submission_id=first)
    url_submission_process(submission_id=second)
    assert Article.objects.count() == 1
    assert UrlSubmission.objects.get(pk=second).article_created is False


def test_the_same_url_submitted_again_answers_200_with_the_first_submission(api: APIClient) -> None:
    first = submit(api, "https://demo.example/a")
    again = submit(api, "https://demo.example/a")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert UrlSubmission.objects.count() == 1


@pytest.mark.parametrize("url", ["", "not a url", "ftp://demo.example/a", "javascript:alert(1)"])
def test_a_bad_url_gets_a_clear_error_and_stores_nothing(api: APIClient, url: str) -> None:
    response = submit(api, url)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "url"
    assert UrlSubmission.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://localhost:6379/", "http://10.0.0.8/admin"],
)
def test_a_url_to_a_private_address_fails_with_the_reason_and_is_not_retried(
    api: APIClient,
    settings,
    url: str,  # type: ignore[no-untyped-def]
) -> None:
    settings.FETCH_ALLOWED_HOSTS = []
    submission_id = submit(api, url).json()["id"]
    assert url_submission_process(submission_id=submission_id) == "failed"
    submission = UrlSubmission.objects.get()
    assert submission.status == UrlSubmissionStatus.FAILED
    assert "Refused to fetch" in submission.error and submission.finished_at is not None
    assert api.get(f"/api/v1/urls/{submission_id}").json()["error"] == submission.error


def test_a_transient_failure_is_retried_until_the_attempts_run_out(
    api: APIClient, server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.URL_SUBMISSION_MAX_ATTEMPTS = 2
    submission_id = submit(api, server.route("/flaky", "busy", status=503)).json()["id"]
    with pytest.raises(RetryableFetchError):
        url_submission_process(submission_id=submission_id)
    submission = UrlSubmission.objects.get()
    assert submission.status == UrlSubmissionStatus.PENDING and "HTTP 503" in submission.error
    assert url_submission_process(submission_id=submission_id) == "failed"
    submission.refresh_from_db()
    assert submission.status == UrlSubmissionStatus.FAILED and submission.attempts == 2


def test_a_url_that_is_not_a_web_page_fails_with_its_content_type(api: APIClient, server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    submission_id = submit(api, url).json()["id"]
    assert url_submission_process(submission_id=submission_id) == "failed"
    assert "image/jpeg" in UrlSubmission.objects.get().error


def test_a_page_without_article_text_fails_with_advice(api: APIClient, server) -> None:  # type: ignore[no-untyped-def]
    url = server.route(
        "/empty", "<html><head><title>x</title></head><body><nav>Home</nav></body></html>"
    )
    submission_id = submit(api, url).json()["id"]
    assert url_submission_process(submission_id=submission_id) == "failed"
    assert "No article text was found" in UrlSubmission.objects.get().error


def test_a_submission_is_processed_once_even_if_enqueued_twice(api: APIClient, server) -> None:  # type: ignore[no-untyped-def]
    submission_id = submit(api, server.route("/a", article_page())).json()["id"]
    assert url_submission_process(submission_id=submission_id) == "done"
    assert url_submission_process(submission_id=submission_id) == "skipped"
    assert server.hits("/a") == 1


def test_the_reconciler_requeues_a_submission_whose_worker_died(api: APIClient, enqueued) -> None:  # type: ignore[no-untyped-def]
    submission_id = submit(api, "https://demo.example/a").json()["id"]
    long_ago = timezone.now() - dt.timedelta(hours=1)
    UrlSubmission.objects.filter(pk=submission_id).update(
        status=UrlSubmissionStatus.FETCHING,
        attempts=1,
        lease_expires_at=long_ago,
        created_at=long_ago,
    )
    report = url_submissions_reconcile()
    assert (report.requeued, report.enqueued) == (1, 1)
    assert enqueued["urls"] == [submission_id]
    assert UrlSubmission.objects.get().status == UrlSubmissionStatus.PENDING


def test_an_unknown_submission_answers_404(api: APIClient) -> None:
    response = api.get("/api/v1/urls/999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_web_form_submits_a_url_and_shows_its_status(client: Client, server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/a", article_page())
    response = client.post("/feeds/urls/new", {"url": url})
    submission = UrlSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feeds/urls/{submission.pk}"
    assert "Pending" in client.get(response["Location"]).content.decode()
    url_submission_process(submission_id=submission.pk)
    submission.refresh_from_db()
    page = client.get(f"/feeds/urls/{submission.pk}").content.decode()
    assert "Done" in page and f'href="/articles/{submission.article_id}"' in page


def test_the_web_form_shows_a_bad_url_as_a_field_error(client: Client) -> None:
    response = client.post("/feeds/urls/new", {"url": "ftp://x.example/a"})
    assert response.status_code == 400
    assert "is not an http(s) URL" in response.content.decode()
    assert UrlSubmission.objects.count() == 0


def test_a_url_a_feed_already_brought_in_points_to_its_article_without_fetching(
    api: APIClient, server
) -> None:  # type: ignore[no-untyped-def]
    page = server.route("/story", article_page())
    feed = feed_create(
        url=server.route("/feed.xml", rss([{"title": "Troops", "guid": "t", "link": page}]))
    )
    feed_poll(feed_id=feed.pk)
    body = submit(api, page).json()
    assert body["status"] == "done" and body["article_id"] == Article.objects.get().pk
    assert body["article_created"] is False
    assert server.hits("/story") == 1


def test_a_page_fetched_by_url_is_not_fetched_again_for_a_feed_entry(
    api: APIClient, server
) -> None:  # type: ignore[no-untyped-def]
    page = server.route("/story", article_page())
    url_submission_process(submission_id=submit(api, page).json()["id"])
    feed = feed_create(
        url=server.route("/feed.xml", rss([{"title": "Troops", "guid": "t", "link": page}]))
    )
    assert feed_poll(feed_id=feed.pk).duplicates == 1
    assert server.hits("/story") == 1


def test_a_page_in_a_legacy_charset_is_decoded_by_its_declared_charset(
    api: APIClient, server
) -> None:  # type: ignore[no-untyped-def]
    paragraphs = [
        "Le ministère de la Défense a déclaré vendredi que 300 soldats avaient été déplacés "
        "vers la frontière, selon des responsables s'exprimant sous couvert d'anonymat.",
        "L'agence Yonhap a rapporté que près de 5 000 soldats nord-coréens étaient attendus.",
    ]
    page = article_page(title="Défense", paragraphs=paragraphs).encode("iso-8859-1")
    url = server.route("/fr", page, content_type="text/html; charset=iso-8859-1")
    url_submission_process(submission_id=submit(api, url).json()["id"])
    article = Article.objects.get()
    assert "ministère de la Défense" in article.body and article.title == "Défense"

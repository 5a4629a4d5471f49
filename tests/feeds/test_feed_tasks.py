"""The Celery side: stable task names, retries declared on the tasks, the beat entries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import OperationalError

from feeds import tasks
from feeds.models import UrlSubmission, UrlSubmissionStatus
from feeds.services import RetryableFetchError, feed_create
from provenance.celery import app

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_polls_feeds_and_reconciles_url_submissions_with_registered_tasks() -> (
    None
):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"feeds.poll_due_feeds", "feeds.reconcile_url_submissions"} <= scheduled
    app.loader.import_default_modules()
    for name in (
        "feeds.poll_due_feeds",
        "feeds.poll_feed",
        "feeds.fetch_url_submission",
        "feeds.reconcile_url_submissions",
    ):
        assert name in app.tasks


def test_the_url_task_retries_transient_fetch_failures_and_database_outages() -> None:
    task = tasks.fetch_url_submission
    assert task.acks_late and task.reject_on_worker_lost
    assert RetryableFetchError in task.autoretry_for and OperationalError in task.autoretry_for
    assert task.max_retries == settings.URL_SUBMISSION_MAX_ATTEMPTS


def test_the_poll_task_leaves_feed_failures_to_the_feeds_own_backoff() -> None:
    assert tasks.poll_feed.acks_late
    assert RetryableFetchError not in tasks.poll_feed.autoretry_for


def test_the_poll_task_returns_its_report(server) -> None:  # type: ignore[no-untyped-def]
    feed = feed_create(url=server.route("/feed.xml", "oops", status=500))
    report = tasks.poll_feed.run(feed.pk)
    assert report["polled"] is True and report["ok"] is False and "HTTP 500" in report["error"]


def test_the_url_task_is_a_no_op_for_a_submission_that_is_gone() -> None:
    assert tasks.fetch_url_submission.run(424242) == "skipped"


def test_the_url_task_records_a_refused_fetch(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_ALLOWED_HOSTS = []
    submission = UrlSubmission.objects.create(url="http://127.0.0.1:9/")
    assert tasks.fetch_url_submission.run(submission.pk) == "failed"
    submission.refresh_from_db()
    assert submission.status == UrlSubmissionStatus.FAILED and "loopback" in submission.error

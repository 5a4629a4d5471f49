"""Celery tasks: thin. Id in, call one service."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from feeds.services import RetryableFetchError, feed_poll, feeds_poll_due
from feeds.url_submissions import url_submission_process, url_submissions_reconcile


@shared_task(name="feeds.poll_due_feeds", acks_late=True)
def poll_due_feeds() -> int:
    return feeds_poll_due()


@shared_task(
    name="feeds.poll_feed",
    acks_late=True,
    reject_on_worker_lost=True,
    # Only the database going away is retried here: a feed that fails to fetch or parse is
    # recorded on the feed and backs off through next_poll_at, not through Celery retries.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
)
def poll_feed(feed_id: int) -> dict[str, object]:
    return asdict(feed_poll(feed_id=feed_id))


@shared_task(
    name="feeds.fetch_url_submission",
    acks_late=True,
    reject_on_worker_lost=True,
    # Transient fetch failures (timeouts, 5xx, DNS) with attempts left: the service records the
    # error, puts the row back to `pending` and raises RetryableFetchError.
    autoretry_for=(RetryableFetchError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=settings.URL_SUBMISSION_MAX_ATTEMPTS,
)
def fetch_url_submission(submission_id: int) -> str:
    return str(url_submission_process(submission_id=submission_id))


@shared_task(name="feeds.reconcile_url_submissions", acks_late=True)
def reconcile_url_submissions() -> dict[str, int]:
    return asdict(url_submissions_reconcile())

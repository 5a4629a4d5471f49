"""Pages submitted by URL: a worker fetches each one, extracts its main text and submits it as
an article. Guarded like feeds (feeds/fetch.py); retried with backoff; reconciled by beat."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.services import article_submit
from core import queue
from core.errors import ApplicationError
from feeds.fetch import is_retryable, page_fetch_extract
from feeds.models import (
    UrlSubmission,
    UrlSubmissionStatus,
)
from feeds.services import RetryableFetchError, articles_by_url, valid_url

logger = logging.getLogger(__name__)


def url_submission_create(*, url: str) -> tuple[UrlSubmission, bool]:
    """Record a URL to fetch and enqueue the fetch after commit; returns (submission, created).

    A URL already pending or done is not fetched again: its submission is returned.
    """
    url = valid_url(url)
    existing = (
        UrlSubmission.objects.filter(url=url)
        .exclude(status=UrlSubmissionStatus.FAILED)
        .select_related("article")
        .order_by("-id")
        .first()
    )
    if existing is not None:
        return existing, False
    known_article_id = articles_by_url({url}).get(url)
    if known_article_id is not None:
        # A feed already brought this page in: point to its article instead of fetching again.
        submission = UrlSubmission.objects.create(
            url=url,
            status=UrlSubmissionStatus.DONE,
            article_id=known_article_id,
            article_created=False,
            finished_at=timezone.now(),
        )
        return submission, True
    with transaction.atomic():
        submission = UrlSubmission.objects.create(url=url)
        transaction.on_commit(lambda: _enqueue_url(submission.pk))
    return submission, True


def _enqueue_url(submission_id: int) -> None:
    queue.send("feeds.fetch_url_submission", args=[submission_id])


def url_submission_claim(*, submission_id: int) -> UrlSubmission | None:
    """Take the fetching lease (a conditional UPDATE, as for articles and feeds)."""
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    updated = (
        UrlSubmission.objects.filter(pk=submission_id)
        .filter(
            Q(status=UrlSubmissionStatus.PENDING)
            | Q(status=UrlSubmissionStatus.FETCHING, lease_expires_at__lt=now)
        )
        .update(
            status=UrlSubmissionStatus.FETCHING,
            attempts=F("attempts") + 1,
            lease_expires_at=now + lease,
        )
    )
    if not updated:
        return None
    submission: UrlSubmission = UrlSubmission.objects.get(pk=submission_id)
    return submission


def url_submission_process(*, submission_id: int) -> str:
    """Fetch, extract and submit one URL; returns the submission's status afterwards.

    Raises RetryableFetchError when the fetch failed transiently and attempts are left (the
    row is back to `pending` with the error recorded).
    """
    submission = url_submission_claim(submission_id=submission_id)
    if submission is None:
        return "skipped"
    try:
        page, final_url = page_fetch_extract(url=submission.url)
        with transaction.atomic():
            result = article_submit(
                body=page.text,
                title=page.title,
                url=final_url,
                published_at=page.published,
                outlet=page.outlet,
            )
            UrlSubmission.objects.filter(pk=submission.pk).update(
                status=UrlSubmissionStatus.DONE,
                error="",
                article=result.article,
                article_created=result.created,
                lease_expires_at=None,
                finished_at=timezone.now(),
            )
    except ApplicationError as exc:
        if is_retryable(exc) and submission.attempts < settings.URL_SUBMISSION_MAX_ATTEMPTS:
            UrlSubmission.objects.filter(pk=submission.pk).update(
                status=UrlSubmissionStatus.PENDING, error=exc.message[:5000], lease_expires_at=None
            )
            raise RetryableFetchError(exc.message) from exc
        _url_submission_fail(submission_id=submission.pk, message=exc.message)
        return UrlSubmissionStatus.FAILED
    except DatabaseError:
        raise  # the task retries; the lease expires if it never comes back
    except Exception as exc:
        logger.exception("URL submission %s failed unexpectedly", submission.pk)
        _url_submission_fail(
            submission_id=submission.pk, message=f"Internal error: {type(exc).__name__}: {exc}"
        )
        return UrlSubmissionStatus.FAILED
    return UrlSubmissionStatus.DONE


def _url_submission_fail(*, submission_id: int, message: str) -> None:
    UrlSubmission.objects.filter(pk=submission_id).update(
        status=UrlSubmissionStatus.FAILED,
        error=message[:5000],
        lease_expires_at=None,
        finished_at=timezone.now(),
    )


@dataclass(frozen=True)
class UrlReconcileReport:
    requeued: int
    failed: int
    enqueued: int


def url_submissions_reconcile(*, now: dt.datetime | None = None) -> UrlReconcileReport:
    """Pick up URL submissions whose worker died or whose task never reached the broker."""
    now = now or timezone.now()
    stale = Q(status=UrlSubmissionStatus.FETCHING, lease_expires_at__lt=now)
    max_attempts = settings.URL_SUBMISSION_MAX_ATTEMPTS
    failed = UrlSubmission.objects.filter(stale, attempts__gte=max_attempts).update(
        status=UrlSubmissionStatus.FAILED,
        lease_expires_at=None,
        finished_at=now,
        error="Gave up: the worker fetching this URL stopped, and the attempts ran out.",
    )
    requeued = UrlSubmission.objects.filter(stale, attempts__lt=max_attempts).update(
        status=UrlSubmissionStatus.PENDING, lease_expires_at=None
    )
    waited = now - dt.timedelta(seconds=settings.RECONCILE_QUEUED_AFTER_SECONDS)
    ids = list(
        UrlSubmission.objects.filter(status=UrlSubmissionStatus.PENDING, created_at__lte=waited)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
    for submission_id in ids:
        _enqueue_url(submission_id)
    return UrlReconcileReport(requeued=requeued, failed=failed, enqueued=len(ids))

"""Celery tasks of watchlists. Thin: ids in, call one service."""

from __future__ import annotations

from dataclasses import asdict

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from watchlists.services import watchlists_check
from watchlists.webhooks import webhook_deliver


@shared_task(
    name="watchlists.check",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def check(article_ids: list[int], links: bool = False) -> dict[str, int]:
    # Idempotent: the matches' unique constraints skip what an earlier run recorded.
    return asdict(watchlists_check(article_ids=article_ids, links=links))


@shared_task(
    bind=True,
    name="watchlists.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    # The delivery row counts the attempts and stops at WEBHOOK_MAX_ATTEMPTS; this bound only
    # keeps a bug from retrying forever.
    max_retries=settings.WEBHOOK_MAX_ATTEMPTS + 1,
)
def deliver(self: Task, delivery_id: int) -> str:  # type: ignore[type-arg]
    outcome = webhook_deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None and not self.request.called_directly:
        # Back-off is the service's (it records the next attempt's time on the row).
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status

"""Celery tasks: thin. Id in, call one service, let the service decide what is left to do."""

from __future__ import annotations

import gc
import logging
import uuid
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun, task_prerun, worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections

from articles.processing import (
    RetryableExtractionError,
    claims_extract_for_article,
    claims_extract_for_articles,
    get_extractor,
)
from articles.services import articles_reconcile

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _load_model(**_: object) -> None:
    # Load the spaCy model when the worker process starts, not inside the first task, so a
    # missing model stops the worker with a clear message and tasks never pay the load time.
    get_extractor()
    # Then move everything loaded so far (the model, Django, the registry) out of the garbage
    # collector's reach: those objects live as long as the process, yet every full collection
    # walked them again, about 0.5 ms of CPU per article in batches of 16 (bench/README.md).
    # Objects created by the tasks are still collected as before.
    gc.collect()
    gc.freeze()


@task_prerun.connect
@task_postrun.connect
def _database_connection_as_for_a_request(**_: object) -> None:
    # A worker keeps its database connection from task to task, as gunicorn does from request
    # to request. Celery's Django fix-up closed it around every task (settings.py sets
    # CELERY_DB_REUSE_MAX to stop that), and a new PostgreSQL backend cost ~30 ms of CPU (its
    # catalog caches, the audit triggers' PL/pgSQL), more than extracting the article: bench/
    # README.md. Django's rule at request boundaries decides instead: close a connection that
    # errored and is unusable or is older than CONN_MAX_AGE, and health-check it before its next
    # query (CONN_HEALTH_CHECKS), so a restarted PostgreSQL still gets a fresh connection.
    close_old_connections()


# Both extraction tasks: acknowledged after they run, re-queued if their worker dies, and
# retried with backoff on transient failures (the database restarting, or the extractor failing
# with attempts left: the service records the error and puts the article back to `queued` first).
_EXTRACTION_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (RetryableExtractionError, OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="claims.extract_article", **_EXTRACTION_TASK_OPTIONS)
def extract_article(self: Task, article_id: int) -> str:
    return str(claims_extract_for_article(article_id=article_id, owner=_lease_owner(self)))


@shared_task(name="claims.extract_articles", **_EXTRACTION_TASK_OPTIONS)
def extract_articles(self: Task, article_ids: list[int]) -> dict[str, str]:
    # These articles, plus the oldest other queued ones up to EXTRACTION_BATCH_SIZE: a task
    # per submission still finds its neighbours, and their own tasks later find them done.
    outcomes = claims_extract_for_articles(
        article_ids=article_ids,
        owner=_lease_owner(self),
        fill_to=settings.EXTRACTION_BATCH_SIZE,
        max_chars=settings.EXTRACTION_BATCH_MAX_CHARS,
    )
    return {str(pk): str(outcome) for pk, outcome in outcomes.items()}


@shared_task(name="claims.reconcile_articles", acks_late=True)
def reconcile_articles() -> dict[str, int]:
    report = articles_reconcile()
    return {"requeued": report.requeued, "enqueued": report.enqueued}


def _lease_owner(task: Task) -> str:
    """A lease token unique to this run of the task, not just to its id: Redis redelivers an
    unacknowledged message with the same task id after the visibility timeout, and that copy
    must find the lease taken. A retry after a failure finds its articles handed back (queued)."""
    return f"{task.request.id or 'direct'}:{uuid.uuid4().hex[:12]}"

"""End to end through a real Celery worker process, Redis and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import redis
from rest_framework.test import APIClient

from articles.services import articles_reconcile
from articles.tasks import extract_article
from claims.models import Attribution, Claim
from core.access import Role
from provenance.celery import app as celery_app
from sources.models import Article, ArticleStatus
from tests.conftest import SEED, WORKER_LOG, WORKER_NODE, wait_for
from tests.editorial.conftest import make_user

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _submitter() -> APIClient:
    """A signed-in client: submitting needs one (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    client = APIClient()
    client.force_authenticate(make_user(Role.ANALYST, "worker-submitter"))
    return client


def _done(article_id: int) -> bool:
    return Article.objects.filter(pk=article_id, status=ArticleStatus.DONE).exists()


def _task_runs_since(offset: int) -> str:
    return WORKER_LOG.read_bytes()[offset:].decode(errors="replace")


# The web side picks the task by EXTRACTION_BATCH_SIZE: 1 = `claims.extract_article` for this
# article alone, more = `claims.extract_articles`, which fills its batch from the queue.
@pytest.mark.parametrize(
    ("batch_size", "task_done"),
    [
        (1, r"Task claims\.extract_article\[[^\]]+\] succeeded in [\d.]+s: 'done'"),
        (
            16,
            r"Task claims\.extract_articles\[[^\]]+\] succeeded in [\d.]+s: \{[^}]*'{id}': 'done'",
        ),
    ],
    ids=["one-article-task", "batch-task"],
)
def test_a_seed_article_submitted_through_the_api_is_extracted_by_the_worker(
    celery_worker_process, settings, batch_size: int, task_done: str
) -> None:  # type: ignore[no-untyped-def]
    settings.EXTRACTION_BATCH_SIZE = batch_size
    offset = WORKER_LOG.stat().st_size
    response = _submitter().post(
        "/api/v1/articles",
        {"body": SEED.read_text(encoding="utf-8"), "title": "Seed", "published_at": "2024-11-08"},
        format="json",
    )
    assert response.status_code == 202
    article_id = response.json()["id"]
    wait_for(lambda: _done(article_id), timeout=90)
    claims = Claim.objects.filter(article_id=article_id)
    assert claims.filter(text__contains="5,000 North Korean engineering troops").exists()
    relocating = claims.get(text__contains="relocating thousands of soldiers")
    chain = list(
        Attribution.objects.filter(claim=relocating)
        .order_by("position")
        .values_list("source__name", flat=True)
    )
    assert len(chain) == 2 and "Yonhap" in chain[1]
    body = APIClient().get(f"/api/v1/articles/{article_id}").json()
    assert body["status"] == "done" and body["claims"]
    # The path under test is the one that ran: its task's result names the article (batch) or
    # is the one-article outcome, and no batch task took this article on the one-article path.
    wait_for(
        lambda: re.search(task_done.replace("{id}", str(article_id)), _task_runs_since(offset))
    )
    if batch_size == 1:
        assert f"'{article_id}':" not in _task_runs_since(offset)


def test_the_task_run_twice_for_one_article_leaves_one_set_of_claims(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    article = Article.objects.create(
        body="The navy said on Monday that 4 drones were shot down near the coast.",
        content_hash="twice",
        status=ArticleStatus.QUEUED,
    )
    extract_article.delay(article.pk)
    extract_article.delay(article.pk)
    wait_for(lambda: _done(article.pk), timeout=60)
    first = set(Claim.objects.filter(article=article).values_list("pk", flat=True))
    # A third run after completion, as a redelivered message would be: nothing changes.
    extract_article.delay(article.pk)
    # Asked of this run's worker alone: other runs' workers on the same Redis may be busy.
    inspect = celery_app.control.inspect(timeout=1, destination=[WORKER_NODE])
    wait_for(lambda: inspect.active() is not None, timeout=10)
    wait_for(lambda: not any(inspect.active().values()), timeout=30)
    assert first
    assert set(Claim.objects.filter(article=article).values_list("pk", flat=True)) == first
    assert Article.objects.get(pk=article.pk).attempts == 1


def test_a_submission_while_the_broker_is_down_is_accepted_and_processed_once_it_is_back(
    celery_worker_process, broker_url: str, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.RECONCILE_QUEUED_AFTER_SECONDS = 0
    # Point the web side's producer at a port where nothing listens: the broker is unreachable.
    # Both of its doors: Celery's publisher and, with batches, the waiting-batch mark's client
    # (reaching the real Redis through it, the submission enqueued a real task that a worker
    # could take before the reconciler ran, and the test failed now and then).
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(
        "core.queue._redis_client",
        redis.Redis.from_url("redis://127.0.0.1:9/0", socket_timeout=1, socket_connect_timeout=1),
    )
    _drop_producer_connections()
    response = _submitter().post(
        "/api/v1/articles",
        {"body": "Officials said 7 ships left the port on Tuesday."},
        format="json",
    )
    assert response.status_code == 202
    article_id = response.json()["id"]
    assert Article.objects.get(pk=article_id).status == ArticleStatus.QUEUED

    monkeypatch.undo()
    _drop_producer_connections()
    report = articles_reconcile()
    assert report.enqueued >= 1
    wait_for(lambda: _done(article_id), timeout=60)
    assert Claim.objects.filter(article_id=article_id).exists()


def _drop_producer_connections() -> None:
    """Make the next publish connect anew with the current broker_url (Celery and kombu cache
    connection pools per URL)."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_this_test_run_has_a_queue_of_its_own_and_its_worker_reads_only_that(
    celery_worker_process,
) -> None:  # type: ignore[no-untyped-def]
    # Test runs share one Redis database; on a shared queue one run's worker took another's
    # tasks and one run's waiting-batch mark held back another's submissions.
    from django.conf import settings

    from articles.enqueue import BATCH_WAITING
    from core.queue import once_key

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue != "celery"
    assert celery_app.amqp.router.route({}, "claims.extract_articles")["queue"].name == queue
    assert once_key(BATCH_WAITING).endswith(f":{queue}")
    consumed = celery_app.control.inspect(timeout=2, destination=[WORKER_NODE]).active_queues()
    assert [q["name"] for q in consumed[WORKER_NODE]] == [queue]


def _other_backends() -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_the_worker_keeps_its_database_connection_from_task_to_task(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    # Regression: Celery's Django fix-up closed the connection around every task, and a new
    # PostgreSQL backend cost more CPU than extracting a short article.
    seen = []
    for n in range(2):
        article = Article.objects.create(
            body=f"The navy said on Monday that {n + 4} drones were shot down.",
            content_hash=f"keep-{n}",
            status=ArticleStatus.QUEUED,
        )
        offset = WORKER_LOG.stat().st_size
        extract_article.delay(article.pk)
        # Extraction, then the matching it enqueues: the worker is idle between tasks after both.
        wait_for(
            lambda offset=offset: re.search(
                r"claims\.match_articles\[[^\]]+\] succeeded", _task_runs_since(offset)
            )
        )
        seen.append(_other_backends())
    assert seen[0] and seen[0] == seen[1]

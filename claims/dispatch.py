"""Getting an article to a worker.

With a broker (production, tests) the task goes to Redis and a Celery worker runs it. With no
broker configured (the embedded `make run` default) it runs in one background thread of this
process, so the page that submitted it can show the status changing live.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_local_executor: ThreadPoolExecutor | None = None


def enqueue_extraction(*, article_id: int) -> bool:
    """Hand the article to a worker. Returns False when the broker could not be reached.

    Failure here loses nothing: the article is already committed as `queued`, and the
    reconciler re-enqueues it once the broker is back.
    """
    if not settings.CELERY_BROKER_URL:
        global _local_executor
        if _local_executor is None:
            _local_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        _local_executor.submit(_run_locally, article_id)
        return True
    from claims.tasks import extract_article

    if settings.EXTRACTION_BATCH_SIZE > 1:
        return enqueue_extraction_batch(article_ids=[article_id])
    try:
        extract_article.apply_async(args=[article_id])
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning(
            "Could not enqueue article %s (%s); the reconciler will retry.", article_id, exc
        )
        return False
    return True


def enqueue_extractions(*, article_ids: list[int]) -> bool:
    """Hand several articles to the workers: one batch task for all of them when extraction is
    batched, else a task each. False when the broker could not be reached (the reconciler
    re-enqueues what stays queued)."""
    if settings.CELERY_BROKER_URL and settings.EXTRACTION_BATCH_SIZE > 1:
        # The task takes the first and fills its batch with the oldest queued articles (these,
        # unless older ones wait), within EXTRACTION_BATCH_SIZE and _MAX_CHARS; a full batch
        # hands the rest to the next task.
        return enqueue_extraction_batch(article_ids=article_ids[:1])
    sent = [enqueue_extraction(article_id=pk) for pk in article_ids]
    return all(sent)


# Batched extraction (EXTRACTION_BATCH_SIZE > 1): at most one `claims.extract_articles` task
# waits in the queue at a time. A worker fills its batch from the database (every committed
# `queued` article), so a submission that finds a task already waiting needs no task of its
# own; one task per submission would leave EXTRACTION_BATCH_SIZE - 1 no-op tasks per batch.
# The key expires so a lost task cannot hold submissions back for long (and the reconciler
# still re-enqueues whatever stays queued).
_BATCH_PENDING_SECONDS = 30
_redis_client = None


def batch_pending_key() -> str:
    return f"provenance:extract-batch-pending:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def _redis():  # type: ignore[no-untyped-def]
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
        )
    return _redis_client


def enqueue_extraction_batch(*, article_ids: list[int]) -> bool:
    """Make sure a batch task will take these articles (and any other queued ones): enqueue
    `claims.extract_articles` unless one is already waiting. False if the broker is down."""
    from claims.tasks import extract_articles

    try:
        if not _redis().set(batch_pending_key(), "1", nx=True, ex=_BATCH_PENDING_SECONDS):
            return True
        extract_articles.apply_async(args=[article_ids])
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning(
            "Could not enqueue articles %s (%s); the reconciler will retry.", article_ids, exc
        )
        extraction_batch_started()
        return False
    return True


def extraction_batch_started() -> None:
    """A batch task is about to fill its batch: the next submission must enqueue a new one."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        _redis().delete(batch_pending_key())
    except Exception as exc:  # the key expires on its own
        logger.warning("Could not clear the pending-batch mark (%s).", exc)


def _run_locally(article_id: int) -> None:
    from claims.services import claims_extract_for_article

    close_old_connections()
    try:
        claims_extract_for_article(article_id=article_id, owner=f"local-{uuid.uuid4()}")
    except Exception:
        logger.exception("In-process extraction of article %s failed", article_id)
    finally:
        close_old_connections()


def enqueue_matching(*, articles: dict[int, list[int]]) -> bool:
    """Hand extracted articles to the matcher (`claims.match_articles`), as one task: the
    articles' ids, each with the claims whose origin counts its re-extraction changed.
    Returns False when the broker could not be reached.

    Losing it costs links, not data: the claims are committed, and re-running the matcher (or
    re-extracting the article) proposes them again. In-process mode uses the same one-thread
    executor as extraction, so an article is matched after its own extraction has committed.
    """
    if not articles:
        return True
    ids = list(articles)
    recompute = {str(pk): list(claims) for pk, claims in articles.items() if claims}
    if not settings.CELERY_BROKER_URL:
        global _local_executor
        if _local_executor is None:
            _local_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        _local_executor.submit(_match_locally, ids, recompute)
        return True
    from claims.tasks import match_articles

    try:
        # MATCHING_QUEUE: matching on workers of its own, so its backlog never delays extraction.
        match_articles.apply_async(
            args=[ids], kwargs={"also_recompute": recompute}, queue=settings.MATCHING_QUEUE or None
        )
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning("Could not enqueue matching of articles %s (%s).", ids, exc)
        return False
    return True


def _match_locally(article_ids: list[int], also_recompute: dict[str, list[int]]) -> None:
    from claims.links import claims_match_article

    close_old_connections()
    try:
        for article_id in article_ids:
            try:
                claims_match_article(
                    article_id=article_id, also_recompute=also_recompute.get(str(article_id), ())
                )
            except Exception:
                logger.exception("In-process matching of article %s failed", article_id)
    finally:
        close_old_connections()

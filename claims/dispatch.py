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
    from claims.tasks import extract_article, extract_articles

    try:
        if settings.EXTRACTION_BATCH_SIZE > 1:
            # The worker fills the batch with other queued articles (claims.extract_articles).
            extract_articles.apply_async(args=[[article_id]])
        else:
            extract_article.apply_async(args=[article_id])
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning("Could not enqueue article %s (%s); the reconciler will retry.", article_id, exc)
        return False
    return True


def _run_locally(article_id: int) -> None:
    from claims.services import claims_extract_for_article

    close_old_connections()
    try:
        claims_extract_for_article(article_id=article_id, owner=f"local-{uuid.uuid4()}")
    except Exception:
        logger.exception("In-process extraction of article %s failed", article_id)
    finally:
        close_old_connections()


def enqueue_matching(*, article_id: int, also_recompute: list[int] | None = None) -> bool:
    """Hand an extracted article to the matcher (`claims.match_article`). Returns False when the
    broker could not be reached.

    Losing it costs links, not data: the claims are committed, and re-running the matcher (or
    re-extracting the article) proposes them again. In-process mode uses the same one-thread
    executor as extraction, so an article is matched after its own extraction has committed.
    """
    recompute = list(also_recompute or [])
    if not settings.CELERY_BROKER_URL:
        global _local_executor
        if _local_executor is None:
            _local_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        _local_executor.submit(_match_locally, article_id, recompute)
        return True
    from claims.tasks import match_article

    try:
        match_article.apply_async(args=[article_id], kwargs={"also_recompute": recompute})
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning("Could not enqueue matching of article %s (%s).", article_id, exc)
        return False
    return True


def _match_locally(article_id: int, also_recompute: list[int]) -> None:
    from claims.links import claims_match_article

    close_old_connections()
    try:
        claims_match_article(article_id=article_id, also_recompute=also_recompute)
    except Exception:
        logger.exception("In-process matching of article %s failed", article_id)
    finally:
        close_old_connections()

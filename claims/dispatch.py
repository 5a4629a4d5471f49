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

    try:
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

"""Getting a feed poll or a URL fetch to a worker, the way claims.dispatch does for articles.

With a broker the task goes to Redis. With none (the embedded `make run` default) it runs in one
background thread of this process. A broker that cannot be reached loses nothing: the row is
committed and the beat reconcilers pick it up again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_local_executor: ThreadPoolExecutor | None = None


def enqueue_feed_poll(*, feed_id: int) -> bool:
    from feeds import services, tasks

    return _enqueue(tasks.poll_feed, feed_id, local=lambda: services.feed_poll(feed_id=feed_id))


def enqueue_url_submission(*, submission_id: int) -> bool:
    from feeds import services, tasks

    return _enqueue(
        tasks.fetch_url_submission,
        submission_id,
        local=lambda: services.url_submission_process(submission_id=submission_id),
    )


def _enqueue(task, row_id: int, *, local: Callable[[], object]) -> bool:  # type: ignore[no-untyped-def]
    if not settings.CELERY_BROKER_URL:
        global _local_executor
        if _local_executor is None:
            _local_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feeds")
        _local_executor.submit(_run_locally, local, task.name, row_id)
        return True
    try:
        task.apply_async(args=[row_id])
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning(
            "Could not enqueue %s(%s) (%s); the reconciler will retry.", task.name, row_id, exc
        )
        return False
    return True


def _run_locally(call: Callable[[], object], name: str, row_id: int) -> None:
    close_old_connections()
    try:
        call()
    except Exception:
        logger.exception("In-process %s(%s) failed", name, row_id)
    finally:
        close_old_connections()

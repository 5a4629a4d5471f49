"""Sending work to a worker: one way for every task, by its stable name.

With a broker (production, tests) a task is sent to Redis by name (`celery.current_app
.send_task`), so a module that sends work never imports the module that does it: no import
cycle between a service and its task. With no broker configured (the embedded `make run`
default) the same registered task runs in one background thread of this process, after the
caller's transaction committed, so a page that submitted an article shows its status changing
live. That thread runs one task at a time, in the order sent: an article's matching runs after
its own extraction committed.

A broker that cannot be reached loses nothing: every caller has committed its row first, and the
reconcilers (beat) find what is still to do. `send` then answers False.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import redis
from celery import current_app
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# A coalesced send (see `send(once=...)`) holds its mark this long at most, so a lost message
# cannot hold later sends back for long (the reconcilers still find what stays to do).
ONCE_SECONDS = 30

_executor: ThreadPoolExecutor | None = None
_redis_client: redis.Redis | None = None
# In-process tasks sent and not finished yet, so a command can wait for them (`drain`). A task
# that sends another (extraction sends matching) counts it before its own count drops.
_pending = 0
_idle = threading.Condition()


def in_process() -> bool:
    """True when no broker is configured: tasks run in a thread of this process."""
    return not settings.CELERY_BROKER_URL


def send(
    name: str,
    *,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    queue: str | None = None,
    once: str | None = None,
) -> bool:
    """Send the task registered as `name`. Returns False when the broker could not be reached.

    `queue` routes it to a queue other than the default. `once` coalesces: while a message sent
    with the same key is still waiting (until `release(once)` or ONCE_SECONDS), this send is
    dropped and answers True; the waiting task is expected to pick this work up too.
    """
    if in_process():
        global _executor
        global _pending
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")
        with _idle:
            _pending += 1
        future = _executor.submit(_run_in_process, name, tuple(args), dict(kwargs or {}))
        future.add_done_callback(_finished)
        return True
    try:
        if once and not _redis().set(once_key(once), "1", nx=True, ex=ONCE_SECONDS):
            return True
        current_app.send_task(name, args=list(args), kwargs=dict(kwargs or {}), queue=queue)
    except Exception as exc:  # kombu/redis raise many types for "broker unreachable"
        logger.warning(
            "Could not send %s%s (%s); the reconciler will retry.", name, list(args), exc
        )
        if once:
            release(once)
        return False
    return True


def drain(timeout: float | None = None) -> bool:
    """Wait until every in-process task sent so far (and every task those sent) has finished;
    False if `timeout` seconds passed first. With a broker there is nothing here to wait for."""
    with _idle:
        return _idle.wait_for(lambda: _pending == 0, timeout)


def _finished(_: Future[None]) -> None:
    global _pending
    with _idle:
        _pending -= 1
        _idle.notify_all()


def release(once: str) -> None:
    """The task sent with this `once` key has started: the next send with it sends a new one."""
    if in_process():
        return
    try:
        _redis().delete(once_key(once))
    except Exception as exc:  # the mark expires on its own
        logger.warning("Could not clear the waiting mark %s (%s).", once, exc)


def once_key(once: str) -> str:
    """The Redis key of a coalescing mark (one per default queue: test runs share a Redis)."""
    return f"provenance:{once}-pending:{settings.CELERY_TASK_DEFAULT_QUEUE}"


def _redis() -> redis.Redis:
    global _redis_client
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
        )
    return _redis_client


def _run_in_process(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Run a registered task's body in this thread, as a worker would run it once (no retries:
    what fails is recorded on its row, and the reconcilers try again)."""
    close_old_connections()
    try:
        app = current_app
        if name not in app.tasks:
            # Tasks register when their app's tasks module is imported; a web process has not
            # imported them, and autodiscovery runs on this call.
            app.loader.import_default_modules()
        app.tasks[name].run(*args, **kwargs)
    except Exception:
        logger.exception("In-process task %s%s failed", name, list(args))
    finally:
        close_old_connections()

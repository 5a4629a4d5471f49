from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings

from articles.enqueue import BATCH_WAITING
from core.queue import once_key as queue_once_key

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "demo" / "seed.txt"
# The test worker's node name (for control commands aimed at it alone) and its log.
WORKER_NODE = f"test-{os.getpid()}@{socket.gethostname()}"
WORKER_LOG = ROOT / "var" / f"test-worker-{os.getpid()}.log"


def pytest_configure(config: pytest.Config) -> None:
    """Give this test run a Celery queue of its own.

    The test runs of several engineers share one Redis database. With one queue name for all, one
    run's worker took another run's tasks (against a database where those articles do not
    exist), and the waiting-batch mark (core/queue.py, one per queue) set by one run made
    another run's submissions enqueue nothing until it expired. Settings are already loaded
    here (pytest-django sets Django up before conftests load), so the name goes to the settings,
    the Celery app and the environment that every worker started by the tests inherits.
    """
    queue = (
        os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    )
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    from provenance.celery import app

    app.conf.task_default_queue = queue


def pytest_unconfigure(config: pytest.Config) -> None:
    if settings.CELERY_BROKER_URL:
        broker_forget_queue(settings.CELERY_BROKER_URL)


def broker_forget_queue(url: str) -> None:
    """Drop this run's queue from the broker: its messages (kombu keeps one list per priority
    step), kombu's bindings and the waiting-batch mark; nothing of other runs."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    keys = [
        queue,
        *(f"{queue}\x06\x16{step}" for step in range(1, 10)),
        f"_kombu.binding.{queue}",
        f"_kombu.binding_permanent.{queue}",
        queue_once_key(BATCH_WAITING),
    ]
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.delete(*keys)
        # Messages a killed worker had taken wait in kombu's shared `unacked` hash, and a later
        # worker on this Redis db would put them back on this queue, where nobody reads them.
        for tag, raw in client.hscan_iter("unacked"):
            try:
                routing_key = json.loads(raw)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if routing_key == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    except redis.RedisError:
        pass  # a fault test may have stopped this Redis; there is nothing to clean then


@pytest.fixture(autouse=True)
def _throttle_counters_of_their_own(settings: Any) -> None:
    """Every test counts writes and failed sign-ins from zero, under its own cache key prefix.

    The throttles (core/throttles.py) count in the cache, which is the test Redis db when a
    broker is configured: shared by every test of this run (all from 127.0.0.1, mostly as the
    same few users) and by other engineers' runs on the same db. A prefix per test keeps the
    counts apart without clearing anything (`cache.clear()` on Redis empties the whole db, queues
    included); its keys expire with their window. Changing CACHES makes Django drop the cache
    connections of every thread, the live server's too. The rates stay the production ones, so
    a test that writes more than a user may in a minute shows it.
    """
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{os.getpid()}-{uuid.uuid4().hex[:12]}"}
        for name, config in settings.CACHES.items()
    }


@dataclass(frozen=True)
class Sent:
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    queue: str | None
    once: str | None


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """What is handed to core.queue.send, recorded instead of sent (no worker sees it)."""
    calls: list[Sent] = []

    def send(name: str, *, args=(), kwargs=None, queue=None, once=None) -> bool:  # type: ignore[no-untyped-def]
        calls.append(Sent(name, tuple(args), dict(kwargs or {}), queue, once))
        return True

    monkeypatch.setattr("core.queue.send", send)
    return calls


@pytest.fixture(scope="session")
def broker_url() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        pytest.fail("CELERY_BROKER_URL is not set: run the tests with `make test`.")
    return url


@pytest.fixture(scope="session")
def test_database_url(django_db_setup: None, django_db_blocker) -> str:  # type: ignore[no-untyped-def]
    db = settings.DATABASES["default"]
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(
    test_database_url: str, broker_url: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process (prefork, one child) on the test database and broker,
    reading this run's queue (inherited from the environment, see pytest_configure)."""
    broker_forget_queue(broker_url)
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url,
        "CELERY_BROKER_URL": broker_url,
        "DEBUG": "1",
        "RECONCILE_QUEUED_AFTER_SECONDS": "0",
    }
    log_path = WORKER_LOG
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "provenance",
            "worker",
            "--concurrency=1",
            "--pool=prefork",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            WORKER_NODE,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    ready = False
    while time.monotonic() < deadline and proc.poll() is None:
        if b" ready." in log_path.read_bytes():
            ready = True
            break
        time.sleep(0.2)
    if not ready:
        proc.kill()
        pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])
    yield proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.25):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


(ROOT / "var").mkdir(exist_ok=True)


# --- headless Chromium (shared by tests/browser and tests/hostile) --------------------------
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does."
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still synchronous, so Django's async guard can stand down.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

"""core.queue: every task is sent by its stable name, to the broker or, with none configured, to
the in-process worker thread that runs the same registered task."""

from __future__ import annotations

import threading

import pytest
from celery import shared_task
from django.db import OperationalError

from core import queue

RAN: list[tuple[str, object]] = []
STARTED = threading.Event()
RELEASE = threading.Event()


@shared_task(name="tests.core.record")
def record(value: object) -> None:
    RAN.append(("record", value))


@shared_task(name="tests.core.record_then_send")
def record_then_send(value: object) -> None:
    # A task that sends another, as extraction sends matching.
    RAN.append(("first", value))
    queue.send("tests.core.record", args=[value])


@shared_task(name="tests.core.blocking")
def blocking() -> None:
    STARTED.set()
    RELEASE.wait(10)
    RAN.append(("blocking", None))


@shared_task(name="tests.core.failing")
def failing() -> None:
    raise RuntimeError("this task always fails")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    RAN.clear()
    STARTED.clear()
    RELEASE.clear()


@pytest.fixture
def no_broker(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_BROKER_URL = ""


def test_without_a_broker_a_task_sent_by_name_runs_in_the_worker_thread(no_broker) -> None:  # type: ignore[no-untyped-def]
    assert queue.send("tests.core.record", args=[7]) is True
    assert queue.drain(timeout=10)
    assert RAN == [("record", 7)]


def test_drain_waits_for_the_tasks_that_in_process_tasks_send(no_broker) -> None:  # type: ignore[no-untyped-def]
    queue.send("tests.core.record_then_send", args=["x"])
    assert queue.drain(timeout=10)
    assert RAN == [("first", "x"), ("record", "x")]


def test_drain_gives_up_after_its_timeout_while_a_task_still_runs(no_broker) -> None:  # type: ignore[no-untyped-def]
    queue.send("tests.core.blocking")
    assert STARTED.wait(10)
    assert queue.drain(timeout=0.2) is False
    RELEASE.set()
    assert queue.drain(timeout=10) is True
    assert RAN == [("blocking", None)]


def test_in_process_tasks_run_one_at_a_time_in_the_order_sent(no_broker) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        queue.send("tests.core.record", args=[i])
    assert queue.drain(timeout=10)
    assert RAN == [("record", i) for i in range(5)]


def test_a_failing_in_process_task_is_logged_and_the_next_one_still_runs(no_broker, caplog) -> None:  # type: ignore[no-untyped-def]
    queue.send("tests.core.failing")
    queue.send("tests.core.record", args=[1])
    assert queue.drain(timeout=10)
    assert RAN == [("record", 1)]
    assert "In-process task tests.core.failing[] failed" in caplog.text


def test_with_a_broker_a_task_is_published_by_name_to_the_queue_asked_for(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    published: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(
        "celery.current_app.send_task", lambda name, **options: published.append((name, options))
    )
    assert queue.send("claims.match_articles", args=[[1, 2]], kwargs={"a": 1}, queue="matching")
    assert published == [
        ("claims.match_articles", {"args": [[1, 2]], "kwargs": {"a": 1}, "queue": "matching"})
    ]


def test_a_coalesced_send_waits_for_release_before_publishing_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    published: list[object] = []
    monkeypatch.setattr(
        "celery.current_app.send_task", lambda name, **options: published.append(options["args"])
    )
    queue.release("tests-once")  # the mark lives in the real Redis
    assert queue.send("claims.extract_articles", args=[[1]], once="tests-once")
    assert queue.send("claims.extract_articles", args=[[2]], once="tests-once")
    assert published == [[[1]]]
    queue.release("tests-once")
    assert queue.send("claims.extract_articles", args=[[3]], once="tests-once")
    assert published == [[[1]], [[3]]]
    queue.release("tests-once")


def test_a_broker_that_cannot_be_reached_answers_false_and_frees_the_mark(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(name, **options):  # type: ignore[no-untyped-def]
        raise OperationalError("Error 111 connecting to 127.0.0.1:9. Connection refused.")

    monkeypatch.setattr("celery.current_app.send_task", refuse)
    queue.release("tests-down")
    assert queue.send("claims.extract_articles", args=[[1]], once="tests-down") is False
    # The mark was freed: the next send after the broker is back publishes.
    published: list[object] = []
    monkeypatch.setattr(
        "celery.current_app.send_task", lambda name, **options: published.append(name)
    )
    assert queue.send("claims.extract_articles", args=[[1]], once="tests-down") is True
    assert published == ["claims.extract_articles"]
    queue.release("tests-down")

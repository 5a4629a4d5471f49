"""Matching runs as its own task, enqueued once the extraction has committed."""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from django.test import override_settings

from articles import enqueue
from articles.processing import claims_extract_for_article
from claims.models import Claim
from claims.tasks import match_article, match_articles
from core import queue
from sources.models import ArticleStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_matching_tasks_have_stable_names_and_ack_late() -> None:
    assert match_articles.name == "claims.match_articles"
    assert match_articles.acks_late is True
    # Kept for the messages queued before an upgrade.
    assert match_article.name == "claims.match_article"
    assert match_article.acks_late is True


def test_extraction_enqueues_matching_after_its_transaction_commits(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(
        queue, "send", lambda name, *, args=(), **kwargs: calls.append((name, *args)) or True
    )
    article = make_article(
        body="The defence ministry said 1,200 troops were sent to the border.",
        status=ArticleStatus.QUEUED,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claims_extract_for_article(article_id=article.pk, owner="t")
    assert calls == []
    for callback in callbacks:
        callback()
    # The watchlists' check of the new claims goes out after the same commit (kwargs not shown).
    assert calls == [("claims.match_articles", [article.pk]), ("watchlists.check",)]


def test_a_broker_that_is_down_loses_only_the_enqueue(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr("celery.current_app.send_task", refuse)
    assert enqueue.matching_enqueue(articles={1: []}) is False


@override_settings(CELERY_BROKER_URL="")
def test_without_a_broker_matching_runs_in_the_local_executor(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    submitted: list[tuple] = []  # type: ignore[type-arg]

    class Executor:
        def submit(self, *args):  # type: ignore[no-untyped-def]
            submitted.append(args)
            done: Future[None] = Future()
            done.set_result(None)
            return done

    monkeypatch.setattr(queue, "_executor", Executor())
    assert enqueue.matching_enqueue(articles={7: [3], 8: []}) is True
    assert submitted == [
        (queue._run_in_process, "claims.match_articles", ([7, 8],), {"also_recompute": {"7": [3]}})
    ]


def test_a_batch_is_handed_to_the_matcher_as_one_task_with_each_articles_partners(
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    sent: list[tuple] = []  # type: ignore[type-arg]
    monkeypatch.setattr(
        "celery.current_app.send_task", lambda *args, **kwargs: sent.append((args, kwargs))
    )
    assert enqueue.matching_enqueue(articles={7: [3, 4], 8: []}) is True
    [((name,), options)] = sent
    assert name == "claims.match_articles"
    assert options["args"] == [[7, 8]]
    assert options["kwargs"] == {"also_recompute": {"7": [3, 4]}}


def test_the_batch_matching_task_matches_each_article_with_its_own_partners(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, list[int]]] = []

    def match(*, article_id, also_recompute=()):  # type: ignore[no-untyped-def]
        seen.append((article_id, list(also_recompute)))
        return _report(claims=2)

    monkeypatch.setattr("claims.tasks.claims_match_article", match)
    totals = match_articles.run([7, 8], also_recompute={"7": [3]})
    assert seen == [(7, [3]), (8, [])]
    assert totals["articles"] == 2 and totals["claims"] == 4


def test_one_article_failing_to_match_does_not_keep_the_others_from_matching(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []

    def match(*, article_id, also_recompute=()):  # type: ignore[no-untyped-def]
        if article_id == 7:
            raise ValueError("bad article")
        seen.append(article_id)
        return _report()

    monkeypatch.setattr("claims.tasks.claims_match_article", match)
    with pytest.raises(ValueError, match="bad article"):
        match_articles.run([7, 8, 9])
    assert seen == [8, 9]


def test_the_batch_matching_task_links_the_stored_claims_of_each_article() -> None:
    body = "The defence ministry said 1,200 troops were sent to the border on Monday."
    first = make_article(body=body, status=ArticleStatus.QUEUED)
    second = make_article(body=body + " Officials confirmed it.", status=ArticleStatus.QUEUED)
    for article in (first, second):
        claims_extract_for_article(article_id=article.pk, owner="t")
    totals = match_articles.run([first.pk, second.pk])
    assert totals["articles"] == 2
    assert totals["claims"] == Claim.objects.filter(article__in=[first, second]).count()


def _report(**fields: int):  # type: ignore[no-untyped-def]
    from claims.links import MatchReport

    return MatchReport(
        **{"claims": 0, "candidates": 0, "created": 0, "updated": 0, "removed": 0, **fields}
    )

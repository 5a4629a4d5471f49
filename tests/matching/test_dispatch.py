"""Matching runs as its own task, enqueued once the extraction has committed."""

from __future__ import annotations

import pytest
from django.test import override_settings

from claims import dispatch
from claims.services import claims_extract_for_article
from claims.tasks import match_article
from sources.models import ArticleStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_matching_task_has_a_stable_name_and_acks_late() -> None:
    assert match_article.name == "claims.match_article"
    assert match_article.acks_late is True


def test_extraction_enqueues_matching_after_its_transaction_commits(monkeypatch, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    monkeypatch.setattr(dispatch, "enqueue_matching", lambda *, article_id, also_recompute=(): calls.append(article_id))
    article = make_article(body="The defence ministry said 1,200 troops were sent to the border.",
                           status=ArticleStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claims_extract_for_article(article_id=article.pk, owner="t")
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [article.pk]


def test_a_broker_that_is_down_loses_only_the_enqueue(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(match_article, "apply_async", refuse)
    assert dispatch.enqueue_matching(article_id=1) is False


@override_settings(CELERY_BROKER_URL="")
def test_without_a_broker_matching_runs_in_the_local_executor(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    submitted: list[tuple] = []  # type: ignore[type-arg]

    class Executor:
        def submit(self, *args):  # type: ignore[no-untyped-def]
            submitted.append(args)

    monkeypatch.setattr(dispatch, "_local_executor", Executor())
    assert dispatch.enqueue_matching(article_id=7, also_recompute=[3]) is True
    assert submitted == [(dispatch._match_locally, 7, [3])]

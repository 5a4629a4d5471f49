"""Batched extraction (claims.extract_articles), the platform change the ingestion benchmark
motivated: several queued articles through one nlp.pipe pass, each stored as before."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from django.utils import timezone

from claims.dispatch import enqueue_extraction_batch as _real_enqueue_batch
from claims.models import Claim
from claims.services import (
    ExtractOutcome,
    RetryableExtractionError,
    claims_extract_for_article,
    claims_extract_for_articles,
)
from sources.models import Article, ArticleStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def next_batches(monkeypatch) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Batches handed on to a next task (recorded, not published: no worker should see them)."""
    calls: list[list[int]] = []
    monkeypatch.setattr(
        "claims.dispatch.enqueue_extraction_batch",
        lambda *, article_ids: calls.append(article_ids) or True,
    )
    return calls


_seq = itertools.count(1)


def queued(n: int) -> list[Article]:
    return [
        make_article(
            body=f"The ministry said on Monday that {100 + i} troops had been sent to "
            f"the border.\nAccording to Reuters, {i + 3} convoys followed.",
            status=ArticleStatus.QUEUED,
        )
        for i in (next(_seq) for _ in range(n))
    ]


def test_a_batch_stores_each_article_as_the_single_path_does() -> None:
    batch, single = queued(3), queued(1)[0]
    outcomes = claims_extract_for_articles(article_ids=[a.pk for a in batch], owner="b1")
    assert outcomes == {a.pk: ExtractOutcome.DONE for a in batch}
    claims_extract_for_article(article_id=single.pk, owner="s1")
    for article in [*batch, single]:
        article.refresh_from_db()
        assert article.status == ArticleStatus.DONE and article.attempts == 1
        assert article.lease_owner == ""
        texts = [c.text for c in Claim.objects.filter(article=article)]
        assert texts and all(t in article.body for t in texts)
    shape = [(c.kind, c.hedged) for c in Claim.objects.filter(article=single).order_by("start")]
    assert shape == [
        (c.kind, c.hedged) for c in Claim.objects.filter(article=batch[0]).order_by("start")
    ]


def test_a_task_fills_its_batch_with_the_oldest_queued_articles() -> None:
    articles = queued(5)
    outcomes = claims_extract_for_articles(article_ids=[articles[4].pk], owner="b1", fill_to=3)
    assert outcomes == {a.pk: ExtractOutcome.DONE for a in (articles[4], articles[0], articles[1])}
    statuses = {a.pk: a.status for a in Article.objects.filter(pk__in=[a.pk for a in articles])}
    assert [statuses[a.pk] for a in articles] == ["done", "done", "queued", "queued", "done"]


def test_a_full_batch_hands_the_rest_of_the_queue_to_the_next_task(next_batches) -> None:  # type: ignore[no-untyped-def]
    articles = queued(4)
    claims_extract_for_articles(article_ids=[articles[0].pk], owner="b1", fill_to=2)
    assert next_batches == [[]]
    claims_extract_for_articles(article_ids=[], owner="b2", fill_to=3)
    assert next_batches == [[]]  # two left for a batch of three: nothing more to hand on
    assert Article.objects.filter(status=ArticleStatus.DONE).count() == 4


def test_the_fill_stops_at_the_text_budget() -> None:
    articles = queued(4)
    claims_extract_for_articles(
        article_ids=[articles[0].pk], owner="b1", fill_to=4, max_chars=2 * len(articles[0].body) + 1
    )
    assert Article.objects.filter(status=ArticleStatus.DONE).count() == 2


def test_articles_another_worker_holds_are_skipped() -> None:
    held, free = queued(2)
    Article.objects.filter(pk=held.pk).update(
        status=ArticleStatus.PROCESSING,
        lease_owner="other",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    outcomes = claims_extract_for_articles(article_ids=[held.pk, free.pk], owner="b1")
    assert outcomes == {held.pk: ExtractOutcome.SKIPPED, free.pk: ExtractOutcome.DONE}
    held.refresh_from_db()
    assert held.lease_owner == "other" and not Claim.objects.filter(article=held).exists()


class _FailsOn:
    """Fails any batch, and alone only on the text containing `word`."""

    def __init__(self, word: str) -> None:
        self.word = word
        from claims.services import get_extractor

        self.real = get_extractor()

    def extract_many(self, items):  # type: ignore[no-untyped-def]
        raise RuntimeError("batch exploded")

    def extract(self, text, published=None, outlet=None):  # type: ignore[no-untyped-def]
        if self.word in text:
            raise RuntimeError("model exploded")
        return self.real.extract(text, published=published, outlet=outlet)


def test_one_bad_article_fails_alone_and_the_task_retries_for_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good, bad = queued(2)
    Article.objects.filter(pk=bad.pk).update(body=bad.body + " POISON")
    broken = _FailsOn("POISON")
    monkeypatch.setattr("claims.services.get_extractor", lambda: broken)
    with pytest.raises(RetryableExtractionError, match=f"article {bad.pk}"):
        claims_extract_for_articles(article_ids=[good.pk, bad.pk], owner="b1")
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == ArticleStatus.DONE
    assert bad.status == ArticleStatus.QUEUED and "model exploded" in bad.error


class _Publish:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def apply_async(self, args):  # type: ignore[no-untyped-def]
        self.calls.append(args[0])


def test_submissions_share_one_waiting_batch_task_until_a_worker_starts_it(
    monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from claims import dispatch, tasks

    settings.CELERY_TASK_DEFAULT_QUEUE = f"test-batch-{uuid.uuid4()}"
    settings.EXTRACTION_BATCH_SIZE = 8
    publish = _Publish()
    monkeypatch.setattr(tasks, "extract_articles", publish)
    monkeypatch.setattr(dispatch, "enqueue_extraction_batch", _real_enqueue_batch)
    assert dispatch.enqueue_extraction(article_id=1)
    assert dispatch.enqueue_extraction(article_id=2)
    assert publish.calls == [[1]]
    dispatch.extraction_batch_started()
    assert dispatch.enqueue_extraction(article_id=3)
    assert publish.calls == [[1], [3]]
    dispatch.extraction_batch_started()

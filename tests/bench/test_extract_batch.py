"""Batched extraction (claims.extract_articles), the platform change the ingestion benchmark
motivated: several queued articles through one nlp.pipe pass, each stored as before."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.processing import (
    RetryableExtractionError,
    articles_claim_batch_for_extraction,
    claims_extract_for_article,
    claims_extract_for_articles,
    get_extractor,
)
from articles.store import ExtractOutcome, claims_store_extractions
from claims.models import Claim
from core.queue import send as _real_send
from sources.models import Article, ArticleStatus, Source
from tests.conftest import wait_for
from tests.factories import make_article, make_claim, make_claim_link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def next_batches(monkeypatch) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Batches handed on to a next task (recorded, not published: no worker should see them)."""
    calls: list[list[int]] = []

    def send(name, *, args=(), **_):  # type: ignore[no-untyped-def]
        if name == "claims.extract_articles":
            calls.append(args[0])
        return True

    monkeypatch.setattr("core.queue.send", send)
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


def test_a_batch_filled_from_the_queue_alone_takes_an_article_longer_than_the_text_budget() -> None:
    # Regression: a task handed on with no ids (after a full batch) stopped its fill at an
    # oldest article over the budget and took nothing, leaving the queue for the reconciler.
    articles = queued(2)
    outcomes = claims_extract_for_articles(
        article_ids=[], owner="b1", fill_to=4, max_chars=len(articles[0].body) - 1
    )
    assert outcomes == {articles[0].pk: ExtractOutcome.DONE}
    assert Article.objects.get(pk=articles[1].pk).status == ArticleStatus.QUEUED


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
        from articles.processing import get_extractor

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
    monkeypatch.setattr("articles.processing.get_extractor", lambda: broken)
    with pytest.raises(RetryableExtractionError, match=f"article {bad.pk}"):
        claims_extract_for_articles(article_ids=[good.pk, bad.pk], owner="b1")
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == ArticleStatus.DONE
    assert bad.status == ArticleStatus.QUEUED and "model exploded" in bad.error


class _Publish:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, name, *, args, **_):  # type: ignore[no-untyped-def]
        assert name == "claims.extract_articles"
        self.calls.append(args[0])


def test_submissions_share_one_waiting_batch_task_until_a_worker_starts_it(
    monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from articles import enqueue

    settings.CELERY_TASK_DEFAULT_QUEUE = f"test-batch-{uuid.uuid4()}"
    settings.EXTRACTION_BATCH_SIZE = 8
    publish = _Publish()
    monkeypatch.setattr("core.queue.send", _real_send)  # the fixture's recorder, undone
    monkeypatch.setattr("celery.current_app.send_task", publish)
    assert enqueue.extraction_enqueue(article_ids=[1])
    assert enqueue.extraction_enqueue(article_ids=[2])
    assert publish.calls == [[1]]
    enqueue.extraction_batch_started()
    assert enqueue.extraction_enqueue(article_ids=[3])
    assert publish.calls == [[1], [3]]
    enqueue.extraction_batch_started()


def _leased(articles: list[Article], owner: str) -> dict[int, object]:
    """Lease these articles as a batch task would and extract them: {id: result}."""
    held = articles_claim_batch_for_extraction(article_ids=[a.pk for a in articles], owner=owner)
    results = get_extractor().extract_many([(a.body, None, None) for a in held])
    return {a.pk: result for a, result in zip(held, results, strict=True)}


def test_storing_a_batch_takes_as_many_queries_for_six_articles_as_for_two() -> None:
    claims_store_extractions(
        owner="warm", results=_leased(queued(2), "warm")
    )  # its sources exist now
    counts = []
    for n in (2, 6):
        results = _leased(queued(n), f"b{n}")
        with CaptureQueriesContext(connection) as queries:
            outcomes = claims_store_extractions(owner=f"b{n}", results=results)
        assert set(outcomes.values()) == {ExtractOutcome.DONE}
        counts.append(len(queries))
    # One query per table for the whole batch; it was 13 per article (a savepoint each, source
    # lookups, the lease re-check, four INSERTs, the edited-claims and links reads, the UPDATE).
    assert counts[0] == counts[1]


def test_a_batch_keeps_each_articles_edited_claims_and_hands_matching_its_own_partners(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    relinked, plain = queued(2)
    claims_extract_for_articles(article_ids=[relinked.pk, plain.pk], owner="first")
    edited, replaced = Claim.objects.filter(article=relinked).order_by("start")[:2]
    Claim.objects.filter(pk=edited.pk).update(edited=True, text="corrected by an editor")
    other = make_claim()
    link = make_claim_link(from_claim=other, to_claim=replaced)
    Article.objects.filter(pk__in=[relinked.pk, plain.pk]).update(status=ArticleStatus.QUEUED)
    enqueued: list[dict[int, list[int]]] = []
    monkeypatch.setattr(
        "core.queue.send",
        lambda name, *, args=(), kwargs=None, **_: (
            name == "claims.match_articles"
            and enqueued.append({pk: kwargs["also_recompute"].get(str(pk), []) for pk in args[0]})
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = claims_extract_for_articles(article_ids=[relinked.pk, plain.pk], owner="again")
    assert outcomes == {relinked.pk: ExtractOutcome.DONE, plain.pk: ExtractOutcome.DONE}
    assert Claim.objects.get(pk=edited.pk).text == "corrected by an editor"
    assert not Claim.objects.filter(pk=replaced.pk).exists()
    assert not Claim.objects.filter(article=relinked, start=edited.start, edited=False).exists()
    # One matching task for the batch, each article with its own partners.
    assert enqueued == [{relinked.pk: [link.from_claim_id, link.to_claim_id], plain.pk: []}]


def _in_another_connection(work) -> tuple[threading.Thread, list[object]]:  # type: ignore[no-untyped-def]
    """Start `work` in a thread, so on a database connection of its own; its result lands in
    the list."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@pytest.mark.django_db(transaction=True)
def test_a_batch_commits_its_new_sources_before_it_waits_on_its_articles() -> None:
    # Regression: sources were created inside the batch's transaction, so a second worker
    # creating the same new source waited on its unique index until the whole batch committed.
    article = make_article(
        body="The Lowland Water Authority said on Monday that 40 pumps had failed.",
        status=ArticleStatus.QUEUED,
    )
    results = _leased([article], "b1")
    [name] = {ref.name for claim in results[article.pk].claims for ref in claim.sources}  # type: ignore[attr-defined]
    assert (
        "Lowland Water Authority" in name and not Source.objects.filter(name__iexact=name).exists()
    )
    with transaction.atomic():
        # Another transaction holds the article's row, so the batch's transaction waits on it.
        Article.objects.select_for_update().get(pk=article.pk)
        worker, outcome = _in_another_connection(
            lambda: claims_store_extractions(owner="b1", results=results)[article.pk]
        )
        wait_for(lambda: Source.objects.filter(name__iexact=name).exists(), timeout=15)
        assert worker.is_alive() and not outcome
    worker.join(30)
    assert outcome == [ExtractOutcome.DONE]


def _runs_while_held(held: Article, work) -> list[object]:  # type: ignore[no-untyped-def]
    """Run `work` on another connection while this one holds `held`'s row lock, as a worker
    storing a batch does; returns its result if it finished without waiting."""
    with transaction.atomic():
        Article.objects.select_for_update().get(pk=held.pk)
        thread, out = _in_another_connection(work)
        thread.join(10)
        finished = not thread.is_alive()
    thread.join(30)
    assert finished, "it waited for the row lock"
    return out


@pytest.mark.django_db(transaction=True)
def test_the_reconciler_skips_an_article_a_worker_holds_instead_of_waiting_for_it(settings) -> None:  # type: ignore[no-untyped-def]
    # Regression: its multi-row UPDATEs waited on a batch's row locks while holding others the
    # batch then waited on: PostgreSQL's deadlock detector failed one of them.
    from articles.services import articles_reconcile

    settings.RECONCILE_QUEUED_AFTER_SECONDS = 0
    held, free = queued(2)
    [report] = _runs_while_held(held, articles_reconcile)
    assert report.enqueued == 2  # type: ignore[attr-defined]
    assert Article.objects.get(pk=free.pk).enqueued_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_a_given_article_another_transaction_holds_instead_of_waiting_for_it() -> (
    None
):
    held, free = queued(2)
    [taken] = _runs_while_held(
        held,
        lambda: articles_claim_batch_for_extraction(article_ids=[held.pk, free.pk], owner="b1"),
    )
    assert [a.pk for a in taken] == [free.pk]  # type: ignore[attr-defined]
    assert Article.objects.get(pk=held.pk).status == ArticleStatus.QUEUED

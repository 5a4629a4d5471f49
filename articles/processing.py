"""The worker's side of an article: take its lease, run the extractor, store the result."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from articles.enqueue import extraction_batch_enqueue, extraction_batch_started
from articles.store import ExtractOutcome, claims_store_extraction, claims_store_extractions
from extraction import Extractor, load_extractor
from extraction.types import ExtractionResult
from sources.models import Article, ArticleStatus

logger = logging.getLogger(__name__)


class RetryableExtractionError(Exception):
    """Extraction failed but the article has attempts left; the task retries with backoff."""


@lru_cache(maxsize=1)
def get_extractor() -> Extractor:
    """The extractor of this process: the spaCy model loads once per worker process."""
    return load_extractor(settings.SPACY_MODEL)


def article_claim_for_extraction(*, article_id: int, owner: str) -> Article | None:
    """Take the processing lease on an article, or return None if someone else should run it.

    A conditional UPDATE is the lock: of two workers given the same article, exactly one sees a
    row updated. A lease that expired (its worker died) can be taken over. A live lease is never
    taken again, not even by the same task id: Redis redelivers an unacknowledged message with
    the same id after its visibility timeout, and that copy must not run beside the first.
    """
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.EXTRACTION_LEASE_SECONDS)
    updated = (
        Article.objects.filter(pk=article_id)
        .filter(
            Q(status=ArticleStatus.QUEUED)
            | Q(status=ArticleStatus.PROCESSING, lease_expires_at__lt=now)
        )
        .update(
            status=ArticleStatus.PROCESSING,
            attempts=F("attempts") + 1,
            lease_owner=owner,
            lease_expires_at=now + lease,
        )
    )
    if not updated:
        return None
    article: Article = Article.objects.select_related("outlet").get(pk=article_id)
    return article


def claims_extract_for_article(*, article_id: int, owner: str) -> ExtractOutcome:
    """Run the extractor over one article and store its claims, exactly once.

    Raises RetryableExtractionError when the extractor failed and attempts are left.
    """
    article = article_claim_for_extraction(article_id=article_id, owner=owner)
    if article is None:
        return ExtractOutcome.SKIPPED
    published = article.published_at.date() if article.published_at else None
    try:
        result = get_extractor().extract(
            article.body,
            published=published,
            outlet=article.outlet.name if article.outlet else None,
        )
    except Exception as exc:
        return _article_record_failure(article=article, owner=owner, exc=exc)
    try:
        return claims_store_extraction(article_id=article.pk, owner=owner, result=result)
    except (OperationalError, InterfaceError):
        # The database failed mid-write and the transaction rolled back. Hand the article back
        # so the task's retry can take it; if the database is still down, the lease expires and
        # the reconciler re-enqueues it.
        _articles_release(article_ids=[article.pk], owner=owner)
        raise


def _articles_release(*, article_ids: list[int], owner: str) -> None:
    """Put articles whose lease we hold back to `queued` (best effort: the database may be down)."""
    try:
        Article.objects.filter(
            pk__in=article_ids, status=ArticleStatus.PROCESSING, lease_owner=owner
        ).update(status=ArticleStatus.QUEUED, lease_owner="", lease_expires_at=None)
    except DatabaseError:
        logger.warning("Could not release articles %s; their leases will expire.", article_ids)


def articles_claim_batch_for_extraction(
    *, article_ids: list[int], owner: str, fill_to: int = 0, max_chars: int = 0
) -> list[Article]:
    """Take the lease on these articles, as `article_claim_for_extraction` does one, and on
    the oldest other queued articles up to `fill_to` in all (and `max_chars` of text), so one
    task runs several short articles through `nlp.pipe` at once. Returns what we now hold.

    Queued articles are picked with FOR UPDATE SKIP LOCKED, so two workers filling their
    batches at the same moment take different articles instead of waiting on each other; the
    conditional UPDATE is still what decides who holds an article.
    """
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.EXTRACTION_LEASE_SECONDS)
    # As for one article: a live lease is never taken again, whoever asks (see above).
    claimable = Q(status=ArticleStatus.QUEUED) | Q(
        status=ArticleStatus.PROCESSING, lease_expires_at__lt=now
    )
    with transaction.atomic():
        # The given articles are locked first, skipping any that another transaction holds
        # (another batch's fill, the reconciler), so the UPDATE below waits on no row and cannot
        # deadlock with them; a skipped article stays queued for the next batch.
        ids = articles_lock_skipping_held(Article.objects.filter(pk__in=article_ids))
        room = fill_to - len(ids)
        if room > 0:
            chars = sum(
                Article.objects.filter(pk__in=ids)
                .annotate(size=Length("body"))
                .values_list("size", flat=True)
            )
            for pk, size in (
                Article.objects.filter(status=ArticleStatus.QUEUED)
                .exclude(pk__in=ids)
                .order_by("submitted_at", "id")
                .select_for_update(skip_locked=True)
                .annotate(size=Length("body"))
                .values_list("pk", "size")[:room]
            ):
                if max_chars and ids and chars + size > max_chars:  # a batch takes at least one
                    break
                ids.append(pk)
                chars += size
        Article.objects.filter(pk__in=ids).filter(claimable).update(
            status=ArticleStatus.PROCESSING,
            attempts=F("attempts") + 1,
            lease_owner=owner,
            lease_expires_at=now + lease,
        )
    # The owner is this task's id, so what carries it now is exactly what the UPDATE took.
    return list(
        Article.objects.select_related("outlet")
        .filter(pk__in=ids, status=ArticleStatus.PROCESSING, lease_owner=owner)
        .order_by("submitted_at", "id")
    )


def articles_lock_skipping_held(articles: QuerySet[Article]) -> list[int]:
    """Row-lock these articles in id order, skipping those another transaction holds; returns
    the ids locked. Run inside a transaction.

    Every statement that changes several articles at once (a batch taking its leases, the
    reconciler) locks them this way first. Two of them locking rows each in its own order
    deadlocked (PostgreSQL then fails one: the broker-outage fault test, once batches were the
    default); a statement that never waits for a row cannot be part of a cycle.
    """
    return list(
        articles.order_by("pk").select_for_update(skip_locked=True).values_list("pk", flat=True)
    )


def claims_extract_for_articles(
    *, article_ids: list[int], owner: str, fill_to: int = 0, max_chars: int = 0
) -> dict[int, ExtractOutcome]:
    """`claims_extract_for_article` for several articles: one `nlp.pipe` pass over all of them
    (batching is most of spaCy's speed on short texts), then each stored in its own transaction.

    Returns an outcome for each given id and each article the batch was filled with.
    If the batch fails, each article is extracted alone so one bad article fails alone. Raises
    RetryableExtractionError at the end if some article failed with attempts left (the others
    are stored; a retry of the task skips them).
    """
    if fill_to:
        # From here on, an article committed after our fill needs a task of its own.
        extraction_batch_started()
    articles = articles_claim_batch_for_extraction(
        article_ids=article_ids, owner=owner, fill_to=fill_to, max_chars=max_chars
    )
    if fill_to and len(articles) >= fill_to:
        # A full batch: more may be queued. Hand them to the next task now, so another worker
        # runs them while this one works.
        extraction_batch_enqueue(article_ids=[])
    outcomes = dict.fromkeys(article_ids, ExtractOutcome.SKIPPED)

    def item(a: Article) -> tuple[str, dt.date | None, str | None]:
        return (
            a.body,
            a.published_at.date() if a.published_at else None,
            a.outlet.name if a.outlet else None,
        )

    try:
        results: list[ExtractionResult | None] = list(
            get_extractor().extract_many([item(a) for a in articles])
        )
    except Exception:
        logger.warning(
            "Batch extraction of %s articles failed; extracting them one by one.",
            len(articles),
            exc_info=True,
        )
        results = [None] * len(articles)
    retry: list[str] = []
    extracted: dict[int, ExtractionResult] = {}
    for article, result in zip(articles, results, strict=True):
        if result is None:
            try:
                result = get_extractor().extract(*item(article))
            except Exception as exc:
                try:
                    outcomes[article.pk] = _article_record_failure(
                        article=article, owner=owner, exc=exc
                    )
                except RetryableExtractionError as again:
                    outcomes[article.pk] = ExtractOutcome.SKIPPED
                    retry.append(f"article {article.pk}: {again}")
                continue
        extracted[article.pk] = result
    try:
        outcomes.update(claims_store_extractions(owner=owner, results=extracted))
    except (OperationalError, InterfaceError):
        # The whole batch rolled back: hand the articles back (queued) so the task's retry
        # takes them.
        _articles_release(article_ids=list(extracted), owner=owner)
        raise
    if retry:
        raise RetryableExtractionError("; ".join(retry))
    return outcomes


def _article_record_failure(*, article: Article, owner: str, exc: Exception) -> ExtractOutcome:
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    final = article.attempts >= settings.EXTRACTION_MAX_ATTEMPTS
    Article.objects.filter(pk=article.pk, lease_owner=owner).update(
        status=ArticleStatus.FAILED if final else ArticleStatus.QUEUED,
        error=error,
        lease_owner="",
        lease_expires_at=None,
    )
    logger.warning(
        "Extraction of article %s failed (attempt %s): %s", article.pk, article.attempts, error
    )
    if final:
        return ExtractOutcome.FAILED
    raise RetryableExtractionError(error) from exc

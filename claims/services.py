"""Writes for claims: extraction of an article into claims, and the reconciler."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Model, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from claims.credibility import credibility_compute, weakest_link
from claims.extraction import Extractor, load_extractor
from claims.extraction.types import ClaimResult, ExtractionResult
from claims.models import NO_DATE, Attribution, Claim, ClaimDate, ClaimLink, ClaimSource, Figure
from provenance.errors import ApplicationError
from sources.models import Article, ArticleStatus, Reliability, Source
from sources.services import SourceSpec, sources_resolve

logger = logging.getLogger(__name__)


class RetryableExtractionError(Exception):
    """Extraction failed but the article has attempts left; the task retries with backoff."""


class ExtractOutcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"  # not queued, or another worker holds a live lease
    LOST_LEASE = "lost_lease"  # our lease expired and another worker took the article over
    FAILED = "failed"


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
    return Article.objects.select_related("outlet").get(pk=article_id)


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
        ids = _articles_lock_skipping_held(Article.objects.filter(pk__in=article_ids))
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


def _articles_lock_skipping_held(articles: QuerySet[Article]) -> list[int]:
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
    from claims.dispatch import enqueue_extraction_batch, extraction_batch_started

    if fill_to:
        # From here on, an article committed after our fill needs a task of its own.
        extraction_batch_started()
    articles = articles_claim_batch_for_extraction(
        article_ids=article_ids, owner=owner, fill_to=fill_to, max_chars=max_chars
    )
    if fill_to and len(articles) >= fill_to:
        # A full batch: more may be queued. Hand them to the next task now, so another worker
        # runs them while this one works.
        enqueue_extraction_batch(article_ids=[])
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


def claims_store_extraction(
    *, article_id: int, owner: str, result: ExtractionResult
) -> ExtractOutcome:
    """Replace the article's claims with `result` in one transaction, if we still hold the lease."""
    return claims_store_extractions(owner=owner, results={article_id: result})[article_id]


def claims_store_extractions(
    *, owner: str, results: dict[int, ExtractionResult]
) -> dict[int, ExtractOutcome]:
    """Replace each article's claims with its result, in one transaction for all of them and
    with one query per table, for the articles whose lease we still hold (the others:
    LOST_LEASE). Storing cost as much as extracting when it took 13 queries per article."""
    if not results:
        return {}
    # Sources first, committed at once (each statement its own transaction): created inside the
    # batch's transaction, a new source stayed uncommitted until the whole batch was stored, and
    # another worker creating the same source waited on its unique index all that time. A
    # source created for a batch that then rolls back is still a right source for its name.
    sources = sources_resolve(
        specs=[
            SourceSpec(name=ref.name, kind=str(ref.kind), country=ref.country or "")
            for result in results.values()
            for claim in result.claims
            for ref in claim.sources
        ]
    )
    outcomes = dict.fromkeys(results, ExtractOutcome.LOST_LEASE)
    with transaction.atomic():
        # Row locks, in id order: a worker whose lease expired mid-extraction cannot write over
        # the worker that took the article over, and re-extraction replaces old claims atomically.
        articles = list(
            Article.objects.select_for_update(of=("self",))
            .select_related("outlet")
            .filter(pk__in=list(results), status=ArticleStatus.PROCESSING, lease_owner=owner)
            .order_by("pk")
        )
        if not articles:
            return outcomes
        # Editors' corrections survive re-extraction: claims an editor touched stay as they are,
        # and a newly extracted claim that overlaps one of them is dropped in its favour.
        kept: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for article_id, start, end in Claim.objects.filter(
            article__in=articles, edited=True
        ).values_list("article_id", "start", "end"):
            kept[article_id].append((start, end))
        # The claims linked to the ones about to be replaced lose those links with them; their
        # origin counts are recomputed by the matching that runs after this commit.
        # Their ids first: on a first extraction there are none, and the links' query (an OR of
        # two subqueries, planned as a scan of the claims, ~2 ms a batch) and the delete are skipped.
        replaced = list(
            Claim.objects.filter(article__in=articles, edited=False).values_list("id", flat=True)
        )
        partners: dict[int, list[int]] = defaultdict(list)
        if replaced:
            for (
                from_id,
                to_id,
                from_article,
                from_edited,
                to_article,
                to_edited,
            ) in ClaimLink.objects.filter(
                Q(from_claim__in=replaced) | Q(to_claim__in=replaced)
            ).values_list(
                "from_claim_id",
                "to_claim_id",
                "from_claim__article_id",
                "from_claim__edited",
                "to_claim__article_id",
                "to_claim__edited",
            ):
                for article_id, edited in ((from_article, from_edited), (to_article, to_edited)):
                    if article_id in results and not edited:
                        partners[article_id] += [from_id, to_id]
            Claim.objects.filter(pk__in=replaced, edited=False).delete()
        rows = [
            (article, extracted)
            for article in articles
            for extracted in results[article.pk].claims
            if not any(
                extracted.start < end and start < extracted.end for start, end in kept[article.pk]
            )
        ]
        claim_rows = [
            _claim_row(
                article=article,
                extracted=extracted,
                sources=sources,
                version=results[article.pk].version,
            )
            for article, extracted in rows
        ]
        claim_ids = _rows_insert(Claim, claim_rows)
        stored = list(zip(claim_ids, (extracted for _, extracted in rows), strict=True))
        _rows_insert(
            Attribution,
            [
                {
                    "claim_id": claim_id,
                    "source_id": sources[ref.name.casefold()].pk,
                    "position": position,
                    "mention": ref.mention[:300],
                    "cue": ref.cue[:200],
                    "start": ref.start,
                    "end": ref.end,
                    "inherited": ref.inherited,
                }
                for claim_id, extracted in stored
                for position, ref in enumerate(extracted.sources)
            ],
        )
        _rows_insert(
            Figure,
            [
                {
                    "claim_id": claim_id,
                    "value": q.value,
                    "low": q.low,
                    "high": q.high,
                    "unit": q.unit[:200],
                    "text": q.text[:200],
                    "approximate": q.approximate,
                    "qualifier": (q.qualifier or "")[:50],
                    "start": q.start,
                    "end": q.end,
                }
                for claim_id, extracted in stored
                for q in extracted.quantities
            ],
        )
        _rows_insert(
            ClaimDate,
            [
                {
                    "claim_id": claim_id,
                    "text": d.text[:100],
                    "value": d.value,
                    "start": d.start,
                    "end": d.end,
                }
                for claim_id, extracted in stored
                for d in extracted.dates
            ],
        )
        # Their ClaimSource rows, as `claims.links.claims_refresh_sources` derives them (a test
        # holds the two equal), written from what is at hand: that statement's joins, grouping
        # and upsert cost the database ~0.35 ms per article.
        _rows_insert(
            ClaimSource,
            [
                {
                    "claim_id": claim_id,
                    "source_id": source_id,
                    "published_sort": row["published_sort"],
                    "origin": origin,
                    "relay": relay,
                }
                for claim_id, row, (article, extracted) in zip(
                    claim_ids, claim_rows, rows, strict=True
                )
                for source_id, (origin, relay) in _claim_source_flags(
                    article, extracted, sources
                ).items()
            ],
        )
        by_version: dict[str, list[int]] = defaultdict(list)
        for article in articles:
            by_version[results[article.pk].version].append(article.pk)
        for version, ids in by_version.items():
            Article.objects.filter(pk__in=ids).update(
                status=ArticleStatus.DONE,
                processed_at=timezone.now(),
                extractor_version=version,
                error="",
                lease_owner="",
                lease_expires_at=None,
            )
        # Matching reads the committed claims of other articles, so it runs as its own task once
        # this transaction is visible; a lost enqueue only delays links (re-extraction redoes it).
        from claims.dispatch import enqueue_matching

        stored_ids = [article.pk for article in articles]
        outcomes.update(dict.fromkeys(stored_ids, ExtractOutcome.DONE))
        # One task for the whole batch: a message per article cost more CPU than storing it.
        transaction.on_commit(
            lambda: enqueue_matching(articles={pk: partners[pk] for pk in stored_ids})
        )
    return outcomes


def _claim_source_flags(
    article: Article, extracted: ClaimResult, sources: dict[str, Source]
) -> dict[int, tuple[bool, bool]]:
    """{source id: (origin, relay)} of a claim: each source of its chain (the origin at position
    0, relays after it) and its article's outlet (a relay), once each."""
    flags: dict[int, tuple[bool, bool]] = {}
    for position, ref in enumerate(extracted.sources):
        source_id = sources[ref.name.casefold()].pk
        origin, relay = flags.get(source_id, (False, False))
        flags[source_id] = (origin or position == 0, relay or position > 0)
    if article.outlet_id is not None:
        flags[article.outlet_id] = (flags.get(article.outlet_id, (False, False))[0], True)
    return flags


def _claim_row(
    *, article: Article, extracted: ClaimResult, sources: dict[str, Source], version: str
) -> dict[str, Any]:
    chain = [sources[ref.name.casefold()].reliability for ref in extracted.sources]
    if article.outlet is not None:
        chain.append(article.outlet.reliability)
    grade, reason = credibility_compute(chain_reliabilities=chain, hedged=extracted.hedged)
    weakest = weakest_link(chain + ([] if article.outlet is not None else [Reliability.F]))
    sentence_start = article.body.find(
        extracted.sentence, max(0, extracted.start - len(extracted.sentence))
    )
    if sentence_start < 0 or sentence_start > extracted.start:
        sentence_start = extracted.start
    return {
        "article_id": article.pk,
        "text": extracted.text,
        "start": extracted.start,
        "end": extracted.end,
        "sentence_index": extracted.sentence_index,
        "sentence_start": sentence_start,
        "sentence_end": max(sentence_start + len(extracted.sentence), extracted.end),
        "kind": str(extracted.kind),
        "cue": extracted.cue[:200],
        "hedged": extracted.hedged,
        "hedge_cues": [cue[:100] for cue in extracted.hedge_cues],
        "credibility": int(grade),
        "credibility_reason": reason[:300],
        "extractor_version": version,
        "published_on": article.published_at.astimezone(dt.UTC).date()
        if article.published_at
        else None,
        "published_sort": article.published_at or NO_DATE,
        "weakest_reliability": str(weakest),
    }


def _rows_insert(model: type[Model], rows: list[dict[str, Any]]) -> list[int]:
    """INSERT these rows (attribute name -> value, the same names in every row) in one statement;
    returns their ids in row order. A field the rows leave out gets its model default.

    The extraction's store used `bulk_create`, which compiles every value of every row through
    Django's field machinery: about 1 ms of a worker's CPU per article (~9 claims with their
    attributions, figures and dates), a third of the whole store (bench/README.md). The values
    here are plain Python values (str, int, float, bool, None, date, aware datetime, list of
    str) that psycopg2 adapts itself, row by row in C.
    """
    if not rows:
        return []
    meta = model._meta
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for field in meta.concrete_fields:
        if field.primary_key or field.generated or field.attname in rows[0]:
            continue
        value = timezone.now() if getattr(field, "auto_now_add", False) else field.get_default()
        defaults[field.column] = field.get_db_prep_save(value, connection)
    columns = [meta.get_field(name).column for name in given] + list(defaults)
    fixed = list(defaults.values())
    quote = connection.ops.quote_name
    template = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        values = b", ".join(
            cursor.mogrify(template, [*(row[name] for name in given), *fixed]) for row in rows
        )
        # Our table and column names; the values were quoted by mogrify, no parameters are left.
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES {values.decode()} RETURNING {quote(meta.pk.column)}"
        )
        return [pk for (pk,) in cursor.fetchall()]


def claims_recompute_credibility(*, claim_ids: list[int]) -> int:
    """Recompute the computed credibility of these claims (after an editor changed a chain, a
    rating or a verification status), with the independent origins of the claims they are
    linked to: a changed chain can change another claim's count too."""
    from claims.links import claims_recompute_origins

    updated = 0
    for i in range(0, len(claim_ids), 2000):
        updated += claims_recompute_origins(claim_ids=claim_ids[i : i + 2000])
    return updated


@dataclass(frozen=True)
class ReconcileReport:
    requeued: int
    enqueued: int


def articles_reconcile(*, now: dt.datetime | None = None) -> ReconcileReport:
    """Re-enqueue articles that no worker is working on: queued too long, or a lease expired.

    The database is the truth about what is left to do; Redis only wakes workers up, so a task
    lost with a broker outage or a killed worker is found here.
    """
    from claims.dispatch import enqueue_extraction

    now = now or timezone.now()
    stale_queued = now - dt.timedelta(seconds=settings.RECONCILE_QUEUED_AFTER_SECONDS)
    # Rows a worker holds right now are that worker's business: the reconciler skips them
    # instead of waiting (see _articles_lock_skipping_held), and finds them on its next run.
    with transaction.atomic():
        requeued = Article.objects.filter(
            pk__in=_articles_lock_skipping_held(
                Article.objects.filter(status=ArticleStatus.PROCESSING, lease_expires_at__lt=now)
            )
        ).update(status=ArticleStatus.QUEUED, lease_owner="", lease_expires_at=None)
    ids = list(
        Article.objects.filter(status=ArticleStatus.QUEUED)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale_queued))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:1000]
    )
    enqueued = [article_id for article_id in ids if enqueue_extraction(article_id=article_id)]
    with transaction.atomic():
        Article.objects.filter(
            pk__in=_articles_lock_skipping_held(Article.objects.filter(pk__in=enqueued))
        ).update(enqueued_at=now)
    return ReconcileReport(requeued=requeued, enqueued=len(enqueued))


def article_reextract(*, article_id: int) -> Article:
    """Queue a stored article for extraction again (after a failure or a new extractor)."""
    with transaction.atomic():
        updated = (
            Article.objects.filter(pk=article_id)
            .exclude(status=ArticleStatus.PROCESSING)
            .update(status=ArticleStatus.QUEUED, attempts=0, error="", enqueued_at=timezone.now())
        )
        if not updated:
            if not Article.objects.filter(pk=article_id).exists():
                raise ApplicationError(
                    f"There is no article {article_id}.", code="not_found", status_code=404
                )
            raise ApplicationError(
                "The article is being processed right now; try again when it is done.",
                code="conflict",
                status_code=409,
            )
        from claims.dispatch import enqueue_extraction

        transaction.on_commit(lambda: enqueue_extraction(article_id=article_id))
    return Article.objects.get(pk=article_id)

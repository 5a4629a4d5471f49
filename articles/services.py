"""An article's lifecycle from its doors: submission (one, a batch, a file), re-extraction and the
reconciler. Each hands extraction to the workers through articles.enqueue after commit."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import (
    IntegrityError,
    connection,
    transaction,
)
from django.db.models import Q
from django.utils import timezone

from articles.enqueue import extraction_enqueue
from articles.processing import articles_lock_skipping_held
from core.errors import ApplicationError
from extraction.types import SourceKind
from sources.models import Article, ArticleStatus, Source
from sources.services import SourceSpec, sources_by_key, sources_resolve
from sources.text import clean_text, content_hash, decode_upload, html_to_text, looks_like_html

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ReconcileReport:
    requeued: int
    enqueued: int


def articles_reconcile(*, now: dt.datetime | None = None) -> ReconcileReport:
    """Re-enqueue articles that no worker is working on: queued too long, or a lease expired.

    The database is the truth about what is left to do; Redis only wakes workers up, so a task
    lost with a broker outage or a killed worker is found here.
    """
    now = now or timezone.now()
    stale_queued = now - dt.timedelta(seconds=settings.RECONCILE_QUEUED_AFTER_SECONDS)
    # Rows a worker holds right now are that worker's business: the reconciler skips them
    # instead of waiting (see articles_lock_skipping_held), and finds them on its next run.
    with transaction.atomic():
        requeued = Article.objects.filter(
            pk__in=articles_lock_skipping_held(
                Article.objects.filter(status=ArticleStatus.PROCESSING, lease_expires_at__lt=now)
            )
        ).update(status=ArticleStatus.QUEUED, lease_owner="", lease_expires_at=None)
    ids = list(
        Article.objects.filter(status=ArticleStatus.QUEUED)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale_queued))
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:1000]
    )
    enqueued = [pk for pk in ids if extraction_enqueue(article_ids=[pk])]
    with transaction.atomic():
        Article.objects.filter(
            pk__in=articles_lock_skipping_held(Article.objects.filter(pk__in=enqueued))
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
        transaction.on_commit(lambda: extraction_enqueue(article_ids=[article_id]))
    article: Article = Article.objects.get(pk=article_id)
    return article


@dataclass(frozen=True)
class SubmitResult:
    article: Article
    created: bool


def _published_at(value: dt.datetime | dt.date | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    return dt.datetime.combine(value, dt.time(12, 0), tzinfo=dt.UTC)


@dataclass(frozen=True)
class ArticleInput:
    """One article to submit, as a client sends it (validated by `article_submit*`)."""

    body: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published_at: dt.datetime | dt.date | None = None
    language: str = "en"


@dataclass(frozen=True)
class _Prepared:
    text: str
    title: str
    outlet: str
    url: str
    published_at: dt.datetime | None
    language: str
    digest: str


def _article_prepare(item: ArticleInput) -> _Prepared:
    """Clean and check one submission; ApplicationError if it cannot be an article."""
    body, title = item.body, item.title
    if looks_like_html(body):
        html_title, body = html_to_text(body)
        title = title or html_title
    text = clean_text(body, max_bytes=settings.ARTICLE_MAX_BYTES)
    title = " ".join(title.split())
    if len(title) > 500:
        raise ApplicationError("The title is longer than 500 characters.", field="title")
    outlet = " ".join(item.outlet.split())
    if len(outlet) > 300:
        raise ApplicationError("The outlet name is longer than 300 characters.", field="outlet")
    url = item.url.strip()
    if url:
        try:
            _url_validator(url)
        except ValidationError:
            raise ApplicationError(f"{url[:200]!r} is not an http(s) URL.", field="url") from None
    return _Prepared(
        text=text,
        title=title,
        outlet=outlet,
        url=url,
        published_at=_published_at(item.published_at),
        language=item.language[:16],
        digest=content_hash(text),
    )


def article_submit(
    *,
    body: str,
    title: str = "",
    outlet: str = "",
    url: str = "",
    published_at: dt.datetime | dt.date | None = None,
    language: str = "en",
) -> SubmitResult:
    """Store an article as `queued` and enqueue its extraction after commit.

    The same text submitted again returns the stored article (created=False) instead of a copy.
    Bad input raises ApplicationError and stores nothing.
    """
    item = _article_prepare(
        ArticleInput(
            body=body,
            title=title,
            outlet=outlet,
            url=url,
            published_at=published_at,
            language=language,
        )
    )
    key = item.outlet.casefold()
    outlet_source = sources_by_key([key]).get(key) if item.outlet else None
    new_outlet = bool(item.outlet) and outlet_source is None
    # A new text is the common case: INSERT it and let the unique index on content_hash catch a
    # copy, rather than look for one first (a query on every submission, for the rare copy).
    # Alone, the INSERT commits on its own: a transaction around one statement cost a round trip
    # and ~0.4 ms of CPU per submission (bench/README.md). A new outlet is created with its
    # article or not at all (a copy rolls back both), and inside a caller's transaction a
    # savepoint keeps that transaction usable after a copy.
    try:
        with transaction.atomic() if new_outlet or connection.in_atomic_block else nullcontext():
            if new_outlet:
                outlet_source = sources_resolve(
                    specs=[SourceSpec(name=item.outlet, kind=SourceKind.OUTLET.value)]
                )[key]
            article = _article_new(item, outlet_source)
            article.save(force_insert=True)
            _enqueue_on_commit([article.pk])
    except IntegrityError:
        # The same text was stored before, or a concurrent submission of it won the race.
        existing = Article.objects.select_related("outlet").filter(content_hash=item.digest).first()
        if existing is None:
            raise
        return SubmitResult(article=existing, created=False)
    return SubmitResult(article=article, created=True)


def _article_new(item: _Prepared, outlet: Source | None) -> Article:
    return Article(
        outlet=outlet,
        url=item.url,
        title=item.title[:500],
        body=item.text,
        published_at=item.published_at,
        language=item.language,
        content_hash=item.digest,
        enqueued_at=timezone.now(),
    )


def articles_submit(*, items: list[ArticleInput]) -> list[SubmitResult | ApplicationError]:
    """Submit many articles at once: a result per item, in order.

    Each item is checked on its own: one that cannot be an article gets its ApplicationError
    and the others are stored all the same. The rest takes a constant number of queries
    whatever the number of items (outlets found, new outlets created, copies looked up, one
    INSERT) and one extraction enqueue after commit, which is what makes a wire's batch cheap
    next to one request per article. A text stored before, or twice in the batch, answers the
    stored article (created=False), as `article_submit` does.
    """
    results: list[SubmitResult | ApplicationError | None] = []
    prepared: dict[int, _Prepared] = {}
    for i, raw in enumerate(items):
        try:
            prepared[i] = _article_prepare(raw)
            results.append(None)
        except ApplicationError as exc:
            results.append(exc)
    if not prepared:
        return [r for r in results if r is not None]
    for attempt in range(3):
        try:
            with transaction.atomic():
                stored = _articles_store(list(prepared.values()))
            break
        except IntegrityError:
            # A concurrent submission stored one of these texts (or an outlet) between our read
            # and our INSERT: everything rolled back, and the next round finds it.
            if attempt == 2:
                raise
    answered: set[str] = set()
    for i, item in prepared.items():
        # Two items of the same text: the first is the one created.
        result = stored[item.digest]
        results[i] = (
            result
            if item.digest not in answered
            else SubmitResult(article=result.article, created=False)
        )
        answered.add(item.digest)
    return [r for r in results if r is not None]


def _articles_store(items: list[_Prepared]) -> dict[str, SubmitResult]:
    """Store the texts not stored yet; {digest: result} for every item (in a transaction)."""
    digests = {item.digest for item in items}
    stored = {
        article.content_hash: SubmitResult(article=article, created=False)
        for article in Article.objects.for_list().filter(content_hash__in=digests)  # no bodies
    }
    new: dict[str, _Prepared] = {}
    for item in items:
        if item.digest not in stored:
            new.setdefault(item.digest, item)
    if not new:
        return stored
    names: dict[str, str] = {}
    for item in new.values():
        if item.outlet:
            names.setdefault(item.outlet.casefold(), item.outlet)  # the first spelling names it
    outlets = sources_resolve(
        specs=[SourceSpec(name=name, kind=SourceKind.OUTLET.value) for name in names.values()]
    )
    # In digest order whoever inserts them: two batches sharing texts in other orders would
    # each wait on a row the other inserted first (a deadlock), as sources_resolve sorts names.
    articles = Article.objects.bulk_create(
        [
            _article_new(item, outlets[item.outlet.casefold()] if item.outlet else None)
            for _, item in sorted(new.items())
        ]
    )
    _enqueue_on_commit([article.pk for article in articles])
    stored.update(
        {article.content_hash: SubmitResult(article=article, created=True) for article in articles}
    )
    return stored


class ArticleMeta(TypedDict, total=False):
    """`article_submit`'s keywords besides the body, as a file submission passes them on."""

    title: str
    outlet: str
    url: str
    published_at: dt.datetime | dt.date | None
    language: str


def article_submit_file(
    *, data: bytes, filename: str = "", **meta: Unpack[ArticleMeta]
) -> SubmitResult:
    """Submit an uploaded .txt or .html file."""
    name = filename.lower()
    if name and not name.endswith((".txt", ".text", ".html", ".htm", ".md")):
        raise ApplicationError(
            f"{filename!r} is not a text or HTML file; upload .txt or .html.",
            code="unsupported_type",
            field="file",
            status_code=415,
        )
    text = decode_upload(data, max_bytes=settings.ARTICLE_MAX_BYTES)
    return article_submit(body=text, **meta)


def _enqueue_on_commit(article_ids: list[int]) -> None:
    transaction.on_commit(lambda: extraction_enqueue(article_ids=article_ids))

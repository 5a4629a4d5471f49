"""Writes for sources and articles. Keyword-only, typed; named <entity>_<action>."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from claims.extraction.types import SourceKind
from provenance.errors import ApplicationError
from sources.models import Article, Reliability, Source, SourceAlias
from sources.text import clean_text, content_hash, decode_upload, html_to_text, looks_like_html

logger = logging.getLogger(__name__)

# Admiralty reliability a source gets before an editor rates it, by kind. Unnamed and
# second-hand sources "cannot be judged" (F) until someone knows who they are.
DEFAULT_RELIABILITY: dict[str, str] = {
    SourceKind.NEWS_AGENCY: Reliability.B,
    SourceKind.OUTLET: Reliability.C,
    SourceKind.STATE_MEDIA: Reliability.D,
    SourceKind.GOVERNMENT: Reliability.C,
    SourceKind.INTELLIGENCE: Reliability.C,
    SourceKind.MILITARY: Reliability.C,
    SourceKind.OFFICIAL: Reliability.C,
    SourceKind.PERSON: Reliability.F,
    SourceKind.INTERNATIONAL_ORG: Reliability.B,
    SourceKind.NGO: Reliability.C,
    SourceKind.EXPERT: Reliability.C,
    SourceKind.ARMED_GROUP: Reliability.E,
    SourceKind.UNNAMED: Reliability.F,
    SourceKind.MEDIA_REPORTS: Reliability.F,
    SourceKind.UNCONFIRMED_REPORTS: Reliability.F,
    SourceKind.OTHER: Reliability.F,
}


@dataclass(frozen=True)
class SourceSpec:
    name: str
    kind: str = SourceKind.OTHER.value
    country: str = ""


@dataclass(frozen=True)
class RegistryRow:
    name: str
    kind: str
    country: str
    aliases: tuple[str, ...]
    reliability: str
    reason: str
    parent: str | None


@lru_cache(maxsize=1)
def _registry() -> dict[str, RegistryRow]:
    """The shipped source registry, keyed by lower-cased name and alias."""
    from claims.extraction.registry import load_registry

    index: dict[str, RegistryRow] = {}
    for entry in load_registry():
        row = RegistryRow(
            name=entry.name,
            kind=str(entry.kind),
            country=entry.country or "",
            aliases=tuple(entry.aliases),
            reliability=entry.reliability,
            reason=entry.reason,
            parent=entry.parent,
        )
        for key in (entry.name, *entry.aliases):
            index.setdefault(key.casefold(), row)
    return index


def _registry_row(name: str) -> RegistryRow | None:
    return _registry().get(name.casefold())


def sources_resolve(*, specs: Iterable[SourceSpec]) -> dict[str, Source]:
    """Find or create the sources for these specs; returns {spec name casefolded: Source}.

    Lookup is by name or alias, case-insensitively; a name the registry knows is created with
    the registry's kind, country, reliability and aliases. Runs in bulk: a constant number of
    queries whatever the number of specs, because the worker resolves every source of an
    article at once.
    """
    wanted = {spec.name.casefold(): spec for spec in specs if spec.name.strip()}
    if not wanted:
        return {}
    found = _sources_by_key(wanted.keys())
    missing = [key for key in wanted if key not in found]
    if missing:
        # Registry entries are created under their canonical name with their aliases.
        rows = {key: _registry_row(key) for key in missing}
        new_sources: list[Source] = []
        for key in missing:
            row = rows[key]
            if row is not None:
                new_sources.append(
                    Source(
                        name=row.name,
                        kind=row.kind,
                        country=row.country,
                        reliability=row.reliability,
                        reliability_reason=row.reason,
                        in_registry=True,
                    )
                )
            else:
                spec = wanted[key]
                new_sources.append(
                    Source(
                        name=spec.name.strip()[:300],
                        kind=spec.kind,
                        country=spec.country[:8],
                        reliability=DEFAULT_RELIABILITY.get(spec.kind, Reliability.F),
                        reliability_reason=f"Default for a source of kind '{spec.kind}'; not yet rated.",
                    )
                )
        # Another worker may create the same source at the same moment; the case-insensitive
        # unique constraint makes that a no-op here and the re-read below finds its row. Rows go
        # in name order whoever inserts them: two workers inserting A, B and B, A would each wait
        # on the row the other inserted first, a deadlock PostgreSQL breaks by failing one.
        written = dict(zip(missing, new_sources, strict=True))
        new_sources.sort(key=lambda source: source.name.casefold())
        Source.objects.bulk_create(new_sources, ignore_conflicts=True)
        registry_rows = [row for row in rows.values() if row is not None]
        if registry_rows:
            _registry_aliases_create(registry_rows)
        found.update(_sources_by_key(missing))
        # The lookups compare casefold() keys with the database's lower(), which differ for a
        # few letters (µ, ß, ﬁ, final sigma...): such a name is found as its row was written,
        # by the lower() its case-insensitive unique index compares.
        unfound = {written[key].name.lower(): key for key in missing if key not in found}
        if unfound:
            for source in Source.objects.annotate(key=Lower("name")).filter(key__in=list(unfound)):
                if (key := unfound.get(source.name.lower())) is not None:
                    found.setdefault(key, source)
    return found


def _sources_by_key(keys: Iterable[str]) -> dict[str, Source]:
    keys = list(keys)
    result: dict[str, Source] = {}
    # Names and aliases in one statement, names first (a name wins over another source's alias),
    # each side answered by its case-insensitive unique index. The ORM's two querysets cost
    # every submission ~0.5 ms of CPU in query compilation and a second round trip whenever a
    # name was missing (bench/README.md, ingestion).
    fields = Source._meta.concrete_fields
    columns = ", ".join(f"s.{connection.ops.quote_name(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.key, {columns} FROM ("  # noqa: S608  (our column names; keys are parameters)
            "  SELECT lower(name) AS key, id, 0 AS rank FROM sources_source WHERE lower(name) = ANY(%s)"
            "  UNION ALL"
            "  SELECT lower(alias), source_id, 1 FROM sources_sourcealias WHERE lower(alias) = ANY(%s)"
            ") AS m JOIN sources_source AS s ON s.id = m.id ORDER BY m.rank",
            [keys, keys],
        )
        rows = cursor.fetchall()
    attnames = [f.attname for f in fields]
    for key, *values in rows:
        if key not in result:
            result[key] = Source.from_db(connection.alias, attnames, values)
    # Names that resolved through the registry to a canonical row already in the database.
    rest = [k for k in keys if k not in result]
    canonical = {k: row.name.casefold() for k in rest if (row := _registry_row(k)) is not None}
    if canonical:
        for source in Source.objects.annotate(key=Lower("name")).filter(
            key__in=set(canonical.values())
        ):
            for key, name in canonical.items():
                if name == source.name.casefold():
                    result[key] = source
    return result


def _registry_aliases_create(rows: list[RegistryRow]) -> None:
    by_name = {
        s.name.casefold(): s
        for s in Source.objects.annotate(key=Lower("name")).filter(
            key__in=[row.name.casefold() for row in rows]
        )
    }
    aliases = sorted(
        (
            SourceAlias(source=by_name[row.name.casefold()], alias=alias)
            for row in rows
            if row.name.casefold() in by_name
            for alias in row.aliases
            if alias.casefold() != row.name.casefold()
        ),
        key=lambda alias: alias.alias.casefold(),
    )  # in one order, as the sources above
    SourceAlias.objects.bulk_create(aliases, ignore_conflicts=True)


def sources_sync_registry() -> int:
    """Load every registry entry (sources, aliases, parents). Editor ratings are kept."""
    rows = {row.name: row for row in _registry().values()}
    created = sources_resolve(specs=[SourceSpec(name=name) for name in rows])
    by_name = {s.name: s for s in created.values()}
    parents = []
    for row in rows.values():
        source, parent = by_name.get(row.name), by_name.get(row.parent or "")
        if source is not None and parent is not None and source.parent_id != parent.pk:
            source.parent = parent
            parents.append(source)
    Source.objects.bulk_update(parents, ["parent"])
    return len(rows)


# ------------------------------------------------------------------------------ articles


@dataclass(frozen=True)
class SubmitResult:
    article: Article
    created: bool


_url_validator = URLValidator(schemes=["http", "https"])


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
    outlet_source = _sources_by_key([key]).get(key) if item.outlet else None
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


def article_submit_file(*, data: bytes, filename: str = "", **meta: object) -> SubmitResult:
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
    return article_submit(body=text, **meta)  # type: ignore[arg-type]


def _enqueue_on_commit(article_ids: list[int]) -> None:
    from claims.dispatch import enqueue_extraction, enqueue_extractions

    if len(article_ids) == 1:
        transaction.on_commit(lambda: enqueue_extraction(article_id=article_ids[0]))
    else:
        transaction.on_commit(lambda: enqueue_extractions(article_ids=article_ids))

"""Reads for sources and articles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from sources.models import Article, Source, SourceAlias


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.select_related("outlet").filter(pk=article_id).first()


@dataclass(frozen=True)
class ArticleFilters:
    status: str | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None  # name or alias, any case
    published_from: dt.date | None = None  # a date is a whole day, inclusive
    published_until: dt.date | None = None


def _day_start(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def published_between(field: str, start: dt.date | None, until: dt.date | None) -> Q:
    """A filter on a publication datetime `field`: a date is a whole day (inclusive at both
    ends), a datetime an exact instant. Shared by the article and claim lists."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": _day_start(start)})
    if until is not None:
        if isinstance(until, dt.datetime):
            q &= Q(**{f"{field}__lte": until})
        else:
            q &= Q(**{f"{field}__lt": _day_start(until + dt.timedelta(days=1))})
    return q


def sources_named(name: str) -> QuerySet[Source]:
    """Sources whose name or an alias is `name`, case-insensitively (a subquery of pks)."""
    return Source.objects.filter(Q(name__iexact=name) | Q(aliases__alias__iexact=name)).values("pk")


def article_list(*, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """Articles without their bodies, newest submission first (ties broken by id)."""
    f = filters or ArticleFilters()
    qs = Article.objects.for_list()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.outlet_id is not None:
        qs = qs.filter(outlet_id=f.outlet_id)
    if f.outlet_name:
        qs = qs.filter(outlet__in=sources_named(f.outlet_name))
    return qs.filter(
        published_between("published_at", f.published_from, f.published_until)
    ).order_by("-id")


@dataclass(frozen=True)
class SourceFilters:
    kind: str | None = None
    country: str | None = None
    reliability: str | None = None
    search: str | None = None  # part of the name or of an alias


def _with_counts(qs: QuerySet[Source]) -> QuerySet[Source]:
    from claims.models import Attribution  # claims depends on sources, not the other way round

    # One scalar subquery per count, each an index-only scan of (source, position, claim): a
    # join and GROUP BY over the source's attributions took 17 ms for an origin of 25,000
    # claims at 1M claims, the subqueries 2 ms. (claim, position) is unique, so a source is a
    # claim's origin once at most and the origin count needs no DISTINCT; a source can relay
    # one claim at two later positions, so that count does.
    def count(distinct: bool, **where: object) -> Coalesce:
        links = Attribution.objects.filter(source=OuterRef("pk"), **where).order_by()
        return Coalesce(
            Subquery(
                links.values("source").annotate(n=Count("claim", distinct=distinct)).values("n")
            ),
            0,
        )

    return (
        qs.select_related("parent")
        .prefetch_related(Prefetch("aliases", queryset=SourceAlias.objects.order_by("alias")))
        .annotate(
            claims_originated=count(False, position=0), claims_relayed=count(True, position__gt=0)
        )
    )


def source_list(*, filters: SourceFilters | None = None) -> QuerySet[Source]:
    """Sources with `claims_originated` (position 0) and `claims_relayed` (position > 0)."""
    f = filters or SourceFilters()
    qs = Source.objects.all()
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.country:
        qs = qs.filter(country__iexact=f.country)
    if f.reliability:
        qs = qs.filter(reliability=f.reliability.upper())
    if f.search and f.search.strip():
        term = f.search.strip()
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(pk__in=SourceAlias.objects.filter(alias__icontains=term).values("source"))
        )
    return _with_counts(qs).order_by("name", "id")


def source_get(*, source_id: int) -> Source | None:
    return _with_counts(Source.objects.filter(pk=source_id)).first()


def source_exists(*, source_id: int) -> bool:
    """Whether there is such a source, without the counts `source_get` computes."""
    return Source.objects.filter(pk=source_id).exists()


def source_cited_most(*, source_id: int, limit: int = 10) -> list[tuple[Source, int]]:
    """The sources this one relays most often: the link just before it in claims' chains."""
    from claims.models import Attribution  # claims depends on sources, not the other way round

    relays = Attribution.objects.filter(
        claim=OuterRef("claim"), source_id=source_id, position=OuterRef("position") + 1
    )
    counts = list(
        Attribution.objects.filter(Exists(relays))
        .values("source")
        .annotate(n=Count("id"))
        .order_by("-n", "source")[:limit]
    )
    sources = Source.objects.in_bulk([row["source"] for row in counts])
    return [(sources[row["source"]], row["n"]) for row in counts if row["source"] in sources]

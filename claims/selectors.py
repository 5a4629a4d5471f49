"""Reads for claims.

`claim_list(filters=...)` is the one place that knows how analysts filter and order claims; the
REST API and the web pages both call it, so a filter means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from claims.models import Attribution, Claim, ClaimLink, Figure, FigureStatus, LinkKind, LinkStatus
from provenance.errors import ApplicationError
from sources.models import Reliability, Source

RELIABILITY_GRADES = tuple(Reliability.values)  # "A" (best) ... "F" (cannot be judged)

# Claims published without a date sort as if published at the beginning of time, so keyset
# pagination never meets a NULL (a NULL breaks `<` comparisons on the cursor).
_NO_DATE = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class SourceRole(StrEnum):
    """Where in the chain a `source_id`/`source_name` filter looks."""

    ANY = "any"  # any link of the chain, or the publishing outlet (the implicit last relay)
    ORIGIN = "origin"  # position 0 only
    RELAY = "relay"  # position > 0, or the publishing outlet


class ClaimOrdering(StrEnum):
    NEWEST = "-published"
    OLDEST = "published"
    MOST_RELIABLE = "reliability"  # weakest link A first
    LEAST_RELIABLE = "-reliability"
    MOST_CORROBORATED = "-corroboration"
    LEAST_CORROBORATED = "corroboration"
    LATEST_EXTRACTED = "-id"
    FIRST_EXTRACTED = "id"


# Each ordering ends in the primary key, so it is a total order and a keyset cursor can resume
# after any row. The names are annotations made by `claim_list`.
CLAIM_ORDERING_FIELDS: dict[ClaimOrdering, tuple[str, ...]] = {
    ClaimOrdering.NEWEST: ("-published_sort", "-id"),
    ClaimOrdering.OLDEST: ("published_sort", "id"),
    ClaimOrdering.MOST_RELIABLE: ("weakest_reliability", "-published_sort", "-id"),
    ClaimOrdering.LEAST_RELIABLE: ("-weakest_reliability", "-published_sort", "-id"),
    ClaimOrdering.MOST_CORROBORATED: ("-corroboration", "-published_sort", "-id"),
    ClaimOrdering.LEAST_CORROBORATED: ("corroboration", "-published_sort", "-id"),
    ClaimOrdering.LATEST_EXTRACTED: ("-id",),
    ClaimOrdering.FIRST_EXTRACTED: ("id",),
}

CORROBORATING_LINK_KINDS = (LinkKind.SAME, LinkKind.CORROBORATES)


@dataclass(frozen=True)
class ClaimFilters:
    """What an analyst can ask of the claims. Every field is optional; None means "any".

    Dates: a `datetime.date` is a whole day (inclusive at both ends); a `datetime.datetime` is an
    exact instant.
    """

    source_id: int | None = None
    source_name: str | None = None  # a source's name or one of its aliases, any case
    source_role: SourceRole = SourceRole.ANY
    source_kind: str | None = None  # some link of the chain (or the outlet) is of this kind
    min_reliability: str | None = None  # every link, outlet included, is at least this good
    max_credibility: int | None = None  # effective credibility (editor override first) <= N
    hedged: bool | None = None
    verification_status: str | None = None
    flagged_figures: bool | None = None  # has a figure whose status is `unconfirmed`
    article_id: int | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None
    published_from: dt.date | None = None
    published_until: dt.date | None = None
    search: str | None = None  # PostgreSQL websearch syntax: words, "phrases", -not, or
    ordering: ClaimOrdering = ClaimOrdering.NEWEST


def _day_start(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def _source_ids_named(name: str) -> QuerySet[Source]:
    return Source.objects.filter(Q(name__iexact=name) | Q(aliases__alias__iexact=name)).values("pk")


def _weakest_link() -> Greatest:
    """The chain's weakest reliability, outlet included; a missing outlet cannot be judged (F).

    PostgreSQL's GREATEST ignores NULLs, so an unattributed claim's chain is the outlet alone.
    """
    worst_attribution = Subquery(
        Attribution.objects.filter(claim=OuterRef("pk"))
        .order_by("-source__reliability").values("source__reliability")[:1],
        output_field=CharField(),
    )
    return Greatest(
        Coalesce("article__outlet__reliability", Value(Reliability.F), output_field=CharField()),
        worst_attribution, output_field=CharField(),
    )


def _corroboration_count() -> Coalesce:
    # A correlated COUNT subquery rather than Count() over a join: a join would multiply rows
    # with the attributions and figures and needs GROUP BY over every selected column.
    links = (
        ClaimLink.objects.filter(Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")))
        .filter(kind__in=CORROBORATING_LINK_KINDS).exclude(status=LinkStatus.REJECTED)
        .order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), Value(0))


def claim_list(*, filters: ClaimFilters) -> QuerySet[Claim]:
    """Claims matching `filters`, ordered by `filters.ordering` (always ending in the id).

    Annotates `published_sort`, `weakest_reliability` and `corroboration` on every row, and
    bakes in the joins and prefetches a list row shows (a fixed number of queries per page).
    Raises ApplicationError on a value no filter can mean (an unknown reliability grade).
    """
    f = filters
    qs = Claim.objects.for_list()
    chain_of = Attribution.objects.filter(claim=OuterRef("pk"))

    if f.source_id is not None or f.source_name:
        sources: QuerySet[Source] | list[int] = (
            [f.source_id] if f.source_id is not None else _source_ids_named(f.source_name or "")
        )
        links = chain_of.filter(source__in=sources)
        outlet = Q(article__outlet__in=sources)
        if f.source_role == SourceRole.ORIGIN:
            qs = qs.filter(Exists(links.filter(position=0)))
        elif f.source_role == SourceRole.RELAY:
            qs = qs.filter(Exists(links.filter(position__gt=0)) | outlet)
        else:
            qs = qs.filter(Exists(links) | outlet)
    if f.source_kind:
        qs = qs.filter(Exists(chain_of.filter(source__kind=f.source_kind))
                       | Q(article__outlet__kind=f.source_kind))
    if f.min_reliability:
        grade = f.min_reliability.upper()
        if grade not in RELIABILITY_GRADES:
            raise ApplicationError(f"{f.min_reliability!r} is not a reliability grade; use A to F.",
                                   field="min_reliability")
        if grade != Reliability.F:
            # "At least as reliable as B" = no link graded C..F. A is best, so worse = greater.
            # An article without an outlet has an unjudged publisher and fails every grade but F.
            qs = qs.filter(article__outlet__reliability__lte=grade).exclude(
                Exists(chain_of.filter(source__reliability__gt=grade))
            )
    if f.max_credibility is not None:
        qs = qs.filter(Q(credibility_override__lte=f.max_credibility)
                       | Q(credibility_override__isnull=True, credibility__lte=f.max_credibility))
    if f.hedged is not None:
        qs = qs.filter(hedged=f.hedged)
    if f.verification_status:
        qs = qs.filter(verification_status=f.verification_status)
    if f.flagged_figures is not None:
        flagged = Exists(Figure.objects.filter(claim=OuterRef("pk"), status=FigureStatus.UNCONFIRMED))
        qs = qs.filter(flagged if f.flagged_figures else ~flagged)
    if f.article_id is not None:
        qs = qs.filter(article_id=f.article_id)
    if f.outlet_id is not None:
        qs = qs.filter(article__outlet_id=f.outlet_id)
    if f.outlet_name:
        qs = qs.filter(article__outlet__in=_source_ids_named(f.outlet_name))
    if f.published_from is not None:
        qs = qs.filter(article__published_at__gte=_day_start(f.published_from))
    if f.published_until is not None:
        until = f.published_until
        if isinstance(until, dt.datetime):
            qs = qs.filter(article__published_at__lte=until)
        else:
            qs = qs.filter(article__published_at__lt=_day_start(until + dt.timedelta(days=1)))
    if f.search and f.search.strip():
        # The same expression as the GIN index `claim_text_search`, so PostgreSQL can use it.
        qs = qs.annotate(search_vector=SearchVector("text", config="english")).filter(
            search_vector=SearchQuery(f.search, config="english", search_type="websearch")
        )

    qs = qs.annotate(
        published_sort=Coalesce("article__published_at", Value(_NO_DATE),
                                output_field=DateTimeField()),
        weakest_reliability=_weakest_link(),
        corroboration=_corroboration_count(),
    )
    return qs.order_by(*CLAIM_ORDERING_FIELDS[ClaimOrdering(f.ordering)])


def claim_list_latest(*, limit: int = 50) -> list[Claim]:
    return list(Claim.objects.for_list().order_by("-id")[:limit])


def claim_list_for_article(*, article_id: int) -> QuerySet[Claim]:
    return Claim.objects.for_list().filter(article_id=article_id).order_by("start", "id")

"""Reads for claims: which claims, in which order.

`claim_list(filters=...)` is the one place that knows how analysts filter and order claims; the
REST API and the web pages both call it, so a filter means the same thing everywhere.

Beside it: `claims.selectors_rows` (a claim and a page of claims as the API answers them),
`claims.selectors_figures` (figures, the review queue), `claims.selectors_graphs` (the rows of a
claim graph) and `claims.selectors_sources` (sources with their claim counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL

from claims.models import (
    NO_DATE,
    Attribution,
    Claim,
    ClaimLink,
    ClaimSource,
    Figure,
    FigureStatus,
    LinkStatus,
)
from core.errors import ApplicationError
from sources.models import Reliability
from sources.selectors import published_between, sources_named

RELIABILITY_GRADES = tuple(Reliability.values)  # "A" (best) ... "F" (cannot be judged)


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
    MOST_ORIGINS = "-origins"  # most independent origins first
    FEWEST_ORIGINS = "origins"


# Each ordering ends in the primary key, so it is a total order and a keyset cursor can resume
# after any row. Every key is a stored column of the claim with an index in this exact order
# (claims.models.Claim.Meta.indexes), so a page is the first rows of one index walk.
CLAIM_ORDERING_FIELDS: dict[ClaimOrdering, tuple[str, ...]] = {
    ClaimOrdering.NEWEST: ("-published_sort", "-id"),
    ClaimOrdering.OLDEST: ("published_sort", "id"),
    ClaimOrdering.MOST_RELIABLE: ("weakest_reliability", "-published_sort", "-id"),
    ClaimOrdering.LEAST_RELIABLE: ("-weakest_reliability", "-published_sort", "-id"),
    ClaimOrdering.MOST_CORROBORATED: ("-corroboration", "-published_sort", "-id"),
    ClaimOrdering.LEAST_CORROBORATED: ("corroboration", "-published_sort", "-id"),
    ClaimOrdering.LATEST_EXTRACTED: ("-id",),
    ClaimOrdering.FIRST_EXTRACTED: ("id",),
    ClaimOrdering.MOST_ORIGINS: ("-independent_origins", "-published_sort", "-id"),
    ClaimOrdering.FEWEST_ORIGINS: ("independent_origins", "-published_sort", "-id"),
}


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
    min_origins: int | None = None  # at least N independent origins (Claim.independent_origins)
    ordering: ClaimOrdering = ClaimOrdering.NEWEST


# How full-text search is planned. PostgreSQL estimates a query's matches from each word's
# frequency as if words were independent, so a phrase and a word that go together ("unconfirmed
# reports" militia: 2.5% of claims) is judged rare (0.06%) and answered by reading every match
# from the GIN index and sorting them (200 ms at 1M claims) instead of walking the list order
# until the page is full (1.5 ms). So the newest SEARCH_PROBE_ROWS claims are tried first: if
# SEARCH_COMMON_HITS of them match, the search walks the list's index; otherwise the matches
# are few and the GIN index is the way.
SEARCH_PROBE_ROWS = 1000
SEARCH_COMMON_HITS = 5
_SEARCH_PROBE_SQL = """
SELECT count(*) FROM (
    SELECT 1 FROM (SELECT search_vector FROM claims_claim ORDER BY published_sort DESC, id DESC LIMIT %s) AS recent
     WHERE recent.search_vector @@ websearch_to_tsquery('english'::regconfig, %s) LIMIT %s) AS hits
"""


def _matching(qs: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """Claims whose stored vector matches the web-search query `text` (one probe query first)."""
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_PROBE_SQL, [SEARCH_PROBE_ROWS, text, SEARCH_COMMON_HITS])
        common = cursor.fetchone()[0] >= SEARCH_COMMON_HITS
    if common:
        # `IS TRUE` hides the match from the planner's estimate and from the GIN index: a walk.
        return qs.filter(
            RawSQL(
                "(claims_claim.search_vector @@ websearch_to_tsquery('english'::regconfig, %s)) IS TRUE",
                [text],
                output_field=BooleanField(),
            )
        )
    return qs.filter(search_vector=SearchQuery(text, config="english", search_type="websearch"))


def _of_source(qs: QuerySet[Claim], f: ClaimFilters) -> QuerySet[Claim]:
    """Claims naming the source in their chain (or published by it), in the role asked for,
    through ClaimSource (one row per claim and source)."""
    role = {SourceRole.ORIGIN: {"origin": True}, SourceRole.RELAY: {"relay": True}}.get(
        f.source_role, {}
    )
    ids = (
        [f.source_id]
        if f.source_id is not None
        else sorted(set(sources_named(f.source_name or "").values_list("pk", flat=True)))
    )
    if len(ids) == 1:
        # A join, not a semi-join, with the entry's copy of the publication time equated to the
        # claim's: PostgreSQL then reads the page off the (source, time, claim) index, newest
        # first, and stops when it is full, whether the source is in ten chains or in a
        # hundred thousand (collecting them all and sorting, or walking every claim testing
        # each, cost 30-130 ms at 1M claims for a source in a few thousand chains).
        # (claim, source) is unique, so the join never repeats a claim.
        return qs.filter(
            source_entries__source_id=ids[0],
            source_entries__published_sort=F("published_sort"),
            **{f"source_entries__{k}": v for k, v in role.items()},
        )
    # A name shared by several sources (or none): a claim may name two of them, so a semi-join.
    return qs.filter(
        pk__in=ClaimSource.objects.filter(source_id__in=ids, **role).values("claim_id")
    )


def claim_list(*, filters: ClaimFilters) -> QuerySet[Claim]:
    """Claims matching `filters`, ordered by `filters.ordering` (always ending in the id).

    The article body is deferred (load it with `claim_get` when showing one claim in context).

    Bakes in the joins and prefetches a list row shows (a fixed number of queries per page).
    Raises ApplicationError on a value no filter can mean (an unknown reliability grade).
    """
    f = filters
    qs = Claim.objects.for_list()
    chain_of = Attribution.objects.filter(claim=OuterRef("pk"))

    if f.source_id is not None or f.source_name:
        qs = _of_source(qs, f)
    if f.source_kind:
        qs = qs.filter(
            Exists(chain_of.filter(source__kind=f.source_kind))
            | Q(article__outlet__kind=f.source_kind)
        )
    if f.min_reliability:
        grade = f.min_reliability.upper()
        if grade not in RELIABILITY_GRADES:
            raise ApplicationError(
                f"{f.min_reliability!r} is not a reliability grade; use A to F.",
                field="min_reliability",
            )
        if grade != str(Reliability.F):
            # "At least as reliable as B" = no link graded C..F, outlet included (A is best, so
            # worse = greater). An article without an outlet has an unjudged publisher (F).
            qs = qs.filter(weakest_reliability__lte=grade)
    if f.max_credibility is not None:
        qs = qs.filter(
            Q(credibility_override__lte=f.max_credibility)
            | Q(credibility_override__isnull=True, credibility__lte=f.max_credibility)
        )
    if f.hedged is not None:
        qs = qs.filter(hedged=f.hedged)
    if f.min_origins is not None:
        qs = qs.filter(independent_origins__gte=f.min_origins)
    if f.verification_status:
        qs = qs.filter(verification_status=f.verification_status)
    if f.flagged_figures is not None:
        flagged = Exists(
            Figure.objects.filter(claim=OuterRef("pk"), status=FigureStatus.UNCONFIRMED)
        )
        qs = qs.filter(flagged if f.flagged_figures else ~flagged)
    if f.article_id is not None:
        qs = qs.filter(article_id=f.article_id)
    if f.outlet_id is not None:
        qs = qs.filter(article__outlet_id=f.outlet_id)
    if f.outlet_name:
        qs = qs.filter(article__outlet__in=sources_named(f.outlet_name))
    if f.published_from is not None or f.published_until is not None:
        # The claim's copy of the publication time (its index answers the range); an undated
        # claim (stored as NO_DATE) is in no range.
        qs = qs.filter(
            published_between("published_sort", f.published_from, f.published_until)
        ).exclude(published_sort=NO_DATE)
    if f.search and f.search.strip():
        qs = _matching(qs, f.search)

    # A list row never shows the article body, which can be a megabyte per row.
    return qs.defer("article__body").order_by(*CLAIM_ORDERING_FIELDS[ClaimOrdering(f.ordering)])


def claim_list_for_article(*, article_id: int) -> QuerySet[Claim]:
    return Claim.objects.for_list().filter(article_id=article_id).order_by("start", "id")


def claim_get(*, claim_id: int) -> Claim | None:
    """One claim with its article (body included, for the sentence in context), chain, figures,
    dates and links both ways: six queries."""
    live_links = ClaimLink.objects.exclude(status=LinkStatus.REJECTED).order_by("id")
    claim: Claim | None = (
        Claim.objects.for_list()
        .prefetch_related(
            Prefetch("links_out", queryset=live_links.select_related("to_claim")),
            Prefetch("links_in", queryset=live_links.select_related("from_claim")),
        )
        .filter(pk=claim_id)
        .first()
    )
    return claim

"""Reads for claims.

`claim_list(filters=...)` is the one place that knows how analysts filter and order claims; the
REST API and the web pages both call it, so a filter means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import orjson
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

from claims.graph import (
    ArticleRow,
    AttributionRow,
    ClaimRow,
    FigureRow,
    GraphRows,
    GraphTooLarge,
    LinkRow,
    SourceRow,
    check_size,
)
from claims.models import (
    NO_DATE,
    Attribution,
    Claim,
    ClaimLink,
    ClaimSource,
    Figure,
    FigureStatus,
    LinkKind,
    LinkStatus,
)
from claims.origins import claim_origins, origin_named
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
        if grade != Reliability.F:
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


# A page's rows in one statement: each claim with its article and outlet, and its chain (with
# each link's source), figures and dates aggregated to JSON text by correlated subqueries on
# their claim indexes. Five `.values()` queries cost five round trips and the ORM's compiling
# and row handling, about 2 ms of a 5 ms page; the pages read are the same.
_LIST_ROWS_SQL = """
SELECT c.id, c.text, c.kind, c.cue, c.hedged, c.hedge_cues, c.credibility, c.credibility_override,
       c.verification_status, c.weakest_reliability, c.corroboration, c.independent_origins,
       a.id, a.title, a.url, a.published_at, o.id, o.name, o.kind, o.reliability,
       (SELECT json_agg(json_build_array(t.position, t.mention, t.cue, s.id, s.name, s.kind, s.reliability)
                        ORDER BY t.position)::text
          FROM claims_attribution t JOIN sources_source s ON s.id = t.source_id WHERE t.claim_id = c.id),
       (SELECT json_agg(json_build_array(f.id, f.value, f.low, f.high, f.unit, f.text, f.approximate,
                                         f.qualifier, f.status) ORDER BY f.start, f.id)::text
          FROM claims_figure f WHERE f.claim_id = c.id),
       (SELECT json_agg(json_build_array(d.text, d.value) ORDER BY d.start, d.id)::text
          FROM claims_claimdate d WHERE d.claim_id = c.id)
  FROM claims_claim c
  JOIN sources_article a ON a.id = c.article_id
  LEFT JOIN sources_source o ON o.id = a.outlet_id
 WHERE c.id = ANY(%s)
"""


def _float(value: float | None) -> float | None:
    # JSON writes a whole float8 as an integer (5000); the API's FloatFields write 5000.0.
    return None if value is None else float(value)


def claim_list_rows(*, claim_ids: list[int]) -> list[dict[str, Any]]:
    """The list rows of these claims, in the given order, as plain data in the shape of the
    API's `ClaimListOutput` (without `url`): one query whatever the page size, no model
    instances. Datetimes are ISO 8601 strings as DRF writes them (UTC as `Z`)."""
    if not claim_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_LIST_ROWS_SQL, [list(claim_ids)])
        found = {row[0]: row for row in cursor.fetchall()}
    rows = []
    for claim_id in claim_ids:
        if claim_id not in found:
            continue
        (
            _,
            text,
            kind,
            cue,
            hedged,
            hedge_cues,
            credibility,
            override,
            status,
            weakest,
            corroboration,
            origins,
            article_id,
            title,
            url,
            published_at,
            outlet_id,
            outlet_name,
            outlet_kind,
            outlet_grade,
            chain,
            figures,
            dates,
        ) = found[claim_id]
        rows.append(
            {
                "id": claim_id,
                "text": text,
                "kind": kind,
                "cue": cue,
                "hedged": hedged,
                "hedge_cues": hedge_cues,
                "credibility": override or credibility,
                "verification_status": status,
                "weakest_reliability": weakest,
                "corroboration": corroboration,
                "independent_origins": origins,
                "article": {
                    "id": article_id,
                    "title": title,
                    "url": url,
                    "published_at": iso_datetime(published_at),
                    "outlet": None
                    if outlet_id is None
                    else {
                        "id": outlet_id,
                        "name": outlet_name,
                        "kind": outlet_kind,
                        "reliability": outlet_grade,
                    },
                },
                "chain": [
                    {
                        "position": position,
                        "mention": mention,
                        "cue": link_cue,
                        "source": {
                            "id": source_id,
                            "name": name,
                            "kind": source_kind,
                            "reliability": grade,
                        },
                    }
                    for position, mention, link_cue, source_id, name, source_kind, grade in orjson.loads(
                        chain or "[]"
                    )
                ],
                "figures": [
                    {
                        "id": figure_id,
                        "value": float(value),
                        "low": _float(low),
                        "high": _float(high),
                        "unit": unit,
                        "text": figure_text,
                        "approximate": approximate,
                        "qualifier": qualifier,
                        "status": figure_status,
                    }
                    for figure_id, value, low, high, unit, figure_text, approximate, qualifier, figure_status in orjson.loads(
                        figures or "[]"
                    )
                ],
                "dates": [
                    {"text": date_text, "value": value}
                    for date_text, value in orjson.loads(dates or "[]")
                ],
            }
        )
    return rows


CONTEXT_CHARS = 240  # characters of article text shown on each side of a claim's sentence

# A claim's own fields beyond its list row, and its sentence in context cut out by PostgreSQL
# (the article body can be a megabyte; Python's slices and substr() both count characters).
_DETAIL_SQL = """
SELECT c.start, c."end", c.sentence_index, c.sentence_start, c.sentence_end, c.credibility,
       c.credibility_override, c.credibility_reason, c.extractor_version, c.version, c.created_at,
       substr(a.body, GREATEST(0, c.sentence_start - %(chars)s) + 1,
              c.sentence_start - GREATEST(0, c.sentence_start - %(chars)s)),
       substr(a.body, c.sentence_start + 1, GREATEST(0, c.sentence_end - c.sentence_start)),
       substr(a.body, c.sentence_end + 1, %(chars)s)
  FROM claims_claim c JOIN sources_article a ON a.id = c.article_id
 WHERE c.id = %(id)s
"""
# Its live links both ways, with the other claim: out-links first, each side in id order.
_DETAIL_LINKS_SQL = """
SELECT l.id, l.from_claim_id = %(id)s, l.kind, l.status, l.score, l.evidence, o.id, o.text, o.article_id
  FROM claims_claimlink l
  JOIN claims_claim o ON o.id = CASE WHEN l.from_claim_id = %(id)s THEN l.to_claim_id ELSE l.from_claim_id END
 WHERE (l.from_claim_id = %(id)s OR l.to_claim_id = %(id)s) AND l.status <> %(rejected)s
 ORDER BY l.from_claim_id <> %(id)s, l.id
"""


def claim_detail_row(*, claim_id: int) -> dict[str, Any] | None:
    """One claim as plain data in the shape of the API's `ClaimDetailOutput` (without `url` and
    `graph_url`): its list row, its position and sentence in context, computed and overridden
    credibility, whole chain (the outlet as implicit last link), live links and independent
    origins. Three queries; four more for the origins of a claim linked as the same or
    corroborating (a lone claim's one origin comes from its chain)."""
    rows = claim_list_rows(claim_ids=[claim_id])
    if not rows:
        return None
    row = rows[0]
    with connection.cursor() as cursor:
        cursor.execute(_DETAIL_SQL, {"id": claim_id, "chars": CONTEXT_CHARS})
        (
            start,
            end,
            sentence_index,
            sentence_start,
            sentence_end,
            credibility,
            override,
            reason,
            version_name,
            version,
            created_at,
            before,
            sentence,
            after,
        ) = cursor.fetchone()
        cursor.execute(_DETAIL_LINKS_SQL, {"id": claim_id, "rejected": str(LinkStatus.REJECTED)})
        links = [
            {
                "id": link_id,
                "direction": "out" if out else "in",
                "kind": kind,
                "status": status,
                "score": score,
                "evidence": json.loads(evidence) if isinstance(evidence, str) else evidence,
                "claim": {"id": other_id, "text": text, "article_id": article_id},
            }
            for link_id, out, kind, status, score, evidence, other_id, text, article_id in cursor.fetchall()
        ]
    outlet = row["article"]["outlet"]
    if row["corroboration"] == 0:
        key, name = origin_named(
            [
                (link["source"]["id"], link["source"]["kind"], link["source"]["name"])
                for link in row["chain"]
            ],
            (outlet["id"], outlet["name"]) if outlet else None,
        )
        origins = [{"key": key, "name": name, "claims": [claim_id]}]
    else:
        origins = [
            {"key": o["key"], "name": o["name"], "claims": [c.pk for c in o["claims"]]}
            for o in claim_origins(claim_id=claim_id)
        ]
    full_chain = [{**link, "implicit": False} for link in row["chain"]]
    if outlet is not None:
        full_chain.append(
            {
                "position": len(full_chain),
                "mention": outlet["name"],
                "cue": "",
                "source": outlet,
                "implicit": True,
            }
        )
    return {
        **row,
        "start": start,
        "end": end,
        "sentence_index": sentence_index,
        "context": {
            "before": before,
            "sentence": sentence,
            "after": after,
            "sentence_start": sentence_start,
            "sentence_end": sentence_end,
        },
        "credibility_computed": credibility,
        "credibility_override": override,
        "credibility_reason": reason,
        "origins": origins,
        "extractor_version": version_name,
        "version": version,
        "created_at": iso_datetime(created_at),
        "full_chain": full_chain,
        "links": links,
    }


def iso_datetime(value: dt.datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in UTC with a `Z`."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def claim_list_latest(*, limit: int = 50) -> list[Claim]:
    return list(Claim.objects.for_list().order_by("-id")[:limit])


def claim_list_for_article(*, article_id: int) -> QuerySet[Claim]:
    return Claim.objects.for_list().filter(article_id=article_id).order_by("start", "id")


def claim_get(*, claim_id: int) -> Claim | None:
    """One claim with its article (body included, for the sentence in context), chain, figures,
    dates and links both ways: six queries."""
    live_links = ClaimLink.objects.exclude(status=LinkStatus.REJECTED).order_by("id")
    return (
        Claim.objects.for_list()
        .prefetch_related(
            Prefetch("links_out", queryset=live_links.select_related("to_claim")),
            Prefetch("links_in", queryset=live_links.select_related("from_claim")),
        )
        .filter(pk=claim_id)
        .first()
    )


# ------------------------------------------------------------------------------ figures


@dataclass(frozen=True)
class FigureFilters:
    unit: str | None = None  # part of the unit phrase, any case: "troops", "soldiers"
    value_min: float | None = None
    value_max: float | None = None
    status: str | None = None
    claim_id: int | None = None
    article_id: int | None = None


def figure_list(*, filters: FigureFilters | None = None) -> QuerySet[Figure]:
    f = filters or FigureFilters()
    qs = Figure.objects.select_related("claim").defer("claim__hedge_cues")
    if f.unit and f.unit.strip():
        qs = qs.filter(unit__icontains=f.unit.strip())
    if f.value_min is not None:
        qs = qs.filter(value__gte=f.value_min)
    if f.value_max is not None:
        qs = qs.filter(value__lte=f.value_max)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.claim_id is not None:
        qs = qs.filter(claim_id=f.claim_id)
    if f.article_id is not None:
        qs = qs.filter(claim__article_id=f.article_id)
    return qs.order_by("-id")


# ------------------------------------------------------------------------------ graphs

# How many claims sharing an origin source one expansion step may add, so a claim from a
# prolific origin ("officials") does not pull in the whole database.
GRAPH_SAME_ORIGIN_LIMIT = 100


def _graph_too_large(nodes: int, limit: int) -> ApplicationError:
    return ApplicationError(
        f"The graph would have {nodes} nodes, more than the limit of {limit}. Narrow it: a "
        "lower depth, or a source, article or date range filter.",
        code="graph_too_large",
        details={"nodes": nodes, "limit": limit},
    )


def claim_graph_rows(*, claim_id: int, depth: int, max_nodes: int) -> GraphRows:
    """The rows of a claim's graph, `depth` steps out.

    Depth 1 is the claim itself (its chain, article, figures); each further step adds the claims
    linked to the previous step by a ClaimLink, and up to GRAPH_SAME_ORIGIN_LIMIT claims sharing
    an origin source with it. Queries: 1 + 1 per step that found claims + 6 for the rows. Plain
    SQL: building the ORM's queries cost as much as running them.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM claims_claim WHERE id = %s", [claim_id])
        if cursor.fetchone() is None:
            raise ApplicationError(
                f"There is no claim {claim_id}.", code="not_found", status_code=404
            )
        seen = {claim_id}
        frontier = {claim_id}
        for _ in range(depth - 1):
            if not frontier:
                break
            cursor.execute(
                _GRAPH_STEP_SQL,
                {
                    "frontier": sorted(frontier),
                    "seen": sorted(seen),
                    "rejected": str(LinkStatus.REJECTED),
                    "limit": GRAPH_SAME_ORIGIN_LIMIT,
                },
            )
            frontier = {row[0] for row in cursor.fetchall()} - seen
            seen |= frontier
            if len(seen) > max_nodes:
                raise _graph_too_large(len(seen), max_nodes)
    return _graph_rows(claim_ids=seen, max_nodes=max_nodes)


# One step out from `frontier`: both ends of its live links, and the newest claims (not already
# in the graph or linked) whose origin source is one of the frontier's origins.
_GRAPH_STEP_SQL = """
WITH ends AS (
    SELECT unnest(ARRAY[from_claim_id, to_claim_id]) AS id FROM claims_claimlink
     WHERE status <> %(rejected)s
       AND (from_claim_id = ANY(%(frontier)s) OR to_claim_id = ANY(%(frontier)s))
)
SELECT id FROM ends
UNION ALL
(SELECT t.claim_id FROM claims_attribution t
  WHERE t.position = 0
    AND t.source_id IN (SELECT o.source_id FROM claims_attribution o
                         WHERE o.claim_id = ANY(%(frontier)s) AND o.position = 0)
    AND t.claim_id <> ALL(%(seen)s) AND t.claim_id NOT IN (SELECT id FROM ends)
  ORDER BY t.claim_id DESC LIMIT %(limit)s)
"""


def graph_rows_for(*, filters: ClaimFilters, max_nodes: int) -> GraphRows:
    """The graph of every claim matching `filters` (1 query for the ids + 6 for the rows)."""
    ids = list(
        claim_list(filters=replace(filters, ordering=ClaimOrdering.LATEST_EXTRACTED)).values_list(
            "pk", flat=True
        )[: max_nodes + 1]
    )
    if len(ids) > max_nodes:
        raise _graph_too_large(len(ids), max_nodes)
    return _graph_rows(claim_ids=set(ids), max_nodes=max_nodes)


def _graph_rows(*, claim_ids: set[int], max_nodes: int) -> GraphRows:
    """Plain rows for these claims, in six queries whatever their number."""
    ids = sorted(claim_ids)
    with connection.cursor() as cursor:

        def rows(sql: str, *params: object) -> list[tuple[Any, ...]]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        claims = tuple(
            ClaimRow(
                id=i,
                article_id=article_id,
                text=text,
                kind=kind,
                hedged=hedged,
                hedge_cues=tuple(cues),
                credibility=override or credibility,
                verification_status=status,
            )
            for i, article_id, text, kind, hedged, cues, credibility, override, status in rows(
                "SELECT id, article_id, text, kind, hedged, hedge_cues, credibility, credibility_override, "
                "verification_status FROM claims_claim WHERE id = ANY(%s)",
                ids,
            )
        )
        attributions = tuple(
            AttributionRow(claim_id=c, source_id=s, position=p, mention=m, cue=cue)
            for c, s, p, m, cue in rows(
                "SELECT claim_id, source_id, position, mention, cue FROM claims_attribution "
                "WHERE claim_id = ANY(%s) ORDER BY claim_id, position",
                ids,
            )
        )
        figures = tuple(
            FigureRow(
                id=i, claim_id=c, value=v, low=lo, high=hi, unit=u, text=t, approximate=a, status=st
            )
            for i, c, v, lo, hi, u, t, a, st in rows(
                "SELECT id, claim_id, value, low, high, unit, text, approximate, status FROM claims_figure "
                "WHERE claim_id = ANY(%s) ORDER BY claim_id, start",
                ids,
            )
        )
        links = tuple(
            LinkRow(from_claim_id=a, to_claim_id=b, kind=k, score=sc, status=st)
            for a, b, k, sc, st in rows(
                "SELECT from_claim_id, to_claim_id, kind, score, status FROM claims_claimlink "
                "WHERE status <> %s AND from_claim_id = ANY(%s) AND to_claim_id = ANY(%s)",
                str(LinkStatus.REJECTED),
                ids,
                ids,
            )
        )
        articles = tuple(
            ArticleRow(
                id=i,
                title=title,
                url=url,
                published_at=published.isoformat() if published else None,
                outlet_id=outlet,
            )
            for i, title, url, published, outlet in rows(
                "SELECT id, title, url, published_at, outlet_id FROM sources_article WHERE id = ANY(%s)",
                sorted({c.article_id for c in claims}),
            )
        )
        source_ids = sorted(
            {a.source_id for a in attributions}
            | {a.outlet_id for a in articles if a.outlet_id is not None}
        )
        # The sources and, in the same query, their parents (one level: RIA Novosti's owner).
        sources = tuple(
            SourceRow(
                id=i,
                name=name,
                kind=kind,
                country=country,
                reliability=reliability,
                parent_id=parent,
            )
            for i, name, kind, country, reliability, parent in rows(
                # One ANY over an array (an OR with the parents' subquery scanned the table).
                "SELECT id, name, kind, country, reliability, parent_id FROM sources_source "
                "WHERE id = ANY(%s::bigint[] || ARRAY(SELECT parent_id FROM sources_source "
                "WHERE id = ANY(%s) AND parent_id IS NOT NULL))",
                source_ids,
                source_ids,
            )
        )
    graph = GraphRows(
        claims=claims,
        articles=articles,
        sources=sources,
        attributions=attributions,
        figures=figures,
        links=links,
    )
    try:
        check_size(graph, max_nodes=max_nodes)
    except GraphTooLarge as exc:
        raise _graph_too_large(exc.nodes, exc.limit) from None
    return graph


# ------------------------------------------------------------------------------ review queue

WEAK_SOURCE_KINDS = ("unnamed", "unconfirmed_reports", "media_reports")


def figure_review_queue() -> QuerySet[Figure]:
    """Figures an editor should look at, with why: in a hedged claim, with no named source (or
    only unnamed/unconfirmed ones), or disagreeing with another figure for the same thing.

    Each figure carries `in_hedged_claim`, `no_named_source` and `disagrees` flags (EXISTS
    subqueries, so the page costs a fixed number of queries).
    """
    named = Attribution.objects.filter(claim=OuterRef("claim")).exclude(
        source__kind__in=WEAK_SOURCE_KINDS
    )
    other = (
        Figure.objects.filter(unit__iexact=OuterRef("unit"))
        .exclude(claim=OuterRef("claim"))
        .exclude(value=OuterRef("value"))
        .exclude(status=FigureStatus.DISMISSED)
        .exclude(unit="")
    )
    return (
        Figure.objects.filter(status=FigureStatus.UNREVIEWED)
        .select_related("claim", "claim__article", "claim__article__outlet")
        .prefetch_related(
            Prefetch(
                "claim__attributions",
                queryset=Attribution.objects.select_related("source").order_by("position"),
            )
        )
        .annotate(
            in_hedged_claim=F("claim__hedged"),
            no_named_source=~Exists(named),
            disagrees=Exists(other),
        )
        .filter(Q(in_hedged_claim=True) | Q(no_named_source=True) | Q(disagrees=True))
        .defer("claim__article__body")
        .order_by("-disagrees", "-claim__hedged", "-id")
    )

"""Reads for claim graphs: the rows `claims.graph` turns into a graph, for one claim and the claims
linked to it (or sharing its origin) or for every claim matching a filter, in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.db import connection

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
from claims.models import LinkStatus
from claims.selectors import ClaimFilters, ClaimOrdering, claim_list
from core.errors import ApplicationError

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


def claim_graph_rows(
    *, claim_id: int, depth: int, max_nodes: int, with_changes: bool = False
) -> GraphRows:
    """The rows of a claim's graph, `depth` steps out.

    Depth 1 is the claim itself (its chain, article, figures); each further step adds the claims
    linked to the previous step by a ClaimLink, and up to GRAPH_SAME_ORIGIN_LIMIT claims sharing
    an origin source with it. Queries: 1 + 1 per step that found claims + 6 for the rows (+ 1
    `with_changes`: see `_graph_rows`). Plain SQL: building the ORM's queries cost as much as
    running them.
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
    return _graph_rows(claim_ids=seen, max_nodes=max_nodes, with_changes=with_changes)


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


def graph_rows_for(
    *, filters: ClaimFilters, max_nodes: int, with_changes: bool = False
) -> GraphRows:
    """The graph of every claim matching `filters` (1 query for the ids + 6 for the rows, + 1
    `with_changes`)."""
    ids = list(
        claim_list(filters=replace(filters, ordering=ClaimOrdering.LATEST_EXTRACTED)).values_list(
            "pk", flat=True
        )[: max_nodes + 1]
    )
    if len(ids) > max_nodes:
        raise _graph_too_large(len(ids), max_nodes)
    return _graph_rows(claim_ids=set(ids), max_nodes=max_nodes, with_changes=with_changes)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _graph_rows(*, claim_ids: set[int], max_nodes: int, with_changes: bool) -> GraphRows:
    """Plain rows for these claims, in six queries whatever their number.

    `with_changes` adds a seventh: when each claim and source row last changed, from the audit
    trail (the tables have no updated-at column; the trigger records every UPDATE of them), for
    the STIX export's `modified`.
    """
    ids = sorted(claim_ids)
    with connection.cursor() as cursor:

        def rows(sql: str, *params: object) -> list[tuple[Any, ...]]:
            cursor.execute(sql, params)
            found: list[tuple[Any, ...]] = cursor.fetchall()
            return found

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
                created_at=_iso(created),
            )
            for i, article_id, text, kind, hedged, cues, credibility, override, status, created in rows(
                "SELECT id, article_id, text, kind, hedged, hedge_cues, credibility, credibility_override, "
                "verification_status, created_at FROM claims_claim WHERE id = ANY(%s)",
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
            LinkRow(
                from_claim_id=a,
                to_claim_id=b,
                kind=k,
                score=sc,
                status=st,
                created_at=_iso(created),
                reviewed_at=_iso(reviewed),
            )
            for a, b, k, sc, st, created, reviewed in rows(
                "SELECT from_claim_id, to_claim_id, kind, score, status, created_at, reviewed_at "
                "FROM claims_claimlink "
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
                submitted_at=_iso(submitted),
            )
            for i, title, url, published, outlet, submitted in rows(
                "SELECT id, title, url, published_at, outlet_id, submitted_at FROM sources_article "
                "WHERE id = ANY(%s)",
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
                created_at=_iso(created),
            )
            for i, name, kind, country, reliability, parent, created in rows(
                # One ANY over an array (an OR with the parents' subquery scanned the table).
                "SELECT id, name, kind, country, reliability, parent_id, created_at FROM sources_source "
                "WHERE id = ANY(%s::bigint[] || ARRAY(SELECT parent_id FROM sources_source "
                "WHERE id = ANY(%s) AND parent_id IS NOT NULL))",
                source_ids,
                source_ids,
            )
        )
        if with_changes:
            changed: dict[tuple[str, int], str | None] = {
                (table, pk): _iso(when)
                for table, pk, when in rows(
                    # Two walks down the audit trail's (table, object_id) index, one per table.
                    "SELECT 'claims_claim', object_id, max(created_at) FROM audit_auditchange "
                    "WHERE \"table\" = 'claims_claim' AND object_id = ANY(%s) GROUP BY object_id "
                    "UNION ALL "
                    "SELECT 'sources_source', object_id, max(created_at) FROM audit_auditchange "
                    "WHERE \"table\" = 'sources_source' AND object_id = ANY(%s) GROUP BY object_id",
                    ids,
                    sorted(s.id for s in sources),
                )
            }
            claims = tuple(
                replace(c, modified_at=changed.get(("claims_claim", c.id))) for c in claims
            )
            sources = tuple(
                replace(s, modified_at=changed.get(("sources_source", s.id))) for s in sources
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

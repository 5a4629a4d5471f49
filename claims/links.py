"""Writes on claim links: matching an article's claims against other articles, recomputing
independent origins and credibility, and an editor's review of a proposed link.

The matcher proposes; an editor confirms or rejects. A reviewed link belongs to the editor: a
re-run of the matcher never changes, deletes or re-proposes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_context
from claims.credibility import credibility_compute, weakest_link
from claims.matching import (
    CANDIDATES_SQL,
    ClaimFeatures,
    FigureFeature,
    Match,
    candidate_params,
    origin_key,
    score_pair,
)
from claims.models import (
    NO_DATE,
    Attribution,
    Claim,
    ClaimDate,
    ClaimLink,
    Figure,
    LinkKind,
    LinkStatus,
)
from provenance.access import require_editor
from provenance.editing import require_reason
from provenance.errors import ApplicationError
from sources.models import Article, ArticleStatus

logger = logging.getLogger(__name__)

CORROBORATING = (LinkKind.SAME, LinkKind.CORROBORATES)
_RELIABLE = {"A", "B", "C"}
# A component of claims joined by same/corroborates links larger than this is a matcher gone
# wrong (or "officials said" everywhere); counting stops there rather than loading the table.
MAX_COMPONENT = 2000
# Matching writes and origin recounts of overlapping claims must not interleave: two workers
# matching two relays of one statement would each count the component without the other's new
# link and the last write would win with a stale count. One transaction-scoped advisory lock
# serializes the (short) write phase; candidate search and scoring run outside it.
_MATCH_LOCK = 0x70726F76  # "prov"


@dataclass(frozen=True)
class MatchReport:
    claims: int
    candidates: int
    created: int
    updated: int
    removed: int


def claims_match_article(*, article_id: int, also_recompute: Iterable[int] = ()) -> MatchReport:
    """Link each claim of the article to the claims of other articles that state the same thing.

    Idempotent: a re-run updates the proposed links it finds again, removes the proposed links
    from this article's claims it no longer finds, and leaves reviewed links alone.
    `also_recompute` are claims whose origin counts may have changed for another reason (the
    former partners of claims that re-extraction replaced).
    """
    if not Article.objects.filter(pk=article_id, status=ArticleStatus.DONE).exists():
        return MatchReport(claims=0, candidates=0, created=0, updated=0, removed=0)
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, candidate_params(article_id=article_id))
        pairs = [(new_id, old_id, float(sim)) for new_id, old_id, sim in cursor.fetchall()]
    new_ids = set(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
    features = claim_features(claim_ids=new_ids | {old for _, old, _ in pairs})
    matches: dict[tuple[int, int], Match] = {}
    for new_id, old_id, similarity in pairs:
        if new_id not in features or old_id not in features:
            continue  # deleted between the two queries (a concurrent re-extraction)
        match = score_pair(features[new_id], features[old_id], similarity=similarity)
        if match is not None:
            ends = (old_id, new_id) if match.reverse else (new_id, old_id)
            matches[ends] = match

    with transaction.atomic():
        _lock()
        existing = {
            frozenset((link.from_claim_id, link.to_claim_id)): link
            for link in ClaimLink.objects.filter(
                Q(from_claim__in=new_ids) | Q(to_claim__in=new_ids)
            )
        }
        to_create, updated = [], 0
        for (from_id, to_id), match in matches.items():
            link = existing.get(frozenset((from_id, to_id)))
            if link is None:
                to_create.append(
                    ClaimLink(
                        from_claim_id=from_id,
                        to_claim_id=to_id,
                        kind=match.kind,
                        score=match.score,
                        evidence=match.evidence,
                    )
                )
            elif link.status == LinkStatus.PROPOSED:
                # Direction only means something for `updates` (later -> earlier); otherwise the
                # link keeps the direction of whichever article was matched first.
                if match.kind != LinkKind.UPDATES:
                    from_id, to_id = link.from_claim_id, link.to_claim_id
                if (link.kind, link.from_claim_id, link.evidence) != (
                    match.kind,
                    from_id,
                    match.evidence,
                ):
                    ClaimLink.objects.filter(pk=link.pk, status=LinkStatus.PROPOSED).update(
                        kind=match.kind,
                        score=match.score,
                        evidence=match.evidence,
                        from_claim_id=from_id,
                        to_claim_id=to_id,
                    )
                    updated += 1
        # ignore_conflicts: a concurrent run for the same article may have created it already.
        ClaimLink.objects.bulk_create(to_create, ignore_conflicts=True)
        found = {frozenset(ends) for ends in matches}
        stale = [
            link.pk
            for key, link in existing.items()
            if link.status == LinkStatus.PROPOSED
            and key not in found
            and link.from_claim_id in new_ids
        ]
        removed = (
            ClaimLink.objects.filter(pk__in=stale, status=LinkStatus.PROPOSED).delete()[0]
            if stale
            else 0
        )
        touched = new_ids | {c for key in found | set(existing) for c in key} | set(also_recompute)
        claims_recompute_origins(claim_ids=touched)
    return MatchReport(
        claims=len(new_ids),
        candidates=len(pairs),
        created=len(to_create),
        updated=updated,
        removed=removed,
    )


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MATCH_LOCK])


def claim_features(*, claim_ids: Iterable[int]) -> dict[int, ClaimFeatures]:
    """The matcher's view of these claims, in four queries whatever their number."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    chains: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for claim_id, source_id, kind in (
        Attribution.objects.filter(claim__in=ids)
        .order_by("claim_id", "position")
        .values_list("claim_id", "source_id", "source__kind")
    ):
        chains[claim_id].append((source_id, kind))
    figures: dict[int, list[FigureFeature]] = defaultdict(list)
    for f in (
        Figure.objects.filter(claim__in=ids)
        .exclude(status="dismissed")
        .values("claim_id", "value", "unit", "text", "low", "high", "approximate", "qualifier")
    ):
        figures[f.pop("claim_id")].append(FigureFeature(**f))
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for claim_id, value in ClaimDate.objects.filter(claim__in=ids, value__isnull=False).values_list(
        "claim_id", "value"
    ):
        dates[claim_id].append(value)
    return {
        c["id"]: ClaimFeatures(
            id=c["id"],
            article_id=c["article_id"],
            text=c["text"],
            hedged=c["hedged"],
            origin=origin_key(chains.get(c["id"], []), c["article__outlet_id"]),
            published=c["article__published_at"],
            figures=tuple(figures.get(c["id"], ())),
            dates=tuple(dates.get(c["id"], ())),
        )
        for c in Claim.objects.filter(pk__in=ids).values(
            "id", "article_id", "text", "hedged", "article__outlet_id", "article__published_at"
        )
    }


# ------------------------------------------------------------------------------ origins

# Every claim reachable through live same/corroborates links, in one recursive query. UNION (not
# UNION ALL) drops claims already reached, so cycles end; the outer LIMIT stops the recursion
# early, since PostgreSQL evaluates a recursive CTE only as far as the outer query reads it.
_COMPONENT_SQL = """
WITH RECURSIVE component(id) AS (
    SELECT unnest(%(start)s::bigint[])
    UNION
    SELECT CASE WHEN l.from_claim_id = c.id THEN l.to_claim_id ELSE l.from_claim_id END
      FROM component c
      JOIN claims_claimlink l ON l.from_claim_id = c.id OR l.to_claim_id = c.id
     WHERE l.kind IN ('same', 'corroborates') AND l.status <> 'rejected'
)
SELECT id FROM component LIMIT %(limit)s
"""


def _component_ids(claim_ids: set[int]) -> tuple[set[int], list[tuple[int, int]]]:
    """Every claim linked to `claim_ids` through live same/corroborates links (at most
    MAX_COMPONENT more than given), and those links. Two queries."""
    with connection.cursor() as cursor:
        cursor.execute(
            _COMPONENT_SQL, {"start": sorted(claim_ids), "limit": len(claim_ids) + MAX_COMPONENT}
        )
        seen = {row[0] for row in cursor.fetchall()} | set(claim_ids)
    edges = list(
        ClaimLink.objects.filter(kind__in=CORROBORATING, from_claim__in=seen, to_claim__in=seen)
        .exclude(status=LinkStatus.REJECTED)
        .values_list("from_claim_id", "to_claim_id")
    )
    return seen, edges


def claims_recompute_origins(*, claim_ids: Iterable[int]) -> int:
    """Recount the independent origins of these claims and of every claim they are linked to,
    and recompute their credibility from their chains and that count. Returns rows changed.

    Origins are counted over a claim's component (claims joined by same/corroborates links that
    an editor has not rejected), each claim contributing the first source of its chain
    (`matching.origin_key`). Credibility counts only origins whose chains are reliable (A-C).
    """
    start = {int(c) for c in claim_ids}
    if not start:
        return 0
    ids, edges = _component_ids(start)
    parent = {c: c for c in ids}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for a, b in edges:
        parent[find(a)] = find(b)

    claims = list(
        Claim.objects.filter(pk__in=ids)
        .select_related("article__outlet")
        .only(
            "id",
            "hedged",
            "verification_status",
            "credibility",
            "credibility_reason",
            "independent_origins",
            "article__outlet__reliability",
            "article__outlet__id",
        )
    )
    chains: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for claim_id, source_id, kind, reliability in (
        Attribution.objects.filter(claim__in=ids)
        .order_by("claim_id", "position")
        .values_list("claim_id", "source_id", "source__kind", "source__reliability")
    ):
        chains[claim_id].append((source_id, kind, reliability))
    origins: dict[int, set[str]] = defaultdict(set)
    reliable: dict[int, set[str]] = defaultdict(set)
    reliabilities: dict[int, list[str]] = {}
    for claim in claims:
        outlet = claim.article.outlet
        chain = chains.get(claim.pk, [])
        reliabilities[claim.pk] = [r for _, _, r in chain] + (
            [outlet.reliability] if outlet else []
        )
        key = origin_key([(s, k) for s, k, _ in chain], outlet.pk if outlet else None)
        root = find(claim.pk)
        origins[root].add(key)
        if weakest_link(reliabilities[claim.pk]) in _RELIABLE:
            reliable[root].add(key)
    changed = []
    for claim in claims:
        root = find(claim.pk)
        count = len(origins[root])
        grade, reason = credibility_compute(
            chain_reliabilities=reliabilities[claim.pk],
            hedged=claim.hedged,
            independent_origins=max(1, len(reliable[root])),
            confirmed=claim.verification_status == "confirmed",
        )
        if (grade, reason[:300], count) != (
            claim.credibility,
            claim.credibility_reason,
            claim.independent_origins,
        ):
            claim.credibility, claim.credibility_reason, claim.independent_origins = (
                grade,
                reason[:300],
                count,
            )
            changed.append(claim)
    _claims_write_grades(changed)
    claims_refresh_sort_keys(claim_ids=ids)
    return len(changed)


# The list's stored sort keys (Claim.published_sort, weakest_reliability, corroboration)
# recomputed from the article, the chain's and the outlet's reliability and the live links: the
# same values `claims.services._claim_row` gives a new claim, for claims whose chain, sources,
# links or article changed since.
_SORT_KEYS_SQL = """
UPDATE claims_claim c
   SET published_sort = v.published_sort, weakest_reliability = v.weakest, corroboration = v.corroboration
  FROM (SELECT k.id,
               COALESCE(a.published_at, %(no_date)s) AS published_sort,
               GREATEST(COALESCE(o.reliability, 'F'),
                        (SELECT max(s.reliability) FROM claims_attribution t
                           JOIN sources_source s ON s.id = t.source_id WHERE t.claim_id = k.id)) AS weakest,
               (SELECT count(*) FROM claims_claimlink l
                 WHERE (l.from_claim_id = k.id OR l.to_claim_id = k.id)
                   AND l.kind = ANY(%(kinds)s) AND l.status <> %(rejected)s) AS corroboration
          FROM claims_claim k
          JOIN sources_article a ON a.id = k.article_id
          LEFT JOIN sources_source o ON o.id = a.outlet_id
         WHERE k.id = ANY(%(ids)s)) AS v
 WHERE c.id = v.id
   AND (c.published_sort, c.weakest_reliability, c.corroboration)
       IS DISTINCT FROM (v.published_sort, v.weakest, v.corroboration)
"""


def claims_article_changed(*, article_id: int) -> None:
    """An article's publication time or outlet changed (in the admin): the copies its claims
    keep (publication day and time, the outlet's reliability in their weakest link and
    credibility) follow."""
    Claim.objects.filter(article_id=article_id).update(published_on=_published_day(article_id))
    claims_recompute_origins(
        claim_ids=Claim.objects.filter(article_id=article_id).values_list("pk", flat=True)
    )


def _published_day(article_id: int) -> dt.date | None:
    published = Article.objects.filter(pk=article_id).values_list("published_at", flat=True).first()
    return published.astimezone(dt.UTC).date() if published else None


# Each claim's sources (chain and outlet, once each) with its publication time: ClaimSource.
_CLAIM_SOURCES_SQL = """
WITH fresh AS (
    SELECT claim_id, source_id, min(published_sort) AS published_sort, bool_or(origin) AS origin,
           bool_or(relay) AS relay
      FROM (SELECT t.claim_id, t.source_id, c.published_sort, t.position = 0 AS origin, t.position > 0 AS relay
              FROM claims_attribution t JOIN claims_claim c ON c.id = t.claim_id
             WHERE t.claim_id = ANY(%(ids)s)
            UNION ALL
            SELECT c.id, a.outlet_id, c.published_sort, false, true
              FROM claims_claim c JOIN sources_article a ON a.id = c.article_id
             WHERE c.id = ANY(%(ids)s) AND a.outlet_id IS NOT NULL) AS m
     GROUP BY claim_id, source_id
), gone AS (
    DELETE FROM claims_claimsource s
     WHERE s.claim_id = ANY(%(ids)s)
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.claim_id = s.claim_id AND f.source_id = s.source_id)
)
INSERT INTO claims_claimsource (claim_id, source_id, published_sort, origin, relay)
SELECT claim_id, source_id, published_sort, origin, relay FROM fresh
ON CONFLICT (claim_id, source_id) DO UPDATE
   SET published_sort = EXCLUDED.published_sort, origin = EXCLUDED.origin, relay = EXCLUDED.relay
 WHERE (claims_claimsource.published_sort, claims_claimsource.origin, claims_claimsource.relay)
       IS DISTINCT FROM (EXCLUDED.published_sort, EXCLUDED.origin, EXCLUDED.relay)
"""


def claims_refresh_sort_keys(*, claim_ids: Iterable[int]) -> int:
    """Recompute the stored list sort keys of these claims (one UPDATE that writes only the rows
    whose keys changed) and their ClaimSource rows. Returns how many claims changed."""
    ids = sorted({int(c) for c in claim_ids})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _SORT_KEYS_SQL,
            {
                "ids": ids,
                "no_date": NO_DATE,
                "kinds": [str(k) for k in CORROBORATING],
                "rejected": str(LinkStatus.REJECTED),
            },
        )
        changed = int(cursor.rowcount)
    claims_refresh_sources(claim_ids=ids)
    return changed


def claims_refresh_sources(*, claim_ids: Iterable[int]) -> None:
    """Write these claims' ClaimSource rows from their chains and articles (one statement: new
    rows in, changed rows updated, rows of sources no longer there out). Extraction calls it for
    the claims it has just stored."""
    ids = sorted({int(c) for c in claim_ids})
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SOURCES_SQL, {"ids": ids})


def _claims_write_grades(claims: list[Claim]) -> None:
    """One UPDATE from unnested arrays: bulk_update's CASE WHEN per column and row was the
    slowest step of matching (about 90 ms for 80 claims)."""
    if not claims:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim AS c SET credibility = v.credibility, credibility_reason = v.reason, "
            "independent_origins = v.origins "
            "FROM unnest(%s::bigint[], %s::smallint[], %s::text[], %s::smallint[]) AS v(id, credibility, reason, origins) "
            "WHERE c.id = v.id",
            [
                [c.pk for c in claims],
                [c.credibility for c in claims],
                [c.credibility_reason for c in claims],
                [c.independent_origins for c in claims],
            ],
        )


# ------------------------------------------------------------------------------ review

LINK_ACTIONS = {"confirm": LinkStatus.CONFIRMED, "reject": LinkStatus.REJECTED}


def claim_link_review(*, actor: Any, link_id: int, action: str, reason: str) -> ClaimLink:
    """An editor confirms or rejects a link the matcher proposed (or changes their mind).

    The link's claims are marked edited, so re-extracting either article keeps them and the
    verdict with them; their origin counts and credibility are recomputed.
    """
    require_editor(actor)
    if action not in LINK_ACTIONS:
        raise ApplicationError(
            f"{action!r} is not a link review action; use confirm or reject.", field="action"
        )
    reason = require_reason(reason, f"{action} the link")
    with audit_context(actor=actor, action=f"link.{action}", reason=reason):
        link = ClaimLink.objects.select_for_update().filter(pk=link_id).first()
        if link is None:
            raise ApplicationError(
                f"There is no claim link {link_id}.", code="not_found", status_code=404
            )
        ClaimLink.objects.filter(pk=link_id).update(
            status=LINK_ACTIONS[action],
            reviewed_at=timezone.now(),
            reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Claim.objects.filter(pk__in=[link.from_claim_id, link.to_claim_id], edited=False).update(
            edited=True
        )
        _lock()
        claims_recompute_origins(claim_ids=[link.from_claim_id, link.to_claim_id])
    reviewed: ClaimLink = ClaimLink.objects.select_related("from_claim", "to_claim").get(pk=link_id)
    return reviewed


def claim_origins(*, claim_id: int) -> list[dict[str, Any]]:
    """The independent origins behind a claim, for its page: each origin's source (or outlet),
    and the claims of the component that trace back to it. Four queries whatever its size."""
    ids, edges = _component_ids({claim_id})
    parent = {c: c for c in ids}

    def find(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c

    for a, b in edges:
        parent[find(a)] = find(b)
    mine = {c for c in ids if find(c) == find(claim_id)}
    rows = list(
        Claim.objects.filter(pk__in=mine)
        .select_related("article__outlet")
        .only("id", "text", "article__title", "article__outlet__name", "article__published_at")
    )
    chains: dict[int, list[Attribution]] = defaultdict(list)
    for a in (
        Attribution.objects.filter(claim__in=mine)
        .select_related("source")
        .order_by("claim_id", "position")
    ):
        chains[a.claim_id].append(a)
    grouped: dict[str, dict[str, Any]] = {}
    for claim in rows:
        outlet = claim.article.outlet
        key, name = origin_named(
            [(a.source_id, a.source.kind, a.source.name) for a in chains.get(claim.pk, [])],
            (outlet.pk, outlet.name) if outlet else None,
        )
        entry = grouped.setdefault(key, {"key": key, "name": name, "claims": []})
        entry["claims"].append(claim)
    return sorted(grouped.values(), key=lambda e: e["name"].casefold())


def origin_named(
    chain: Sequence[tuple[int, str, str]], outlet: tuple[int, str] | None
) -> tuple[str, str]:
    """A claim's origin key (`matching.origin_key`) and how to name it: the first source, "X via
    Y" when X is unnamed ("officials") and Y the first named relay, or the outlet's own reporting.
    `chain` is (source id, kind, name), origin first; `outlet` is (id, name)."""
    key = origin_key(
        [(source_id, kind) for source_id, kind, _ in chain], outlet[0] if outlet else None
    )
    if not chain:
        return key, f"{outlet[1]} (own reporting)" if outlet else "Unknown"
    name = chain[0][2]
    if "@" in key:
        relay = next((n for source_id, _, n in chain[1:] if key.endswith(f"@{source_id}")), None)
        name = f"{name} via {relay or (outlet[1] if outlet else 'an unknown outlet')}"
    return key, name

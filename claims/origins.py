"""Independent origins and credibility: each claim's count of the distinct first sources of its
chain and of the claims joined to it by same/corroborates links, and the grade that follows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from claims.credibility import credibility_compute, weakest_link
from claims.matching import OriginVerdict, origin_key, origins_counted
from claims.models import (
    CORROBORATING,
    Attribution,
    Claim,
    ClaimLink,
    LinkStatus,
)
from claims.sort_keys import claims_refresh_sort_keys
from sources.models import Article

_RELIABLE = {"A", "B", "C"}


# A component of claims joined by same/corroborates links larger than this is a matcher gone
# wrong (or "officials said" everywhere); counting stops there rather than loading the table.
MAX_COMPONENT = 2000


# Matching writes and origin recounts of overlapping claims must not interleave: two workers
# matching two relays of one statement would each count the component without the other's new
# link and the last write would win with a stale count. One transaction-scoped advisory lock
# serializes the (short) write phase; candidate search and scoring run outside it.
_MATCH_LOCK = 0x70726F76  # "prov"


def matching_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MATCH_LOCK])


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
    members: dict[int, list[tuple[list[tuple[int, str]], int | None]]] = defaultdict(list)
    keys: dict[int, str] = {}
    reliabilities: dict[int, list[str]] = {}
    for claim in claims:
        outlet = claim.article.outlet
        chain = chains.get(claim.pk, [])
        reliabilities[claim.pk] = [r for _, _, r in chain] + (
            [outlet.reliability] if outlet else []
        )
        member = ([(s, k) for s, k, _ in chain], outlet.pk if outlet else None)
        keys[claim.pk] = origin_key(*member)
        members[find(claim.pk)].append(member)
    verdicts = {root: origins_counted(group) for root, group in members.items()}
    origins: dict[int, set[str]] = defaultdict(set)
    reliable: dict[int, set[str]] = defaultdict(set)
    for claim in claims:
        root, key = find(claim.pk), keys[claim.pk]
        if verdicts[root][key].counts:
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


def claim_origins(*, claim_id: int) -> list[dict[str, Any]]:
    """The origins behind a claim, for its page: each origin's source (or outlet), the claims of
    the component that trace back to it, whether it counts as independent and why (counted
    ones first). Four queries whatever its size."""
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
    members = []
    for claim in rows:
        outlet = claim.article.outlet
        chain = [(a.source_id, a.source.kind, a.source.name) for a in chains.get(claim.pk, [])]
        key, name = origin_named(chain, (outlet.pk, outlet.name) if outlet else None)
        members.append(([(s, k) for s, k, _ in chain], outlet.pk if outlet else None))
        entry = grouped.setdefault(key, {"key": key, "name": name, "claims": []})
        entry["claims"].append(claim)
    verdicts = origins_counted(members)
    names = {key: entry["name"] for key, entry in grouped.items()}
    for key, entry in grouped.items():
        verdict = verdicts[key]
        entry["counted"] = verdict.counts
        entry["why"] = origin_why(verdict, name=entry["name"], names=names)
    return sorted(grouped.values(), key=lambda e: (not e["counted"], e["name"].casefold()))


def origin_why(verdict: OriginVerdict, *, name: str, names: dict[str, str]) -> str:
    """Why an origin counts as independent, or not, in words for the claim's page."""
    other = names.get(verdict.other or "", "another origin")
    if verdict.reason == "relays_another":
        return (
            f"Not counted: {name} relays {other} in another claim here, so this chain most "
            "likely lost its first source."
        )
    if verdict.reason == "generic_relay":
        return f"Not counted: a generic relay, most likely carrying {other}, counted already."
    return "Counted: an independent first source of this statement."


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


def claims_recompute_credibility(*, claim_ids: list[int]) -> int:
    """Recompute the computed credibility of these claims (after an editor changed a chain, a
    rating or a verification status), with the independent origins of the claims they are
    linked to: a changed chain can change another claim's count too."""
    updated = 0
    for i in range(0, len(claim_ids), 2000):
        updated += claims_recompute_origins(claim_ids=claim_ids[i : i + 2000])
    return updated

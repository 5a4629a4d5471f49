"""Writes on claim links: matching an article's claims against other articles, and an editor's
review of a proposed link (origins and credibility follow, claims/origins.py).

The matcher proposes; an editor confirms or rejects. A reviewed link belongs to the editor: a
re-run of the matcher never changes, deletes or re-proposes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_context
from claims.matching import (
    CANDIDATES_SQL,
    ClaimFeatures,
    FigureFeature,
    Match,
    candidate_params,
    origin_key,
    said_without,
    score_pair,
)
from claims.models import (
    Attribution,
    Claim,
    ClaimDate,
    ClaimLink,
    Figure,
    LinkKind,
    LinkStatus,
)
from claims.origins import claims_recompute_origins, matching_lock
from core.access import require_editor
from core.editing import require_reason
from core.errors import ApplicationError
from sources.models import Article, ArticleStatus

logger = logging.getLogger(__name__)


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
        rows = cursor.fetchall()
    pairs = [(new_id, old_id) for new_id, old_id, _, _ in rows]
    terms = {(new_id, old_id): list(words) for new_id, old_id, _, words in rows}
    new_ids = set(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
    features = claim_features(claim_ids=new_ids | {old for _, old in pairs})
    matches: dict[tuple[int, int], Match] = {}
    for new_id, old_id in pairs:
        if new_id not in features or old_id not in features:
            continue  # deleted between the two queries (a concurrent re-extraction)
        match = score_pair(features[new_id], features[old_id])
        if match is not None:
            # Why the pair was a candidate at all: the words of the claim's query it holds.
            evidence = {**match.evidence, "query_terms": terms[new_id, old_id]}
            match = dataclasses.replace(match, evidence=evidence)
            ends = (old_id, new_id) if match.reverse else (new_id, old_id)
            matches[ends] = match

    with transaction.atomic():
        matching_lock()
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


def claim_features(*, claim_ids: Iterable[int]) -> dict[int, ClaimFeatures]:
    """The matcher's view of these claims, in four queries whatever their number."""
    ids = list(set(claim_ids))
    if not ids:
        return {}
    chains: dict[int, list[tuple[int, str]]] = defaultdict(list)
    mentions: dict[int, list[str]] = defaultdict(list)
    for claim_id, source_id, kind, mention in (
        Attribution.objects.filter(claim__in=ids)
        .order_by("claim_id", "position")
        .values_list("claim_id", "source_id", "source__kind", "mention")
    ):
        chains[claim_id].append((source_id, kind))
        mentions[claim_id].append(mention)
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
            said=said_without(c["text"], mentions.get(c["id"], ())),
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
        matching_lock()
        claims_recompute_origins(claim_ids=[link.from_claim_id, link.to_claim_id])
    reviewed: ClaimLink = ClaimLink.objects.select_related("from_claim", "to_claim").get(pk=link_id)
    return reviewed

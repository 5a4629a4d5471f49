"""Editorial writes on claims and figures. Every one runs under an audit context (who, what,
why), checks the editor's role, and uses optimistic concurrency: the caller says which version
it edited, and a stale version is a 412 conflict showing the newer value, never an overwrite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audit.services import audit_context
from claims.models import (
    Attribution,
    Claim,
    ClaimDate,
    ClaimLink,
    Credibility,
    Figure,
    FigureStatus,
    VerificationStatus,
)
from claims.origins import claims_recompute_credibility
from claims.sort_keys import claims_refresh_sort_keys
from core.access import require_editor
from core.editing import bump_version, require_reason
from core.errors import ApplicationError
from sources.models import Source
from sources.services import SourceSpec, sources_resolve


def _claim(claim_id: int) -> Claim:
    claim: Claim | None = Claim.objects.select_related("article").filter(pk=claim_id).first()
    if claim is None:
        raise ApplicationError(f"There is no claim {claim_id}.", code="not_found", status_code=404)
    return claim


# ----------------------------------------------------------------------------- claims


def claim_set_verification(
    *, actor: Any, claim_id: int, expected_version: int | None, status: str, reason: str
) -> Claim:
    require_editor(actor)
    if status not in VerificationStatus.values:
        raise ApplicationError(
            f"{status!r} is not a verification status; use one of "
            f"{', '.join(VerificationStatus.values)}.",
            field="status",
        )
    reason = require_reason(reason, "change the verification status")
    with audit_context(actor=actor, action="claim.verification", reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={"verification_status": None},
            verification_status=status,
            edited=True,
        )
        claims_recompute_credibility(claim_ids=[claim_id])
    return _claim(claim_id)


def claim_override_credibility(
    *, actor: Any, claim_id: int, expected_version: int | None, credibility: int | None, reason: str
) -> Claim:
    """Set (1-6) or clear (None) the editor's credibility grade over the computed one."""
    require_editor(actor)
    if credibility is not None and credibility not in Credibility.values:
        raise ApplicationError(
            "Credibility is an Admiralty grade from 1 (confirmed) to 6 (cannot be judged).",
            field="credibility",
        )
    reason = require_reason(reason, "override the credibility")
    with audit_context(actor=actor, action="claim.credibility", reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={"credibility_override": None},
            credibility_override=credibility,
            edited=True,
        )
    return _claim(claim_id)


def claim_correct_span(
    *,
    actor: Any,
    claim_id: int,
    expected_version: int | None,
    start: int,
    end: int,
    reason: str,
    kind: str | None = None,
) -> Claim:
    """Move the claim's span within its article; its text follows the span."""
    require_editor(actor)
    reason = require_reason(reason, "correct the span")
    claim = _claim(claim_id)
    body = claim.article.body
    if not (0 <= start < end <= len(body)) or not body[start:end].strip():
        raise ApplicationError(
            f"The span {start}-{end} is not a stretch of text in the article (0-{len(body)}).",
            field="start",
        )
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    fields: dict[str, Any] = {
        "start": start,
        "end": end,
        "text": body[start:end],
        "edited": True,
        "sentence_start": min(claim.sentence_start, start),
        "sentence_end": max(claim.sentence_end, end),
    }
    if kind is not None:
        fields["kind"] = kind
    with audit_context(actor=actor, action="claim.span", reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={"start": None, "end": None, "text": None},
            **fields,
        )
    return _claim(claim_id)


@dataclass(frozen=True)
class ChainLink:
    """One link of a chain as an editor gives it: an existing source, or a name to resolve."""

    source_id: int | None = None
    name: str = ""
    mention: str = ""
    cue: str = ""


def claim_set_chain(
    *,
    actor: Any,
    claim_id: int,
    expected_version: int | None,
    links: Sequence[ChainLink],
    reason: str,
    action: str = "claim.chain",
) -> Claim:
    """Replace the claim's chain (origin first): change, reorder, add or remove sources."""
    require_editor(actor)
    reason = require_reason(reason, "change the chain")
    if len(links) > 10:
        raise ApplicationError("A chain has at most 10 links.", field="links")
    ids = [link.source_id for link in links if link.source_id is not None]
    by_id = Source.objects.in_bulk(ids)
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ApplicationError(f"There is no source {missing[0]}.", field="links")
    for link in links:
        if link.source_id is None and not link.name.strip():
            raise ApplicationError("Each link needs a source id or a name.", field="links")
    with audit_context(actor=actor, action=action, reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={},
            edited=True,
        )
        named = sources_resolve(
            specs=[SourceSpec(name=link.name.strip()) for link in links if link.source_id is None]
        )
        Attribution.objects.filter(claim_id=claim_id).delete()
        rows = []
        for position, link in enumerate(links):
            source = (
                by_id[link.source_id]
                if link.source_id is not None
                else named[link.name.strip().casefold()]
            )
            rows.append(
                Attribution(
                    claim_id=claim_id,
                    source=source,
                    position=position,
                    mention=(link.mention or link.name or source.name)[:300],
                    cue=link.cue[:200],
                )
            )
        Attribution.objects.bulk_create(rows)
        claims_recompute_credibility(claim_ids=[claim_id])
    return _claim(claim_id)


def claim_split(
    *, actor: Any, claim_id: int, expected_version: int | None, at: int, reason: str
) -> tuple[Claim, Claim]:
    """Split a claim at an offset of its article into two claims with the same chain."""
    require_editor(actor)
    reason = require_reason(reason, "split the claim")
    claim = _claim(claim_id)
    body = claim.article.body
    if (
        not (claim.start < at < claim.end)
        or not body[claim.start : at].strip()
        or not body[at : claim.end].strip()
    ):
        raise ApplicationError(
            f"Split inside the claim's text, between {claim.start} and {claim.end}, "
            "leaving text on both sides.",
            field="at",
        )
    left_end = at
    while left_end > claim.start and body[left_end - 1].isspace():
        left_end -= 1
    right_start = at
    while right_start < claim.end and body[right_start].isspace():
        right_start += 1
    with audit_context(actor=actor, action="claim.split", reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={"start": None, "end": None},
            end=left_end,
            text=body[claim.start : left_end],
            edited=True,
        )
        right = Claim.objects.create(
            article_id=claim.article_id,
            text=body[right_start : claim.end],
            start=right_start,
            end=claim.end,
            sentence_index=claim.sentence_index,
            sentence_start=claim.sentence_start,
            sentence_end=claim.sentence_end,
            kind=claim.kind,
            cue=claim.cue,
            hedged=claim.hedged,
            hedge_cues=claim.hedge_cues,
            credibility=claim.credibility,
            credibility_override=claim.credibility_override,
            verification_status=claim.verification_status,
            extractor_version=claim.extractor_version,
            edited=True,
            published_on=claim.published_on,
            published_sort=claim.published_sort,
            weakest_reliability=claim.weakest_reliability,
        )
        Attribution.objects.bulk_create(
            [
                Attribution(
                    claim=right,
                    source_id=a.source_id,
                    position=a.position,
                    mention=a.mention,
                    cue=a.cue,
                    inherited=a.inherited,
                )
                for a in Attribution.objects.filter(claim_id=claim_id).order_by("position")
            ]
        )
        Figure.objects.filter(claim_id=claim_id, start__gte=at).update(claim=right)
        ClaimDate.objects.filter(claim_id=claim_id, start__gte=at).update(claim=right)
        claims_refresh_sort_keys(claim_ids=[claim_id, right.pk])
    return _claim(claim_id), _claim(right.pk)


def claim_merge(
    *, actor: Any, claim_id: int, other_id: int, expected_version: int | None, reason: str
) -> Claim:
    """Merge another claim of the same article into this one; this claim's chain is kept."""
    require_editor(actor)
    reason = require_reason(reason, "merge the claims")
    claim, other = _claim(claim_id), _claim(other_id)
    if claim.pk == other.pk or claim.article_id != other.article_id:
        raise ApplicationError("Merge two different claims of the same article.", field="other_id")
    start, end = min(claim.start, other.start), max(claim.end, other.end)
    body = claim.article.body
    with audit_context(actor=actor, action="claim.merge", reason=reason):
        bump_version(
            Claim.objects,
            pk=claim_id,
            expected_version=expected_version,
            label="claim",
            current={"start": None, "end": None},
            start=start,
            end=end,
            text=body[start:end],
            sentence_start=min(claim.sentence_start, other.sentence_start),
            sentence_end=max(claim.sentence_end, other.sentence_end),
            edited=True,
            hedged=claim.hedged or other.hedged,
            hedge_cues=list(dict.fromkeys([*claim.hedge_cues, *other.hedge_cues])),
        )
        Figure.objects.filter(claim=other).update(claim=claim)
        ClaimDate.objects.filter(claim=other).update(claim=claim)
        # Links of the absorbed claim move over unless this claim already has the same link.
        mine = (
            set(ClaimLink.objects.filter(from_claim=claim).values_list("to_claim_id", flat=True))
            | set(ClaimLink.objects.filter(to_claim=claim).values_list("from_claim_id", flat=True))
            | {claim.pk}
        )
        ClaimLink.objects.filter(from_claim=other).exclude(to_claim_id__in=mine).update(
            from_claim=claim
        )
        ClaimLink.objects.filter(to_claim=other).exclude(from_claim_id__in=mine).update(
            to_claim=claim
        )
        Claim.objects.filter(pk=other.pk).delete()
        claims_recompute_credibility(claim_ids=[claim_id])
    return _claim(claim_id)


# ----------------------------------------------------------------------------- figures

FIGURE_ACTIONS = {
    "flag": FigureStatus.UNCONFIRMED,
    "confirm": FigureStatus.CONFIRMED,
    "dismiss": FigureStatus.DISMISSED,
}


def figure_review(
    *,
    actor: Any,
    figure_id: int,
    expected_version: int | None,
    action: str,
    reason: str = "",
    evidence: str = "",
) -> Figure:
    """Flag a figure as unconfirmed (reason), confirm it (evidence: a URL or a note), or dismiss it."""
    require_editor(actor)
    if action not in FIGURE_ACTIONS:
        raise ApplicationError(
            f"{action!r} is not a review action; use flag, confirm or dismiss.", field="action"
        )
    if action == "flag":
        require_reason(reason, "flag the figure")
    if action == "confirm" and not (evidence or "").strip():
        raise ApplicationError(
            "Confirming a figure needs evidence: a URL or a note.", field="evidence"
        )
    figure = Figure.objects.filter(pk=figure_id).first()
    if figure is None:
        raise ApplicationError(
            f"There is no figure {figure_id}.", code="not_found", status_code=404
        )
    with audit_context(actor=actor, action=f"figure.{action}", reason=reason, evidence=evidence):
        bump_version(
            Figure.objects,
            pk=figure_id,
            expected_version=expected_version,
            label="figure",
            current={"status": None},
            status=FIGURE_ACTIONS[action],
        )
        # An editor's work on a figure must survive re-extraction of its article.
        Claim.objects.filter(pk=figure.claim_id, edited=False).update(edited=True)
    updated: Figure = Figure.objects.get(pk=figure_id)
    return updated

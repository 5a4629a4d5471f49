"""Editorial writes on sources: ratings, facts, aliases, merges. Audited, role-checked, versioned."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import Lower

from audit.services import audit_context
from claims.models import Attribution, Claim
from claims.origins import claims_recompute_credibility
from core.access import require_editor
from core.editing import bump_version, require_reason
from core.errors import ApplicationError
from extraction.types import SourceKind
from sources.models import Article, Reliability, Source, SourceAlias


def _source(source_id: int) -> Source:
    source: Source | None = Source.objects.select_related("parent").filter(pk=source_id).first()
    if source is None:
        raise ApplicationError(
            f"There is no source {source_id}.", code="not_found", status_code=404
        )
    return source


def _claims_of(source_id: int) -> list[int]:
    return list(
        Claim.objects.filter(attributions__source_id=source_id)
        .values_list("pk", flat=True)
        .distinct()
    ) + list(Claim.objects.filter(article__outlet_id=source_id).values_list("pk", flat=True))


def source_rate(
    *,
    actor: Any,
    source_id: int,
    expected_version: int | None,
    reliability: str,
    reason: str,
    evidence: str = "",
) -> Source:
    """Rate a source's reliability (Admiralty A-F) with a reason; its claims' credibility follows."""
    require_editor(actor)
    reliability = (reliability or "").strip().upper()
    if reliability not in Reliability.values:
        raise ApplicationError(
            "Reliability is an Admiralty grade from A (reliable) to F (cannot be judged).",
            field="reliability",
        )
    reason = require_reason(reason, "rate the source")
    with audit_context(actor=actor, action="source.rate", reason=reason, evidence=evidence):
        bump_version(
            Source.objects,
            pk=source_id,
            expected_version=expected_version,
            label="source",
            current={"reliability": None, "reliability_reason": None},
            reliability=reliability,
            reliability_reason=reason
            + (f" Evidence: {evidence.strip()}" if evidence.strip() else ""),
        )
        claims_recompute_credibility(claim_ids=_claims_of(source_id))
    return _source(source_id)


def source_update(
    *,
    actor: Any,
    source_id: int,
    expected_version: int | None,
    reason: str,
    kind: str | None = None,
    country: str | None = None,
    parent_id: int | None | bool = False,
) -> Source:
    """Set a source's kind, country or parent (parent_id=None clears it; False leaves it)."""
    require_editor(actor)
    reason = require_reason(reason, "change the source")
    fields: dict[str, Any] = {}
    if kind is not None:
        if kind not in {k.value for k in SourceKind}:
            raise ApplicationError(f"{kind!r} is not a source kind.", field="kind")
        fields["kind"] = kind
    if country is not None:
        if len(country.strip()) > 8:
            raise ApplicationError("Use a country code such as KR or RU.", field="country")
        fields["country"] = country.strip().upper()
    if parent_id is not False:
        if parent_id is not None:
            # Walk up from the new parent: the source itself must not be among its ancestors.
            node: Source | None = _source(int(parent_id))
            for _ in range(50):
                if node is None:
                    break
                if node.pk == source_id:
                    raise ApplicationError(
                        "A source cannot be its own parent or ancestor.", field="parent_id"
                    )
                node = node.parent
        fields["parent_id"] = parent_id
    if not fields:
        raise ApplicationError("Nothing to change: give a kind, country or parent.")
    with audit_context(actor=actor, action="source.update", reason=reason):
        bump_version(
            Source.objects,
            pk=source_id,
            expected_version=expected_version,
            label="source",
            current={k: None for k in fields},
            **fields,
        )
    return _source(source_id)


def source_alias_add(*, actor: Any, source_id: int, alias: str, reason: str = "") -> SourceAlias:
    require_editor(actor)
    alias = " ".join((alias or "").split())
    if not alias or len(alias) > 300:
        raise ApplicationError("Give an alias of 1 to 300 characters.", field="alias")
    source = _source(source_id)
    taken = (
        SourceAlias.objects.annotate(key=Lower("alias"))
        .filter(key=alias.casefold())
        .select_related("source")
        .first()
    )
    if taken is not None:
        raise ApplicationError(
            f"{alias!r} is already an alias of {taken.source.name}.",
            code="conflict",
            field="alias",
            status_code=409,
        )
    if (
        Source.objects.annotate(key=Lower("name"))
        .filter(key=alias.casefold())
        .exclude(pk=source_id)
        .exists()
    ):
        raise ApplicationError(
            f"{alias!r} is the name of another source: merge the two instead.",
            code="conflict",
            field="alias",
            status_code=409,
        )
    with audit_context(
        actor=actor, action="source.alias", reason=reason or f"Alias {alias} of {source.name}"
    ):
        created: SourceAlias = SourceAlias.objects.create(source=source, alias=alias)
        Source.objects.filter(pk=source_id).update(version=F("version") + 1)
    return created


def source_merge(*, actor: Any, source_id: int, other_id: int, reason: str) -> Source:
    """Merge `other` into this source: its attributions, articles, aliases and children move over,
    its name becomes an alias, and it is deleted. Nothing that pointed at it is lost."""
    require_editor(actor)
    reason = require_reason(reason, "merge the sources")
    if source_id == other_id:
        raise ApplicationError("Choose two different sources to merge.", field="other_id")
    keep, other = _source(source_id), _source(other_id)
    with audit_context(actor=actor, action="source.merge", reason=reason):
        affected = _claims_of(other.pk)
        Attribution.objects.filter(source=other).update(source=keep)
        Article.objects.filter(outlet=other).update(outlet=keep)
        Source.objects.filter(parent=other).exclude(pk=keep.pk).update(parent=keep)
        if keep.parent_id == other.pk:
            Source.objects.filter(pk=keep.pk).update(parent=other.parent_id)
        SourceAlias.objects.filter(source=other).update(source=keep)
        Source.objects.filter(pk=other.pk).delete()
        SourceAlias.objects.create(source=keep, alias=other.name)
        Source.objects.filter(pk=keep.pk).update(version=F("version") + 1)
        claims_recompute_credibility(claim_ids=affected)
    return _source(keep.pk)

"""The claims API: the list of claims (filtered and ordered as analysts need) and one claim.
One view per operation, each with its own serializers.

Views parse the query, call one selector, shape the output; what a filter means lives in
`claims.selectors` (the web pages call the same selectors). Figures, graphs and claim links have
their APIs in `claims.apis_figures`, `claims.apis_graphs` and `claims.apis_links`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Claim, ClaimLink, FigureStatus, VerificationStatus
from claims.origins import claim_origins
from claims.selectors import ClaimFilters, ClaimOrdering, SourceRole, claim_list
from claims.selectors_rows import CONTEXT_CHARS, claim_detail_row, claim_list_rows
from core.api_tools import (
    DateOrDateTimeField,
    ErrorOutput,
    IdField,
    IdOrNameField,
    KeysetPagination,
    check_path_id,
    parse_query,
    split_id_or_name,
)
from core.errors import ApplicationError
from extraction.types import SourceKind
from sources.models import Reliability

# ------------------------------------------------------------------------------ shared output


class SourceRefOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    reliability = serializers.CharField(help_text="Admiralty source reliability, A (best) to F.")


class ChainLinkOutput(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField(
        help_text="0 = the origin; each later link relayed the one before."
    )
    mention = serializers.CharField(help_text="The source as written in the article.")
    cue = serializers.CharField(help_text="The attribution cue: 'according to', 'cited by'...")
    source = SourceRefOutput()


class FigureBriefOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    value = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    text = serializers.CharField()
    approximate = serializers.BooleanField()
    qualifier = serializers.CharField()
    status = serializers.ChoiceField(choices=FigureStatus.choices)


class DateOutput(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField()
    value = serializers.DateField(allow_null=True)


class ArticleRefOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    outlet = SourceRefOutput(allow_null=True)


class ClaimListOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    text = serializers.CharField()
    kind = serializers.CharField()
    cue = serializers.CharField()
    hedged = serializers.BooleanField()
    hedge_cues = serializers.ListField(child=serializers.CharField())
    credibility = serializers.IntegerField(
        source="effective_credibility",
        help_text="Admiralty information credibility, 1 (confirmed) to 6; an editor's override first.",
    )
    verification_status = serializers.ChoiceField(choices=VerificationStatus.choices)
    weakest_reliability = serializers.CharField(
        help_text="The chain's weakest link, the outlet included (F when there is no outlet)."
    )
    corroboration = serializers.IntegerField(
        help_text="Claims linked as the same or corroborating (ClaimLink rows, not rejected)."
    )
    independent_origins = serializers.IntegerField(
        help_text=(
            "Distinct first sources behind this claim and the claims linked to it as the same or "
            "corroborating: twenty relays of one statement are one origin."
        )
    )
    article = ArticleRefOutput()
    chain = ChainLinkOutput(
        many=True,
        source="attributions.all",
        help_text="Named sources, origin first. The outlet is the implicit last relay.",
    )
    figures = FigureBriefOutput(many=True, source="figures.all")
    dates = DateOutput(many=True, source="dates.all")

    def get_url(self, claim: Claim) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:claim-detail", args=[claim.pk])
        )


class ClaimListQuery(serializers.Serializer):  # type: ignore[type-arg]
    source = IdOrNameField(
        required=False,
        help_text=(
            "A source id, or a name or alias (any case): claims whose chain includes it, "
            "the publishing outlet included unless `source_role` says otherwise."
        ),
    )
    source_role = serializers.ChoiceField(
        choices=[r.value for r in SourceRole],
        required=False,
        help_text="Where `source` must be: any link (default), origin (position 0), relay (later, or the outlet).",
    )
    source_kind = serializers.ChoiceField(
        choices=[k.value for k in SourceKind],
        required=False,
        help_text="Some link of the chain (or the outlet) is of this kind.",
    )
    min_reliability = serializers.ChoiceField(
        choices=Reliability.values,
        required=False,
        help_text=(
            "Every link of the chain, outlet included, is at least this reliable (A best, F worst). "
            "An article without an outlet counts as F."
        ),
    )
    max_credibility = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=6,
        help_text="Credibility at most N (1 confirmed ... 6 cannot be judged).",
    )
    hedged = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only hedged (true) or unhedged (false) claims.",
    )
    verification_status = serializers.ChoiceField(choices=VerificationStatus.values, required=False)
    flagged_figures = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: claims with a figure an editor flagged `unconfirmed`; false: without one.",
    )
    article = IdField(required=False, help_text="Claims of this article.")
    outlet = IdOrNameField(
        required=False, help_text="The publishing outlet: an id, or a name or alias."
    )
    published_from = DateOrDateTimeField(
        required=False,
        help_text=("Published at or after: a date (the whole day) or an ISO 8601 date-time."),
    )
    published_until = DateOrDateTimeField(
        required=False,
        help_text=("Published at or before: a date (the whole day) or an ISO 8601 date-time."),
    )
    search = serializers.CharField(
        required=False,
        max_length=500,
        help_text=(
            "Full-text search over the claim text (English stemming), web-search syntax: "
            'words, "a phrase", -excluded, or.'
        ),
    )
    min_origins = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=("At least N independent origins (see `independent_origins`)."),
    )
    ordering = serializers.ChoiceField(
        choices=[o.value for o in ClaimOrdering],
        required=False,
        help_text=(
            "-published (default), published, reliability (weakest link A first), -reliability, "
            "-corroboration, corroboration, -id, id, -origins (most independent origins first), origins. "
            "Ties are broken by newest publication, then id."
        ),
    )


def claim_filters(query: dict[str, Any], **fixed: Any) -> ClaimFilters:
    source_id, source_name = split_id_or_name(query.get("source"))
    outlet_id, outlet_name = split_id_or_name(query.get("outlet"))
    values: dict[str, Any] = {
        "source_id": source_id,
        "source_name": source_name,
        "source_role": SourceRole(query.get("source_role", SourceRole.ANY)),
        "source_kind": query.get("source_kind"),
        "min_reliability": query.get("min_reliability"),
        "max_credibility": query.get("max_credibility"),
        "hedged": query.get("hedged"),
        "verification_status": query.get("verification_status"),
        "flagged_figures": query.get("flagged_figures"),
        "article_id": query.get("article"),
        "outlet_id": outlet_id,
        "outlet_name": outlet_name,
        "published_from": query.get("published_from"),
        "published_until": query.get("published_until"),
        "search": query.get("search"),
        "min_origins": query.get("min_origins"),
        "ordering": ClaimOrdering(query.get("ordering", ClaimOrdering.NEWEST)),
    }
    values.update(fixed)
    return ClaimFilters(**values)


def claim_page(request: Request, view: APIView, filters: ClaimFilters) -> Response:
    """A page of the claims list. The rows are plain data from `claim_list_rows` in
    `ClaimListOutput`'s shape (which documents them; a test holds the two equal): the
    serializer's per-field work and the model instances cost 3x the query time per page."""
    paginator = KeysetPagination(narrow_first=True)
    rows = paginator.paginate_queryset(
        claim_list(filters=filters),
        request,
        view=view,
        load=lambda ids: claim_list_rows(claim_ids=ids),
    )
    sample = reverse("api:claim-detail", args=[_URL_ID])
    template = request.build_absolute_uri(sample)
    marker = str(_URL_ID)
    return paginator.get_paginated_response(
        [{"id": row["id"], "url": template.replace(marker, str(row["id"])), **row} for row in rows]
    )


_URL_ID = 987654321987  # a placeholder id, replaced in the one reversed URL


class ClaimListApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="claims_list",
        summary="List and filter claims",
        parameters=[ClaimListQuery],
        responses={200: ClaimListOutput(many=True), 400: ErrorOutput},
        description="Claims with their chain of sources (origin first), figures and dates, "
        "filtered and ordered as analysts need. Keyset pagination: follow `next`.",
    )
    def get(self, request: Request) -> Response:
        return claim_page(request, self, claim_filters(parse_query(ClaimListQuery, request)))


# ------------------------------------------------------------------------------ detail


class ContextOutput(serializers.Serializer):  # type: ignore[type-arg]
    before = serializers.CharField(help_text="Article text before the sentence.")
    sentence = serializers.CharField(help_text="The sentence the claim was found in.")
    after = serializers.CharField(help_text="Article text after the sentence.")
    sentence_start = serializers.IntegerField()
    sentence_end = serializers.IntegerField()


class LinkedClaimOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    text = serializers.CharField()
    article_id = serializers.IntegerField()


class ClaimLinkOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(
        choices=["out", "in"], help_text="out: this claim -> other; in: other -> this claim."
    )
    kind = serializers.CharField(help_text="same, corroborates, contradicts, updates.")
    status = serializers.CharField()
    score = serializers.FloatField()
    evidence = serializers.JSONField(
        help_text=(
            "Why the matcher proposed it: similarity, shared_words, shared_names, figures (each pair "
            "counting the same thing, and whether they agree), dates, same_origin."
        )
    )
    claim = LinkedClaimOutput()


class OriginOutput(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField(
        help_text="'source:12', 'outlet:4' (own reporting), 'source:7@3' (unnamed via 3)."
    )
    name = serializers.CharField()
    claims = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Claims (this one and its matches) tracing back to this origin.",
    )


class ChainStepOutput(ChainLinkOutput):
    implicit = serializers.BooleanField(
        help_text="True for the publishing outlet, the implicit last relay."
    )


class ClaimDetailOutput(ClaimListOutput):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    sentence_index = serializers.IntegerField()
    context = serializers.SerializerMethodField()
    credibility_computed = serializers.IntegerField(source="credibility")
    credibility_override = serializers.IntegerField(allow_null=True)
    credibility_reason = serializers.CharField(
        help_text="Why the computed credibility is what it is."
    )
    origins = serializers.SerializerMethodField()
    extractor_version = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    full_chain = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    graph_url = serializers.SerializerMethodField()

    @extend_schema_field(ContextOutput)
    def get_context(self, claim: Claim) -> dict[str, Any]:
        body = claim.article.body
        start, end = claim.sentence_start, claim.sentence_end
        return {
            "before": body[max(0, start - CONTEXT_CHARS) : start],
            "sentence": body[start:end],
            "after": body[end : end + CONTEXT_CHARS],
            "sentence_start": start,
            "sentence_end": end,
        }

    @extend_schema_field(ChainStepOutput(many=True))
    def get_full_chain(self, claim: Claim) -> list[dict[str, Any]]:
        chain: list[dict[str, Any]] = [
            {**ChainLinkOutput(a).data, "implicit": False} for a in claim.attributions.all()
        ]
        outlet = claim.article.outlet
        if outlet is not None:
            chain.append(
                {
                    "position": len(chain),
                    "mention": outlet.name,
                    "cue": "",
                    "source": SourceRefOutput(outlet).data,
                    "implicit": True,
                }
            )
        return chain

    @extend_schema_field(ClaimLinkOutput(many=True))
    def get_links(self, claim: Claim) -> list[dict[str, Any]]:
        def shape(link: ClaimLink, direction: str, other: Claim) -> dict[str, Any]:
            return {
                "id": link.pk,
                "direction": direction,
                "kind": link.kind,
                "status": link.status,
                "score": link.score,
                "evidence": link.evidence,
                "claim": {"id": other.pk, "text": other.text, "article_id": other.article_id},
            }

        return [shape(x, "out", x.to_claim) for x in claim.links_out.all()] + [
            shape(x, "in", x.from_claim) for x in claim.links_in.all()
        ]

    @extend_schema_field(OriginOutput(many=True))
    def get_origins(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {"key": o["key"], "name": o["name"], "claims": [c.pk for c in o["claims"]]}
            for o in claim_origins(claim_id=claim.pk)
        ]

    def get_graph_url(self, claim: Claim) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:claim-graph", args=[claim.pk])
        )


# Declared on the class (scoped to GET) rather than on `get`, so a view that composes this one
# with other methods and wraps `get` (the editorial API adds an ETag) keeps the documentation.
@extend_schema(
    methods=["GET"],
    summary="One claim with its whole chain",
    responses={200: ClaimDetailOutput, 404: ErrorOutput},
    description="The claim, its chain (origin first, then relays, then the outlet), "
    "figures, dates, links to other claims and its sentence in context.",
)
class ClaimDetailApi(APIView):
    def get(self, request: Request, claim_id: int) -> Response:
        # Plain data in ClaimDetailOutput's shape (which documents it; a test holds them equal).
        row = claim_detail_row(claim_id=check_path_id(claim_id, "claim"))
        if row is None:
            raise ApplicationError(
                f"There is no claim {claim_id}.", code="not_found", status_code=404
            )
        url = request.build_absolute_uri(reverse("api:claim-detail", args=[row["id"]]))
        graph_url = request.build_absolute_uri(reverse("api:claim-graph", args=[row["id"]]))
        return Response({"id": row["id"], "url": url, **row, "graph_url": graph_url})

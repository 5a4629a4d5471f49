"""The claims API: the list of claims (filtered and ordered as analysts need) and one claim.
One view per operation, its query serializer here, its answer's shape in
`claims.selectors_rows` (a TypedDict the schema documents; the view returns the data as built).

Views parse the query, call one selector, shape the output; what a filter means lives in
`claims.selectors` (the web pages call the same selectors). Figures, graphs and claim links have
their APIs in `claims.apis_figures`, `claims.apis_graphs` and `claims.apis_links`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.claimreview import ClaimReview, build_claim_review
from claims.models import VerificationStatus
from claims.selectors import ClaimFilters, ClaimOrdering, SourceRole, claim_list
from claims.selectors_reviews import claim_review_row
from claims.selectors_rows import (
    ClaimDetailOutput,
    ClaimListOutput,
    ClaimUrl,
    claim_detail_row,
    claim_list_rows,
)
from core.api_tools import (
    DateOrDateTimeField,
    ErrorOutput,
    FastJSONRenderer,
    IdField,
    IdOrNameField,
    JSONFormatRenderer,
    KeysetPagination,
    check_path_id,
    parse_query,
    split_id_or_name,
)
from core.errors import ApplicationError
from core.openapi import openapi_component
from extraction.types import SourceKind
from sources.models import Reliability


class ClaimListQuery(serializers.Serializer):
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


def claim_url(request: Request, name: str = "api:claim-detail") -> ClaimUrl:
    """A claim's absolute URL (`name`: its detail or its graph) from its id: the URL of one
    placeholder id, reversed and made absolute once per request, with each claim's id put in
    (not a `reverse` per row of a page)."""
    template = request.build_absolute_uri(reverse(name, args=[_URL_ID]))
    marker = str(_URL_ID)
    return lambda claim_id: template.replace(marker, str(claim_id))


_URL_ID = 987654321987  # a placeholder id, replaced in the one reversed URL


def claim_page(request: Request, view: APIView, filters: ClaimFilters) -> Response:
    """A page of the claims list: the rows are plain data from `claim_list_rows` (the
    serializer's per-field work and the model instances cost 3x the query time per page)."""
    paginator = KeysetPagination(narrow_first=True)
    url_of = claim_url(request)
    rows = paginator.paginate_queryset(
        claim_list(filters=filters),
        request,
        view=view,
        load=lambda ids: claim_list_rows(claim_ids=ids, url_of=url_of),
    )
    return paginator.get_paginated_response(rows)


class ClaimListApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="claims_list",
        summary="List and filter claims",
        parameters=[ClaimListQuery],
        responses={200: openapi_component(ClaimListOutput, many=True), 400: ErrorOutput},
        description="Claims with their chain of sources (origin first), figures and dates, "
        "filtered and ordered as analysts need. Keyset pagination: follow `next`.",
    )
    def get(self, request: Request) -> Response:
        return claim_page(request, self, claim_filters(parse_query(ClaimListQuery, request)))


class ClaimReviewRenderer(JSONFormatRenderer):
    """Selected with `?format=claimreview`: the editor's verdict as schema.org ClaimReview."""

    media_type = "application/ld+json"
    format = "claimreview"


def claim_review(request: Request, claim_id: int) -> ClaimReview:
    """The claim's ClaimReview; 404 `not_found` without the claim, 404 `no_verdict` without a
    verdict (there is no review to publish: the claim exists, the document does not)."""
    row = claim_review_row(claim_id=claim_id)
    if row is None:
        raise ApplicationError(f"There is no claim {claim_id}.", code="not_found", status_code=404)
    review = build_claim_review(
        row,
        url=request.build_absolute_uri(reverse("claim-detail", args=[claim_id])),
        organization_name=settings.CLAIMREVIEW_ORGANIZATION_NAME,
        organization_url=settings.CLAIMREVIEW_ORGANIZATION_URL,
    )
    if review is None:
        raise ApplicationError(
            f"Claim {claim_id} has no editor's verdict (its verification status is unverified "
            "and its credibility is not overridden), so it has no ClaimReview. Set a "
            "verification status or a credibility grade first.",
            code="no_verdict",
            status_code=404,
        )
    return review


# Declared on the class (scoped to GET) rather than on `get`, so a view that composes this one
# with other methods and wraps `get` (the editorial API adds an ETag) keeps the documentation.
@extend_schema(
    methods=["GET"],
    summary="One claim with its whole chain",
    parameters=[
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=["json", "claimreview"],
            required=False,
            description="json (default): the claim. claimreview: the editor's verdict as "
            "schema.org ClaimReview JSON-LD (application/ld+json; docs/claimreview.md gives "
            "the rating scale); 404 `no_verdict` for a claim without one.",
        )
    ],
    responses={
        (200, "application/json"): openapi_component(ClaimDetailOutput),
        (200, "application/ld+json"): openapi_component(ClaimReview),
        (400, "application/json"): ErrorOutput,
        (404, "application/json"): ErrorOutput,
    },
    description="The claim, its chain (origin first, then relays, then the outlet), "
    "figures, dates, links to other claims and its sentence in context.",
)
class ClaimDetailApi(APIView):
    renderer_classes = [FastJSONRenderer, ClaimReviewRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ApplicationError(
                "format must be json (the default) or claimreview (schema.org ClaimReview).",
                field="format",
            ) from None

    def get(self, request: Request, claim_id: int) -> Response:
        if request.accepted_renderer.format == "claimreview":
            return Response(claim_review(request, check_path_id(claim_id, "claim")))
        row = claim_detail_row(
            claim_id=check_path_id(claim_id, "claim"),
            url_of=claim_url(request),
            graph_url_of=claim_url(request, "api:claim-graph"),
        )
        if row is None:
            raise ApplicationError(
                f"There is no claim {claim_id}.", code="not_found", status_code=404
            )
        return Response(row)

"""The claims API: the list of claims (filtered and ordered as analysts need, a page as JSON or
every claim as CSV or JSON Lines) and one claim. One view per operation; the list's query
parameters in `claims.params` (the claims page reads the same ones), its answer's shape in
`claims.selectors_rows` (a TypedDict the schema documents; the view returns the data as built).

Views parse the query, call one selector, shape the output; what a filter means lives in
`claims.selectors` (the web pages call the same selectors). Figures, graphs and claim links have
their APIs in `claims.apis_figures`, `claims.apis_graphs` and `claims.apis_links`; the export's
renderers and streaming response are in `claims.apis_export`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.apis_export import CSVRenderer, JSONLinesRenderer, claim_export_response
from claims.claimreview import ClaimReview, build_claim_review
from claims.export import CSV_COLUMNS
from claims.params import ClaimListQuery as ClaimListQuery
from claims.params import claim_filters as claim_filters
from claims.params import claim_filters_from_params
from claims.selectors import ClaimFilters, claim_list
from claims.selectors_reviews import claim_review_row
from claims.selectors_rows import (
    ClaimDetailOutput,
    ClaimListOutput,
    ClaimUrl,
    claim_detail_row,
    claim_list_rows,
)
from core.api_tools import (
    ErrorOutput,
    FastJSONRenderer,
    JSONFormatRenderer,
    KeysetPagination,
    check_path_id,
)
from core.errors import ApplicationError
from core.openapi import openapi_component


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


EXPORT_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "jsonl"],
    required=False,
    description=(
        "json (default): one page, follow `next`. csv or jsonl: every matching claim in one "
        "streamed file, in the list's order (no `cursor` or `page_size`); also chosen by "
        "`Accept: text/csv` or `Accept: application/x-ndjson`. An error is JSON whatever the "
        "format."
    ),
)
CSV_DESCRIPTION = (
    "Every matching claim, one row each, UTF-8, with a header row: "
    + ", ".join(CSV_COLUMNS)
    + ". `chain` is source names from the origin to the publishing outlet joined by ' > ', "
    "`chain_reliability` their grades; lists are joined by '; '. A text cell starting with "
    "=, +, -, @, a tab or a carriage return is prefixed with an apostrophe so that spreadsheets "
    "do not run it as a formula."
)
JSONL_DESCRIPTION = (
    "Every matching claim, one JSON object per line, each exactly an item of the JSON list "
    "(ClaimListOutput: the chain as JSON, origin first)."
)


class ClaimListApi(APIView):
    pagination_class = KeysetPagination
    renderer_classes = [FastJSONRenderer, CSVRenderer, JSONLinesRenderer]

    @extend_schema(
        operation_id="claims_list",
        summary="List and filter claims, or export them as CSV or JSON Lines",
        parameters=[ClaimListQuery, EXPORT_FORMAT],
        responses={
            # A serializer, not an OpenApiResponse: drf-spectacular reads the JSON answer's
            # serializer to tell a paginated list (and document `cursor` and `page_size`).
            (200, "application/json"): openapi_component(ClaimListOutput, many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                examples=[
                    OpenApiExample(
                        "one claim",
                        media_type="text/csv",
                        value=",".join(CSV_COLUMNS)
                        + "\r\n12,https://provenance.example/api/v1/claims/12,"
                        '"approximately 5,000 troops are expected to arrive",'
                        "National Intelligence Service > Yonhap > Reuters,B > B > B,B,4,1,0,"
                        "true,approximately; expected to,approximately 5,000 troops,,"
                        "unverified,figure,3,Troops,https://example.com/a,Reuters,"
                        "2024-11-08T00:00:00Z\r\n",
                    )
                ],
            ),
            # The schema of one line: OpenAPI 3.0 has no way to say "a stream of these".
            (200, "application/x-ndjson"): openapi_component(ClaimListOutput),
            (400, "application/json"): ErrorOutput,
        },
        description="Claims with their chain of sources (origin first), figures and dates, "
        "filtered and ordered as analysts need. Keyset pagination: follow `next`. An unknown "
        "parameter, one given twice or a bad value answers 400 naming it. The claims page "
        "(`/`) takes the same parameters, so a view is one query string for both.\n\n"
        "**CSV** (`format=csv`): "
        + CSV_DESCRIPTION
        + "\n\n**JSON Lines** (`format=jsonl`): "
        + JSONL_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponseBase:
        filters = claim_filters_from_params(request.query_params)
        if request.accepted_renderer.format in ("csv", "jsonl"):
            return claim_export_response(request, filters=filters, url_of=claim_url(request))
        return claim_page(request, self, filters)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:  # DRF's answer to a format no renderer has
            raise ApplicationError(
                "format must be json (the default), csv or jsonl.", field="format"
            ) from None

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        # The export is a StreamingHttpResponse; a DRF Response here is an error or the answer
        # to OPTIONS, JSON whatever format was asked for: a client expecting a CSV gets a 400
        # it can read, not a file with an error in it.
        if isinstance(response, Response):
            request.accepted_renderer = FastJSONRenderer()
            request.accepted_media_type = FastJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


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

"""The graph API: a claim's provenance graph, and the graph of a set of claims, as Contract 2
nodes and edges, as W3C PROV-JSON or as a STIX 2.1 bundle. The rows come from
`claims.selectors_graphs`, the graph from `claims.graph` and the bundle from `claims.stix` (both
pure), whose TypedDicts are also the schema's components."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.graph import Graph, GraphRows, build_graph, build_prov
from claims.selectors import ClaimFilters
from claims.selectors_graphs import claim_graph_rows, graph_rows_for
from claims.stix import StixBundle, build_stix
from core.api_tools import (
    DateOrDateTimeField,
    ErrorOutput,
    FastJSONRenderer,
    IdField,
    IdOrNameField,
    JSONFormatRenderer,
    check_path_id,
    parse_query,
    split_id_or_name,
)
from core.errors import ApplicationError
from core.openapi import openapi_component

GRAPH_MAX_DEPTH = 4


class ProvJSONRenderer(FastJSONRenderer):
    """Selected with `?format=prov`: the view answers the graph as W3C PROV-JSON."""

    format = "prov"


class StixRenderer(JSONFormatRenderer):
    """Selected with `?format=stix`: the graph as a STIX 2.1 bundle (claims.stix)."""

    media_type = "application/stix+json"
    format = "stix"


GraphOutput = openapi_component(Graph)
StixOutput = openapi_component(StixBundle)
GRAPH_RESPONSES = {
    (200, "application/json"): GraphOutput,
    (200, "application/stix+json"): StixOutput,
    (400, "application/json"): ErrorOutput,
}


GRAPH_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "prov", "stix"],
    required=False,
    description="json (default): Contract 2 nodes and edges. prov: the same graph as W3C PROV-JSON "
    "(entities = claims, articles, figures; agents = sources), also application/json. stix: a "
    "STIX 2.1 bundle (application/stix+json): sources as identity (x_opencti_reliability), "
    "claims as note, verdicts as opinion, articles as report, chains and claim links as "
    "relationship; ids are UUIDv5 of the project's ids, so a re-export updates on import "
    "(docs/stix.md).",
)
GRAPH_DESCRIPTION = (
    "Nodes: claim, source, article, figure. Edges: attributed_to (claim -> source, position 0 = "
    "origin), relayed_by (each link -> the next, the last -> the outlet), published_in, "
    "published_by, has_figure, part_of, and same_as/corroborates/contradicts/updates from claim "
    "links. Answers 400 `graph_too_large` above GRAPH_MAX_NODES nodes."
)


class GraphView(APIView):
    renderer_classes = [FastJSONRenderer, ProvJSONRenderer, StixRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ApplicationError(
                "format must be json (the default), prov (W3C PROV-JSON) or stix (STIX 2.1).",
                field="format",
            ) from None


def wants_stix(request: Request) -> bool:
    """STIX needs when each row last changed (its `modified`), one more query."""
    return bool(request.accepted_renderer.format == "stix")


def graph_response(request: Request, rows: GraphRows) -> Response:
    if request.accepted_renderer.format == "prov":
        return Response(build_prov(rows))
    if wants_stix(request):
        return Response(build_stix(rows, producer=settings.CLAIMREVIEW_ORGANIZATION_NAME))
    return Response(build_graph(rows))


class ClaimGraphQuery(serializers.Serializer):
    depth = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=GRAPH_MAX_DEPTH
    )


class ClaimGraphApi(GraphView):
    @extend_schema(
        operation_id="claims_graph",
        summary="A claim's provenance graph",
        parameters=[
            OpenApiParameter(
                "depth",
                OpenApiTypes.INT,
                required=False,
                description=(
                    f"1 (default): the claim, its chain, article and figures. Each step up to "
                    f"{GRAPH_MAX_DEPTH} adds the claims linked to the previous step and claims "
                    "sharing its origin source (at most 100 per step)."
                ),
            ),
            GRAPH_FORMAT,
        ],
        responses={**GRAPH_RESPONSES, (404, "application/json"): ErrorOutput},
        description=GRAPH_DESCRIPTION,
    )
    def get(self, request: Request, claim_id: int) -> Response:
        q = parse_query(ClaimGraphQuery, request)
        rows = claim_graph_rows(
            claim_id=check_path_id(claim_id, "claim"),
            depth=q["depth"],
            max_nodes=settings.GRAPH_MAX_NODES,
            with_changes=wants_stix(request),
        )
        return graph_response(request, rows)


class GraphQuery(serializers.Serializer):
    source = IdOrNameField(
        required=False, help_text="Claims whose chain (or outlet) includes this source: id or name."
    )
    article = IdField(required=False, help_text="Claims of this article.")
    since = DateOrDateTimeField(
        required=False, help_text="Published at or after (date or date-time)."
    )
    until = DateOrDateTimeField(
        required=False, help_text="Published at or before (date or date-time)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                "Give at least one of source, article, since or until to choose the claims."
            )
        return attrs


class GraphApi(GraphView):
    @extend_schema(
        operation_id="graph",
        summary="The provenance graph of a set of claims",
        parameters=[GraphQuery, GRAPH_FORMAT],
        responses=GRAPH_RESPONSES,
        description=GRAPH_DESCRIPTION,
    )
    def get(self, request: Request) -> Response:
        q = parse_query(GraphQuery, request)
        source_id, source_name = split_id_or_name(q.get("source"))
        filters = ClaimFilters(
            source_id=source_id,
            source_name=source_name,
            article_id=q.get("article"),
            published_from=q.get("since"),
            published_until=q.get("until"),
        )
        rows = graph_rows_for(
            filters=filters, max_nodes=settings.GRAPH_MAX_NODES, with_changes=wants_stix(request)
        )
        return graph_response(request, rows)

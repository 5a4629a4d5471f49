"""Claim, figure and graph API. One view per operation, each with its own serializers.

Views parse the query, call one selector, shape the output; what a filter means lives in
`claims.selectors` (the web pages call the same selectors).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.graph import build_graph, build_prov
from claims.links import claim_link_review
from claims.models import Claim, ClaimLink, FigureStatus, LinkKind, LinkStatus, VerificationStatus
from claims.origins import claim_origins
from claims.selectors import (
    CONTEXT_CHARS,
    ClaimFilters,
    ClaimOrdering,
    FigureFilters,
    SourceRole,
    claim_detail_row,
    claim_graph_rows,
    claim_list,
    claim_list_rows,
    figure_list,
    graph_rows_for,
)
from claims.tracks import figure_track
from core.api_tools import (
    DateOrDateTimeField,
    ErrorOutput,
    FastJSONRenderer,
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

ERRORS = {400: ErrorOutput, 404: ErrorOutput}
GRAPH_MAX_DEPTH = 4


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


# ------------------------------------------------------------------------------ figures


class FigureListOutput(FigureBriefOutput):
    claim_id = serializers.IntegerField()
    article_id = serializers.IntegerField(source="claim.article_id")
    claim_text = serializers.CharField(source="claim.text")


class FigureListQuery(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Part of the unit phrase, any case: `troops` finds 'engineering troops'.",
    )
    value_min = serializers.FloatField(
        required=False, min_value=-1e300, max_value=1e300, help_text="Value at least this."
    )
    value_max = serializers.FloatField(
        required=False, min_value=-1e300, max_value=1e300, help_text="Value at most this."
    )
    status = serializers.ChoiceField(
        choices=FigureStatus.values, required=False, help_text="An editor's verdict on the figure."
    )
    claim = IdField(required=False, help_text="Figures of this claim.")
    article = IdField(required=False, help_text="Figures of this article's claims.")


class FigureListApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="figures_list",
        summary="List and filter figures (quantities)",
        parameters=[FigureListQuery],
        responses={200: FigureListOutput(many=True), 400: ErrorOutput},
        description="Every quantity stated in a claim, newest first, e.g. "
        "`?unit=troops&value_min=1000` for troop numbers.",
    )
    def get(self, request: Request) -> Response:
        q = parse_query(FigureListQuery, request)
        filters = FigureFilters(
            unit=q.get("unit"),
            value_min=q.get("value_min"),
            value_max=q.get("value_max"),
            status=q.get("status"),
            claim_id=q.get("claim"),
            article_id=q.get("article"),
        )
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(figure_list(filters=filters), request, view=self)
        return paginator.get_paginated_response(FigureListOutput(page, many=True).data)


# ------------------------------------------------------------------------------ graphs


class ProvJSONRenderer(FastJSONRenderer):
    """Selected with `?format=prov`: the view answers the graph as W3C PROV-JSON."""

    format = "prov"


class GraphNodeOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField(help_text="'claim:12', 'source:3', 'article:4', 'figure:7'.")
    type = serializers.ChoiceField(choices=["claim", "source", "article", "figure"])


class GraphEdgeOutput(serializers.Serializer):  # type: ignore[type-arg]
    source_node = serializers.CharField(help_text="Node id.")
    to = serializers.CharField(help_text="Node id.")
    type = serializers.ChoiceField(
        choices=[
            "attributed_to",
            "relayed_by",
            "published_in",
            "published_by",
            "has_figure",
            "part_of",
            "same_as",
            "corroborates",
            "contradicts",
            "updates",
        ]
    )
    position = serializers.IntegerField(required=False, help_text="attributed_to: 0 = origin.")

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        fields["from"] = fields.pop("source_node")  # `from` is a Python keyword
        return fields


class GraphOutput(serializers.Serializer):  # type: ignore[type-arg]
    nodes = GraphNodeOutput(
        many=True, help_text="Nodes carry their own fields besides id and type."
    )
    edges = GraphEdgeOutput(many=True)


GRAPH_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "prov"],
    required=False,
    description="json (default): Contract 2 nodes and edges. prov: the same graph as W3C PROV-JSON "
    "(entities = claims, articles, figures; agents = sources).",
)
GRAPH_DESCRIPTION = (
    "Nodes: claim, source, article, figure. Edges: attributed_to (claim -> source, position 0 = "
    "origin), relayed_by (each link -> the next, the last -> the outlet), published_in, "
    "published_by, has_figure, part_of, and same_as/corroborates/contradicts/updates from claim "
    "links. Answers 400 `graph_too_large` above GRAPH_MAX_NODES nodes."
)


class GraphView(APIView):
    renderer_classes = [FastJSONRenderer, ProvJSONRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ApplicationError(
                "format must be json (the default) or prov (W3C PROV-JSON).", field="format"
            ) from None


def graph_response(request: Request, rows: Any) -> Response:
    if request.accepted_renderer.format == "prov":
        return Response(build_prov(rows))
    return Response(build_graph(rows))


class ClaimGraphQuery(serializers.Serializer):  # type: ignore[type-arg]
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
        responses={200: GraphOutput, 400: ErrorOutput, 404: ErrorOutput},
        description=GRAPH_DESCRIPTION,
    )
    def get(self, request: Request, claim_id: int) -> Response:
        q = parse_query(ClaimGraphQuery, request)
        rows = claim_graph_rows(
            claim_id=check_path_id(claim_id, "claim"),
            depth=q["depth"],
            max_nodes=settings.GRAPH_MAX_NODES,
        )
        return graph_response(request, rows)


class GraphQuery(serializers.Serializer):  # type: ignore[type-arg]
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
        responses={200: GraphOutput, 400: ErrorOutput},
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
        rows = graph_rows_for(filters=filters, max_nodes=settings.GRAPH_MAX_NODES)
        return graph_response(request, rows)


# ------------------------------------------------------------------------------ claim links


class LinkReviewInput(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(choices=["confirm", "reject"])
    reason = serializers.CharField(help_text="Why: required for every editorial change.")


class LinkStateOutput(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    from_claim = serializers.IntegerField(source="from_claim_id")
    to_claim = serializers.IntegerField(source="to_claim_id")
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    status = serializers.ChoiceField(choices=LinkStatus.choices)
    score = serializers.FloatField()
    evidence = serializers.JSONField()
    reviewed_at = serializers.DateTimeField(allow_null=True)


class ClaimLinkReviewApi(APIView):
    @extend_schema(
        operation_id="links_review",
        request=LinkReviewInput,
        responses={
            200: LinkStateOutput,
            400: ErrorOutput,
            401: ErrorOutput,
            403: ErrorOutput,
            404: ErrorOutput,
        },
        summary="Confirm or reject a claim link the matcher proposed",
        description="Editors only, with a reason (recorded in the audit trail). A reviewed link is "
        "never changed or re-proposed by the matcher; the claims' independent origins "
        "and credibility are recomputed.",
    )
    def post(self, request: Request, link_id: int) -> Response:
        data = LinkReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        link = claim_link_review(
            actor=request.user, link_id=check_path_id(link_id, "link"), **data.validated_data
        )
        return Response(LinkStateOutput(link).data)


# ------------------------------------------------------------------------------ figure tracks


class FigureTrackQuery(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(
        max_length=200,
        help_text=(
            "What is counted: `troops` (a unit phrase), or `North Korean troops` (the last word in the "
            "unit, the rest in the claim's text)."
        ),
    )


class TrackPointOutput(serializers.Serializer):  # type: ignore[type-arg]
    figure_id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    article_id = serializers.IntegerField()
    value = serializers.FloatField()
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    text = serializers.CharField()
    unit = serializers.CharField()
    approximate = serializers.BooleanField()
    status = serializers.CharField()
    hedged = serializers.BooleanField()
    published = serializers.DateTimeField(allow_null=True)
    origin = serializers.CharField(
        help_text="The first source of the claim's chain, or the outlet's own reporting."
    )
    outlet = serializers.CharField()


class FigureTrackOutput(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField()
    points = TrackPointOutput(many=True, help_text="Oldest first; at most 500.")
    origins = serializers.ListField(
        child=serializers.CharField(), help_text="The distinct origins, by name."
    )


class FigureTrackApi(APIView):
    @extend_schema(
        operation_id="figures_track",
        parameters=[FigureTrackQuery],
        responses={200: FigureTrackOutput, 400: ErrorOutput},
        summary="Figures reported over time for a subject, with their origins",
    )
    def get(self, request: Request) -> Response:
        q = parse_query(FigureTrackQuery, request)["q"]
        points = figure_track(q=q)
        origins = sorted({p.origin for p in points}, key=str.casefold)
        return Response(FigureTrackOutput({"q": q, "points": points, "origins": origins}).data)

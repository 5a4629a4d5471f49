"""The figures API: the list of figures (the quantities stated in claims) and a subject's
figures over time. One view per operation, each with its own serializers; the list's rows are
plain data in the shape of `claims.selectors_figures.FigureListOutput`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import FigureStatus
from claims.selectors_figures import FigureFilters, FigureListOutput, figure_list, figure_list_row
from claims.tracks import figure_track
from core.api_tools import ErrorOutput, IdField, KeysetPagination, parse_query
from core.openapi import openapi_component

# ------------------------------------------------------------------------------ figures list


class FigureListQuery(serializers.Serializer):
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
        responses={200: openapi_component(FigureListOutput, many=True), 400: ErrorOutput},
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
        return paginator.get_paginated_response([figure_list_row(figure) for figure in page])


# ------------------------------------------------------------------------------ figure tracks


class FigureTrackQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        help_text=(
            "What is counted: `troops` (a unit phrase), or `North Korean troops` (the last word in the "
            "unit, the rest in the claim's text)."
        ),
    )


class TrackPointOutput(serializers.Serializer):
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


class FigureTrackOutput(serializers.Serializer):
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

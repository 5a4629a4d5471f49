"""The sources API: sources with their claim counts, and the claims whose chain includes one.
One view per operation, its own serializers; a source's claims answer as the claims list does."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.apis import ClaimListQuery, claim_filters, claim_page
from claims.selectors_rows import ClaimListOutput
from claims.selectors_sources import SourceFilters, source_exists, source_get, source_list
from core.api_tools import (
    ErrorOutput,
    KeysetPagination,
    check_path_id,
    parse_query,
)
from core.errors import ApplicationError
from core.openapi import openapi_component
from extraction.types import SourceKind
from sources.models import Reliability, Source

# ------------------------------------------------------------------------------ sources


class SourceParentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    kind = serializers.CharField()
    country = serializers.CharField()
    reliability = serializers.ChoiceField(
        choices=Reliability.choices, help_text="Admiralty source reliability, A (best) to F."
    )
    reliability_reason = serializers.CharField(help_text="Why the source has this grade.")
    in_registry = serializers.BooleanField(help_text="Shipped in the source registry.")
    aliases = serializers.SerializerMethodField()
    parent = SourceParentOutput(allow_null=True)
    claims_originated = serializers.IntegerField(
        help_text="Claims this source is the origin of (position 0)."
    )
    claims_relayed = serializers.IntegerField(
        help_text="Claims this source relayed (position > 0)."
    )

    def get_url(self, source: Source) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:source-detail", args=[source.pk])
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, source: Source) -> list[str]:
        return [a.alias for a in source.aliases.all()]


class SourceListQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in SourceKind], required=False)
    country = serializers.CharField(
        required=False, max_length=8, help_text="Country code, e.g. KR."
    )
    reliability = serializers.ChoiceField(
        choices=Reliability.values, required=False, help_text="Exactly this grade."
    )
    search = serializers.CharField(
        required=False, max_length=300, help_text="Part of the name or of an alias, any case."
    )


class SourceListApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="sources_list",
        summary="List sources by name",
        parameters=[SourceListQuery],
        responses={200: SourceOutput(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        q = parse_query(SourceListQuery, request)
        filters = SourceFilters(
            kind=q.get("kind"),
            country=q.get("country"),
            reliability=q.get("reliability"),
            search=q.get("search"),
        )
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(source_list(filters=filters), request, view=self)
        return paginator.get_paginated_response(
            SourceOutput(page, many=True, context={"request": request}).data
        )


def _source_or_404(source_id: int) -> Source:
    source = source_get(source_id=check_path_id(source_id, "source"))
    if source is None:
        raise _no_source(source_id)
    return source


def _no_source(source_id: int) -> ApplicationError:
    return ApplicationError(f"There is no source {source_id}.", code="not_found", status_code=404)


# On the class, scoped to GET: the editorial API composes this view and wraps `get`.
@extend_schema(
    methods=["GET"],
    summary="One source with its claim counts",
    responses={200: SourceOutput, 404: ErrorOutput},
)
class SourceDetailApi(APIView):
    def get(self, request: Request, source_id: int) -> Response:
        return Response(SourceOutput(_source_or_404(source_id), context={"request": request}).data)


class SourceClaimsQuery(ClaimListQuery):
    source = None  # type: ignore[assignment]  # the path names the source


class SourceClaimsApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="sources_claims",
        summary="Claims whose chain includes a source",
        parameters=[SourceClaimsQuery],
        responses={
            200: openapi_component(ClaimListOutput, many=True),
            400: ErrorOutput,
            404: ErrorOutput,
        },
        description="The same filters as /claims; `source_role` narrows to claims the "
        "source originated (origin) or relayed (relay).",
    )
    def get(self, request: Request, source_id: int) -> Response:
        # Only whether the source exists: its counts (source_get) are not on this page.
        if not source_exists(source_id=check_path_id(source_id, "source")):
            raise _no_source(source_id)
        query: dict[str, Any] = parse_query(SourceClaimsQuery, request)
        return claim_page(
            request, self, claim_filters(query, source_id=source_id, source_name=None)
        )

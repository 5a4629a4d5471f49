"""Editorial API: verification, credibility, span and chain corrections, splits and merges,
figure reviews, source ratings, aliases, merges, and the audit history.

Writes need an editor (401/403 otherwise: core.access.RolePermission, the API's default
permission, decides before the view reads the body or If-Match; the services check again) and an
`If-Match` header with the version the client edited (the `ETag` of the object): a stale
version answers 412 with the newer values, a missing one 428.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.selectors import HistoryEntry, claim_history, source_history
from claims import editorial, source_editorial
from claims.apis import ClaimDetailApi
from claims.apis_sources import SourceDetailApi
from claims.models import Claim, Figure, VerificationStatus
from claims.selectors_figures import figure_review_queue
from core.access import Role
from core.errors import ApplicationError
from core.pagination import KeysetPagination
from sources.models import Reliability, Source

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The version you edited, as the object\'s ETag (e.g. "3"). A stale one answers 412.',
)


def expected_version(request: Request) -> int:
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise ApplicationError(
            'Send the version you edited in an If-Match header (the ETag of the object, e.g. If-Match: "3").',
            code="precondition_required",
            status_code=428,
        )
    value = raw.removeprefix("W/").strip('"')
    # ASCII digits only ("²".isdigit() is true but int() refuses it) and within the column's range.
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise ApplicationError(
            f"If-Match {raw[:40]!r} is not a version; send the ETag you received.",
            code="invalid",
            status_code=400,
        )
    return int(value)


def _versioned(data: dict[str, Any], version: int, status: int = 200) -> Response:
    return Response(data, status=status, headers={"ETag": f'"{version}"'})


class ClaimStateOutput(serializers.ModelSerializer):
    chain = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "start",
            "end",
            "kind",
            "verification_status",
            "credibility",
            "credibility_override",
            "edited",
            "version",
            "chain",
        ]

    def get_chain(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {
                "position": a.position,
                "source_id": a.source_id,
                "name": a.source.name,
                "mention": a.mention,
                "reliability": a.source.reliability,
            }
            for a in claim.attributions.select_related("source").order_by("position")
        ]


def _claim_response(claim: Claim, status: int = 200) -> Response:
    return _versioned(ClaimStateOutput(claim).data, claim.version, status)


class ClaimPatchInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why: required for every editorial change.")
    verification_status = serializers.ChoiceField(
        choices=VerificationStatus.choices, required=False
    )
    credibility_override = serializers.IntegerField(
        min_value=1, max_value=6, required=False, allow_null=True
    )
    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.ChoiceField(
        choices=["figure", "event", "statement", "assessment"], required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("start" in attrs) != ("end" in attrs):
            raise serializers.ValidationError("Send start and end together to correct the span.")
        if not {"verification_status", "credibility_override", "start", "kind"} & attrs.keys():
            raise serializers.ValidationError(
                "Nothing to change: send verification_status, "
                "credibility_override, start/end or kind."
            )
        return attrs


class ClaimEditApi(APIView):
    @extend_schema(
        request=ClaimPatchInput,
        responses={200: ClaimStateOutput},
        parameters=[IF_MATCH],
        summary="Verify a claim, override its credibility or correct its span",
    )
    def patch(self, request: Request, claim_id: int) -> Response:
        data = ClaimPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        d, version = data.validated_data, expected_version(request)
        claim = None
        if "verification_status" in d:
            claim = editorial.claim_set_verification(
                actor=request.user,
                claim_id=claim_id,
                expected_version=version,
                status=d["verification_status"],
                reason=d["reason"],
            )
            version = claim.version
        if "credibility_override" in d:
            claim = editorial.claim_override_credibility(
                actor=request.user,
                claim_id=claim_id,
                expected_version=version,
                credibility=d["credibility_override"],
                reason=d["reason"],
            )
            version = claim.version
        if "start" in d or "kind" in d:
            current = claim or Claim.objects.get(pk=claim_id)
            claim = editorial.claim_correct_span(
                actor=request.user,
                claim_id=claim_id,
                expected_version=version,
                start=d.get("start", current.start),
                end=d.get("end", current.end),
                kind=d.get("kind"),
                reason=d["reason"],
            )
        if claim is None:  # validate() makes this unreachable; keep a clear error anyway
            raise ApplicationError("Nothing to change.", code="invalid")
        return _claim_response(claim)


class ChainLinkInput(serializers.Serializer):
    source_id = serializers.IntegerField(required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    mention = serializers.CharField(required=False, allow_blank=True, max_length=300)
    cue = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ChainInput(serializers.Serializer):
    links = ChainLinkInput(many=True, help_text="The whole chain, origin first.")
    reason = serializers.CharField()


class ClaimChainApi(APIView):
    @extend_schema(
        request=ChainInput,
        responses={200: ClaimStateOutput},
        parameters=[IF_MATCH],
        summary="Replace a claim's chain (change, reorder, add or remove sources)",
    )
    def put(self, request: Request, claim_id: int) -> Response:
        data = ChainInput(data=request.data)
        data.is_valid(raise_exception=True)
        links = [
            editorial.ChainLink(
                source_id=link.get("source_id"),
                name=link.get("name", ""),
                mention=link.get("mention", ""),
                cue=link.get("cue", ""),
            )
            for link in data.validated_data["links"]
        ]
        claim = editorial.claim_set_chain(
            actor=request.user,
            claim_id=claim_id,
            expected_version=expected_version(request),
            links=links,
            reason=data.validated_data["reason"],
        )
        return _claim_response(claim)


class SplitInput(serializers.Serializer):
    at = serializers.IntegerField(
        help_text="Character offset in the article where the second claim starts."
    )
    reason = serializers.CharField()


class ClaimSplitApi(APIView):
    @extend_schema(
        request=SplitInput,
        responses={201: ClaimStateOutput(many=True)},
        parameters=[IF_MATCH],
        summary="Split a claim in two at an offset",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        data = SplitInput(data=request.data)
        data.is_valid(raise_exception=True)
        left, right = editorial.claim_split(
            actor=request.user,
            claim_id=claim_id,
            expected_version=expected_version(request),
            at=data.validated_data["at"],
            reason=data.validated_data["reason"],
        )
        return _versioned(ClaimStateOutput([left, right], many=True).data, left.version, 201)


class MergeInput(serializers.Serializer):
    other_id = serializers.IntegerField(
        help_text="The claim (same article) merged into this one and removed."
    )
    reason = serializers.CharField()


class ClaimMergeApi(APIView):
    @extend_schema(
        request=MergeInput,
        responses={200: ClaimStateOutput},
        parameters=[IF_MATCH],
        summary="Merge another claim of the same article into this one",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = editorial.claim_merge(
            actor=request.user,
            claim_id=claim_id,
            other_id=data.validated_data["other_id"],
            expected_version=expected_version(request),
            reason=data.validated_data["reason"],
        )
        return _claim_response(claim)


class FigureStateOutput(serializers.ModelSerializer):
    class Meta:
        model = Figure
        fields = ["id", "claim", "value", "text", "unit", "status", "version"]


class ReviewInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["flag", "confirm", "dismiss"])
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to flag.")
    evidence = serializers.CharField(
        required=False, allow_blank=True, help_text="A URL or note; required to confirm."
    )


class FigureReviewApi(APIView):
    @extend_schema(
        request=ReviewInput,
        responses={200: FigureStateOutput},
        parameters=[IF_MATCH],
        summary="Flag a figure as unconfirmed, confirm it with evidence, or dismiss it",
    )
    def post(self, request: Request, figure_id: int) -> Response:
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        figure = editorial.figure_review(
            actor=request.user,
            figure_id=figure_id,
            expected_version=expected_version(request),
            **data.validated_data,
        )
        return _versioned(FigureStateOutput(figure).data, figure.version)


class ReviewQueueOutput(serializers.ModelSerializer):
    claim_text = serializers.CharField(source="claim.text")
    article_id = serializers.IntegerField(source="claim.article_id")
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Figure
        fields = [
            "id",
            "claim",
            "claim_text",
            "article_id",
            "value",
            "text",
            "unit",
            "status",
            "version",
            "reasons",
        ]

    def get_reasons(self, figure: Figure) -> list[str]:
        return [
            label
            for flag, label in (
                ("in_hedged_claim", "hedged claim"),
                ("no_named_source", "no named source"),
                ("disagrees", "disagrees with another figure"),
            )
            if getattr(figure, flag)
        ]


class ReviewQueueApi(APIView):
    pagination_class = KeysetPagination  # so the schema documents the page and its parameters
    required_roles = {"GET": Role.ANALYST}  # analysts and editors; not anonymous visitors

    @extend_schema(
        responses={200: ReviewQueueOutput(many=True)},
        summary="Figures proposed for review, most urgent first (cursor-paginated)",
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(
            figure_review_queue().order_by("-id"), request, view=self
        )
        return paginator.get_paginated_response(ReviewQueueOutput(page, many=True).data)


class SourceStateOutput(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "parent",
            "reliability",
            "reliability_reason",
            "version",
        ]


class RatingInput(serializers.Serializer):
    reliability = serializers.ChoiceField(choices=Reliability.values)
    reason = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True)


class SourceRatingApi(APIView):
    @extend_schema(
        request=RatingInput,
        responses={200: SourceStateOutput},
        parameters=[IF_MATCH],
        summary="Rate a source's reliability (Admiralty A-F) with a reason",
    )
    def post(self, request: Request, source_id: int) -> Response:
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        source = source_editorial.source_rate(
            actor=request.user,
            source_id=source_id,
            expected_version=expected_version(request),
            **data.validated_data,
        )
        return _versioned(SourceStateOutput(source).data, source.version)


class SourcePatchInput(serializers.Serializer):
    reason = serializers.CharField()
    kind = serializers.CharField(required=False)
    country = serializers.CharField(required=False, allow_blank=True)
    parent_id = serializers.IntegerField(required=False, allow_null=True)


class SourceEditApi(APIView):
    @extend_schema(
        request=SourcePatchInput,
        responses={200: SourceStateOutput},
        parameters=[IF_MATCH],
        summary="Set a source's kind, country or parent",
    )
    def patch(self, request: Request, source_id: int) -> Response:
        data = SourcePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        source = source_editorial.source_update(
            actor=request.user,
            source_id=source_id,
            expected_version=expected_version(request),
            reason=d["reason"],
            kind=d.get("kind"),
            country=d.get("country"),
            parent_id=d["parent_id"] if "parent_id" in d else False,
        )
        return _versioned(SourceStateOutput(source).data, source.version)


class AliasInput(serializers.Serializer):
    alias = serializers.CharField(max_length=300)
    reason = serializers.CharField(required=False, allow_blank=True)


class SourceAliasApi(APIView):
    @extend_schema(
        request=AliasInput,
        responses={
            201: inline_serializer(
                "AliasOutput",
                {
                    "id": serializers.IntegerField(),
                    "alias": serializers.CharField(),
                    "source": serializers.IntegerField(),
                },
            )
        },
        summary="Add an alias to a source",
    )
    def post(self, request: Request, source_id: int) -> Response:
        data = AliasInput(data=request.data)
        data.is_valid(raise_exception=True)
        alias = source_editorial.source_alias_add(
            actor=request.user, source_id=source_id, **data.validated_data
        )
        return Response(
            {"id": alias.pk, "alias": alias.alias, "source": alias.source_id}, status=201
        )


class SourceMergeApi(APIView):
    @extend_schema(
        request=MergeInput,
        responses={200: SourceStateOutput},
        summary="Merge another source into this one (its attributions, articles and aliases move over)",
    )
    def post(self, request: Request, source_id: int) -> Response:
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        source = source_editorial.source_merge(
            actor=request.user, source_id=source_id, **data.validated_data
        )
        return _versioned(SourceStateOutput(source).data, source.version)


def history_output(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.when.isoformat(),
            "actor": entry.context.actor_name if entry.context else None,
            "action": entry.context.action if entry.context else "system",
            "reason": entry.context.reason if entry.context else "",
            "evidence": entry.context.evidence if entry.context else "",
            "changes": [
                {
                    "table": c.table,
                    "object_id": c.object_id,
                    "op": c.op,
                    "changed": c.changed,
                    "before": {k: (c.before or {}).get(k) for k in c.changed}
                    if c.op == "UPDATE"
                    else c.before,
                    "after": {k: (c.after or {}).get(k) for k in c.changed}
                    if c.op == "UPDATE"
                    else c.after,
                }
                for c in entry.changes
            ],
        }
        for entry in entries
    ]


HISTORY_SCHEMA = extend_schema(
    responses={
        200: inline_serializer(
            "HistoryEntry",
            {
                "at": serializers.DateTimeField(),
                "actor": serializers.CharField(allow_null=True),
                "action": serializers.CharField(),
                "reason": serializers.CharField(),
                "evidence": serializers.CharField(),
                "changes": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    },
    summary="The audit history: who changed what, when, why, with before and after",
)


class ClaimHistoryApi(APIView):
    @HISTORY_SCHEMA
    def get(self, request: Request, claim_id: int) -> Response:
        return Response(history_output(claim_history(claim_id)))


class SourceHistoryApi(APIView):
    @HISTORY_SCHEMA
    def get(self, request: Request, source_id: int) -> Response:
        return Response(history_output(source_history(source_id)))


class _ETagOnGet:
    """Adds the object's version as ETag to the detail GET, for the If-Match of a later write."""

    etag_model: Any = None
    etag_kwarg = ""

    def get(self, request: Request, **kwargs: Any) -> Response:
        response: Response = super().get(request, **kwargs)
        if response.status_code == 200:
            version = response.data.get("version") if isinstance(response.data, dict) else None
            if version is None:
                version = (
                    self.etag_model.objects.filter(pk=kwargs[self.etag_kwarg])
                    .values_list("version", flat=True)
                    .first()
                )
            if version is not None:
                response["ETag"] = f'"{version}"'
        return response


class ClaimApi(_ETagOnGet, ClaimDetailApi, ClaimEditApi):
    """GET (with ETag) and PATCH on /claims/{id}."""

    etag_model, etag_kwarg = Claim, "claim_id"


class SourceApi(_ETagOnGet, SourceDetailApi, SourceEditApi):
    """GET (with ETag) and PATCH on /sources/{id}."""

    etag_model, etag_kwarg = Source, "source_id"

"""The claim links API: an editor confirms or rejects a link the matcher proposed."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.links import claim_link_review
from claims.models import LinkKind, LinkStatus
from core.api_tools import ErrorOutput, check_path_id


class LinkReviewInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["confirm", "reject"])
    reason = serializers.CharField(help_text="Why: required for every editorial change.")


class LinkStateOutput(serializers.Serializer):
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

"""The watchlists API: a signed-in user's own watchlists and what matched them. One view per
operation, its own serializers. Another user's watchlist answers 404, as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_tools import ErrorOutput, check_path_id
from core.errors import ApplicationError
from core.pagination import KeysetPagination
from watchlists.models import MatchReason, Watchlist, WatchlistMatch
from watchlists.selectors import watchlist_get, watchlist_list, watchlist_matches
from watchlists.services import watchlist_create, watchlist_delete, watchlist_update
from watchlists.webhooks import SIGNATURE_HEADER, match_payload

_PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="From `next` or `previous`."),
    OpenApiParameter("page_size", int, description="1 to 200; 50 by default."),
]


class WatchlistApiView(APIView):
    permission_classes = [IsAuthenticated]


class WatchlistOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This watchlist in the API.")
    page_url = serializers.SerializerMethodField(help_text="Its page, with matches and deliveries.")
    feed_url = serializers.SerializerMethodField(
        help_text="Its Atom feed, with the private token: anyone with this URL can read the feed."
    )
    claims_url = serializers.SerializerMethodField(
        help_text="GET /api/v1/claims with the watchlist's filters."
    )
    webhook_secret = serializers.SerializerMethodField(
        help_text=f"The key of the webhook's `{SIGNATURE_HEADER}: sha256=<hex>` HMAC-SHA256 "
        "signature over the raw body; null without a webhook."
    )

    class Meta:
        model = Watchlist
        fields = [
            "id",
            "name",
            "query",
            "webhook_url",
            "webhook_secret",
            "created_at",
            "updated_at",
            "last_checked_at",
            "url",
            "page_url",
            "feed_url",
            "claims_url",
        ]

    def _absolute(self, path: str) -> str:
        return str(self.context["request"].build_absolute_uri(path))

    def get_url(self, obj: Watchlist) -> str:
        return self._absolute(reverse("api:watchlist-detail", args=[obj.pk]))

    def get_page_url(self, obj: Watchlist) -> str:
        return self._absolute(reverse("watchlists:detail", args=[obj.pk]))

    def get_feed_url(self, obj: Watchlist) -> str:
        return self._absolute(
            reverse("watchlists:feed", args=[obj.pk]) + f"?token={obj.feed_token}"
        )

    def get_claims_url(self, obj: Watchlist) -> str:
        return self._absolute(reverse("api:claim-list") + (f"?{obj.query}" if obj.query else ""))

    def get_webhook_secret(self, obj: Watchlist) -> str | None:
        return obj.webhook_secret if obj.webhook_url else None


class WatchlistPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WatchlistOutput(many=True)


def _watchlist_or_404(request: Request, watchlist_id: int) -> Watchlist:
    watchlist = watchlist_get(
        user=request.user, watchlist_id=check_path_id(watchlist_id, "watchlist")
    )
    if watchlist is None:
        raise ApplicationError(
            f"There is no watchlist {watchlist_id} of yours.", code="not_found", status_code=404
        )
    return watchlist


class WatchlistListApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_list",
        summary="Your watchlists",
        parameters=_PAGE_PARAMETERS,
        responses={200: WatchlistPageOutput, 401: ErrorOutput},
        description="The signed-in user's watchlists, newest first, in cursor pages.",
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(watchlist_list(user=request.user), request, view=self)
        data = WatchlistOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class WatchlistCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    query = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="The filters of GET /api/v1/claims as a query string "
        "(`search=troops&min_reliability=B&hedged=true`); an unknown filter or a bad value is "
        "a 400 naming it. `cursor` and `page_size` are dropped.",
    )
    webhook_url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text="Optional: new matches are POSTed here as JSON, one request per batch, signed "
        f"with `{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body, key webhook_secret>`.",
    )


class WatchlistCreateApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_create",
        summary="Save a claims view as a watchlist",
        request=WatchlistCreateInput,
        responses={201: WatchlistOutput, 400: ErrorOutput, 401: ErrorOutput},
        description="Claims that exist now are not alerted; claims extracted from now on that "
        "the view lists, and new `contradicts` links touching a claim it lists, are.",
    )
    def post(self, request: Request) -> Response:
        data = WatchlistCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        watchlist = watchlist_create(actor=request.user, **data.validated_data)
        output = WatchlistOutput(watchlist, context={"request": request}).data
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": output["url"]})


class WatchlistCollectionApi(WatchlistListApi, WatchlistCreateApi):
    pass  # GET and POST /watchlists


class WatchlistDetailApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_retrieve",
        summary="One of your watchlists",
        responses={200: WatchlistOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        watchlist = _watchlist_or_404(request, watchlist_id)
        return Response(WatchlistOutput(watchlist, context={"request": request}).data)


class WatchlistUpdateInput(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    query = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    webhook_url = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WatchlistUpdateApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_partial_update",
        summary="Change a watchlist",
        request=WatchlistUpdateInput,
        responses={200: WatchlistOutput, 400: ErrorOutput, 404: ErrorOutput},
        description="Only the fields sent change; a new query alerts only on claims from now on.",
    )
    def patch(self, request: Request, watchlist_id: int) -> Response:
        data = WatchlistUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        watchlist = watchlist_update(
            actor=request.user,
            watchlist_id=check_path_id(watchlist_id, "watchlist"),
            **data.validated_data,
        )
        return Response(WatchlistOutput(watchlist, context={"request": request}).data)


class WatchlistDeleteApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_destroy",
        summary="Delete a watchlist",
        responses={204: None, 404: ErrorOutput},
    )
    def delete(self, request: Request, watchlist_id: int) -> Response:
        watchlist_delete(actor=request.user, watchlist_id=check_path_id(watchlist_id, "watchlist"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WatchlistItemApi(WatchlistDetailApi, WatchlistUpdateApi, WatchlistDeleteApi):
    pass  # GET, PATCH and DELETE /watchlists/{id}


class MatchArticleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    outlet = serializers.CharField(allow_null=True)
    published_at = serializers.CharField(allow_null=True)


class MatchClaimOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    hedged = serializers.BooleanField()
    verification_status = serializers.CharField()
    url = serializers.CharField(help_text="The claim's page (absolute when SITE_URL is set).")
    api_url = serializers.CharField()
    article = MatchArticleOutput()


class MatchLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    other_claim_id = serializers.IntegerField(help_text="The claim at the link's other end.")


class MatchOutput(serializers.Serializer):
    """A match as the webhook body carries it (`watchlists.webhooks.match_payload`)."""

    id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=MatchReason.values)
    matched_at = serializers.DateTimeField()
    claim = MatchClaimOutput()
    link = MatchLinkOutput(allow_null=True, help_text="For `contradicted`: the new link.")


class MatchPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MatchOutput(many=True)


class WatchlistMatchesApi(WatchlistApiView):
    @extend_schema(
        operation_id="watchlists_matches_list",
        summary="What newly matched a watchlist",
        parameters=_PAGE_PARAMETERS,
        responses={200: MatchPageOutput, 404: ErrorOutput},
        description="Newest first: `new_claim` (a claim extracted after the watchlist was saved "
        "that its view lists) and `contradicted` (a new `contradicts` link touching a claim it "
        "lists; `link.other_claim_id` is the other end). The same objects as a webhook's "
        "`matches`.",
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        watchlist = _watchlist_or_404(request, watchlist_id)
        paginator = KeysetPagination()
        page: list[WatchlistMatch] = paginator.paginate_queryset(
            watchlist_matches(watchlist_id=watchlist.pk), request, view=self
        )
        rows: list[dict[str, Any]] = [match_payload(m, request.build_absolute_uri) for m in page]
        return paginator.get_paginated_response(rows)

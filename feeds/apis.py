"""Feeds and URL submissions API. One view class per operation, each with its own serializers.

Listing and creating feeds share the URL /feeds (and reading and updating /feeds/{id}), so the
URL conf routes each pair through a class that only combines the two operation classes.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import Role
from core.errors import ApplicationError
from core.pagination import KeysetPagination
from feeds.models import MAX_POLL_MINUTES, MIN_POLL_MINUTES, Feed, UrlSubmission
from feeds.selectors import feed_get, feed_list, url_submission_get
from feeds.services import feed_create, feed_poll_request, feed_update
from feeds.url_submissions import url_submission_create


class FeedsApiView(APIView):
    """Reading is open; registering, editing and polling feeds is for editors (the API's
    default permission, core.access.RolePermission); a URL submission names its own role."""


class FeedOutput(serializers.ModelSerializer):
    healthy = serializers.BooleanField(source="is_healthy")
    detail_url = serializers.SerializerMethodField()

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "name",
            "outlet",
            "poll_interval_minutes",
            "is_active",
            "healthy",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "last_error_at",
            "consecutive_failures",
            "articles_added",
            "next_poll_at",
            "created_at",
            "detail_url",
        ]

    def get_detail_url(self, obj: Feed) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:feed-detail", args=[obj.pk]))


class FeedPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FeedOutput(many=True)


class FeedListApi(FeedsApiView):
    @extend_schema(
        responses={200: FeedPageOutput},
        summary="List feeds with their health",
        operation_id="feeds_list",
        description="Newest first, in cursor pages (`?page_size=`, follow `next`).",
        parameters=[
            OpenApiParameter("cursor", str, description="From `next` or `previous`."),
            OpenApiParameter("page_size", int, description="1 to 200; 50 by default."),
        ],
    )
    def get(self, request: Request) -> Response:
        paginator = KeysetPagination()
        # Newest first, as documented; the pages list feeds by name.
        page = paginator.paginate_queryset(feed_list().order_by("-id"), request, view=self)
        data = FeedOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class FeedCreateInput(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="The RSS or Atom feed's own URL.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    outlet = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text="Publisher of the articles; the feed's title when empty.",
    )
    poll_interval_minutes = serializers.IntegerField(
        required=False, default=60, min_value=MIN_POLL_MINUTES, max_value=MAX_POLL_MINUTES
    )
    is_active = serializers.BooleanField(required=False, default=True)


class FeedCreateApi(FeedsApiView):
    @extend_schema(
        request=FeedCreateInput,
        responses={201: FeedOutput},
        summary="Register a feed",
        operation_id="feeds_create",
        description="An active feed is polled right away, then every `poll_interval_minutes`.",
    )
    def post(self, request: Request) -> Response:
        data = FeedCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        feed = feed_create(actor=request.user, **data.validated_data)
        output = FeedOutput(feed, context={"request": request}).data
        return Response(
            output, status=status.HTTP_201_CREATED, headers={"Location": output["detail_url"]}
        )


class FeedCollectionApi(FeedListApi, FeedCreateApi):
    pass  # GET and POST /feeds


def _feed_or_404(feed_id: int) -> Feed:
    feed = feed_get(feed_id=feed_id)
    if feed is None:
        raise ApplicationError(f"There is no feed {feed_id}.", code="not_found", status_code=404)
    return feed


class FeedDetailApi(FeedsApiView):
    @extend_schema(
        responses={200: FeedOutput},
        summary="A feed and its health",
        operation_id="feeds_retrieve",
        description="`healthy` is false while the last poll failed; `last_error` keeps the "
        "most recent failure, `next_poll_at` shows the backoff.",
    )
    def get(self, request: Request, feed_id: int) -> Response:
        return Response(FeedOutput(_feed_or_404(feed_id), context={"request": request}).data)


class FeedUpdateInput(serializers.Serializer):
    url = serializers.URLField(required=False, max_length=2000)
    name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=300)
    poll_interval_minutes = serializers.IntegerField(
        required=False, min_value=MIN_POLL_MINUTES, max_value=MAX_POLL_MINUTES
    )
    is_active = serializers.BooleanField(required=False)


class FeedUpdateApi(FeedsApiView):
    @extend_schema(
        request=FeedUpdateInput,
        responses={200: FeedOutput},
        summary="Change a feed",
        operation_id="feeds_partial_update",
        description="Only the fields sent change. Re-activating a feed polls it right away.",
    )
    def patch(self, request: Request, feed_id: int) -> Response:
        feed = _feed_or_404(feed_id)
        data = FeedUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        feed = feed_update(actor=request.user, feed=feed, **data.validated_data)
        return Response(FeedOutput(feed, context={"request": request}).data)


class FeedItemApi(FeedDetailApi, FeedUpdateApi):
    pass  # GET and PATCH /feeds/{id}


class FeedPollApi(FeedsApiView):
    @extend_schema(
        request=None,
        responses={202: FeedOutput},
        summary="Poll a feed now",
        description="Makes an active feed due and enqueues its poll; read the feed back "
        "to see the result. A paused feed answers 400.",
    )
    def post(self, request: Request, feed_id: int) -> Response:
        feed = _feed_or_404(feed_id)
        feed_poll_request(feed=feed)
        return Response(
            FeedOutput(feed, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class UrlSubmitInput(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="An article page (http or https).")


class UrlSubmissionOutput(serializers.ModelSerializer):
    article_id = serializers.IntegerField(allow_null=True)
    article_url = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = UrlSubmission
        fields = [
            "id",
            "url",
            "status",
            "error",
            "attempts",
            "article_id",
            "article_created",
            "article_url",
            "created_at",
            "finished_at",
            "status_url",
        ]

    def get_article_url(self, obj: UrlSubmission) -> str | None:
        if obj.article_id is None:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:article-detail", args=[obj.article_id])
        )

    def get_status_url(self, obj: UrlSubmission) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:url-submission-detail", args=[obj.pk])
        )


class UrlSubmitApi(FeedsApiView):
    # Any signed-in user (feeds/access.py says why), whatever ALLOW_ANONYMOUS_SUBMISSIONS says:
    # it makes this server fetch a page, which an anonymous visitor could use as a proxy.
    required_roles = {"POST": Role.ANALYST}

    @extend_schema(
        request=UrlSubmitInput,
        responses={202: UrlSubmissionOutput, 200: UrlSubmissionOutput},
        summary="Submit an article by URL",
        description="A worker fetches the page, extracts its main text and submits it as an "
        "article. Answers 202 with the submission's status URL; a URL already "
        "pending or fetched answers 200 with its submission.",
    )
    def post(self, request: Request) -> Response:
        data = UrlSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission, created = url_submission_create(url=data.validated_data["url"])
        output = UrlSubmissionOutput(submission, context={"request": request}).data
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(output, status=code, headers={"Location": output["status_url"]})


class UrlSubmissionDetailApi(FeedsApiView):
    @extend_schema(responses={200: UrlSubmissionOutput}, summary="A URL submission's status")
    def get(self, request: Request, submission_id: int) -> Response:
        submission = url_submission_get(submission_id=submission_id)
        if submission is None:
            raise ApplicationError(
                f"There is no URL submission {submission_id}.", code="not_found", status_code=404
            )
        return Response(UrlSubmissionOutput(submission, context={"request": request}).data)

"""Article API: submit and read back. One view per operation, its own serializers."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.selectors import (
    ArticleDetailOutput,
    ArticleFilters,
    ArticleStatusOutput,
    article_get,
    article_list,
    article_status,
)
from articles.services import (
    ArticleInput,
    SubmitResult,
    article_reextract,
    article_submit,
    article_submit_file,
    articles_submit,
)
from claims.models import Claim
from claims.selectors import claim_list_for_article
from core.access import require_editor, submitter_role
from core.api import error_data
from core.api_tools import (
    DateOrDateTimeField,
    ErrorDetailOutput,
    ErrorOutput,
    IdOrNameField,
    KeysetPagination,
    LongTextField,
    check_path_id,
    parse_query,
    split_id_or_name,
)
from core.errors import ApplicationError
from core.openapi import openapi_component
from core.parsers import BoundedJSONParser
from core.shapes import Doc, DocumentedBy
from sources.idempotency import (
    idempotency_key_lookup,
    idempotency_key_store,
    idempotency_key_validate,
    idempotency_request_hash,
)
from sources.models import Article, ArticleStatus

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A unique key per submission (a UUID). A retry with the same key and payload "
    "within 24 hours answers exactly what the first request did; the same key with a "
    "different payload answers 422.",
)


class ArticleSubmitInput(serializers.Serializer):
    body = LongTextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The article's text (or HTML). Or send `file` as multipart.",
    )
    file = serializers.FileField(required=False, help_text="A .txt or .html file (multipart).")
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    outlet = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="The publisher, e.g. 'Voice of America'.",
    )
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    published_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="ISO 8601; a date alone is accepted."
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Accept a bare date ("2024-11-07") for published_at, as editors write it.
        if (
            hasattr(data, "get")
            and isinstance(data.get("published_at"), str)
            and len(data["published_at"]) == 10
        ):
            data = data.copy() if hasattr(data, "copy") else dict(data)
            data["published_at"] = data["published_at"] + "T12:00:00Z"
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("body") and not attrs.get("file"):
            raise serializers.ValidationError(
                "Send the article's text as `body` or a file as `file`."
            )
        if attrs.get("body") and attrs.get("file"):
            raise serializers.ValidationError("Send either `body` or `file`, not both.")
        return attrs


def article_status_data(article: Article, request: Request) -> ArticleStatusOutput:
    """The article's status as every article operation answers it, with its absolute URL."""
    return article_status(
        article,
        status_url=request.build_absolute_uri(reverse("api:article-detail", args=[article.pk])),
    )


def _payload(request: Request, hint: str) -> Any:
    """The request's parsed body. Django refuses to read one over DATA_UPLOAD_MAX_MEMORY_SIZE;
    without this it answers with its HTML 400 page instead of the API's error shape."""
    try:
        return request.data
    except RequestDataTooBig:
        raise ApplicationError(
            f"The request is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes; {hint}.",
            code="too_large",
            status_code=413,
        ) from None


def _article_meta(validated: dict[str, Any]) -> dict[str, Any]:
    """An article's title, outlet, URL and publication time, as the submission services take them."""
    return {
        "title": validated.get("title", ""),
        "outlet": validated.get("outlet", ""),
        "url": validated.get("url", ""),
        "published_at": validated.get("published_at"),
    }


class ArticleSubmitApi(APIView):
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    # A signed-in user or a token; anyone when ALLOW_ANONYMOUS_SUBMISSIONS is on.
    required_roles = {"POST": submitter_role}

    @extend_schema(
        operation_id="articles_create",
        request=ArticleSubmitInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: openapi_component(ArticleStatusOutput),
            200: openapi_component(ArticleStatusOutput),
            400: ErrorOutput,
            413: ErrorOutput,
            415: ErrorOutput,
            422: ErrorOutput,
        },
        summary="Submit an article for extraction",
        description="Stores the article as `queued` and answers 202 with its status URL. "
        "The same text submitted again answers 200 with the stored article.",
    )
    def post(self, request: Request) -> Response:
        payload = _payload(
            request, f"articles are limited to {settings.ARTICLE_MAX_BYTES:,} bytes of text"
        )
        data = ArticleSubmitInput(data=payload)
        data.is_valid(raise_exception=True)
        meta = _article_meta(data.validated_data)
        upload = data.validated_data.get("file")
        raw = upload.read() if upload is not None else data.validated_data["body"].encode()
        key = request.headers.get("Idempotency-Key")
        scope = f"user:{request.user.pk}" if request.user.is_authenticated else "anonymous"
        if key is not None:
            key = idempotency_key_validate(key)
            request_hash = idempotency_request_hash(
                payload={**meta, "file": upload is not None}, content=raw
            )
            first = idempotency_key_lookup(scope=scope, key=key, request_hash=request_hash)
            if first is not None:
                return self._answer(request, first.article, first.status_code, replayed=True)
        if upload is not None:
            result = article_submit_file(data=raw, filename=upload.name or "", **meta)
        else:
            result = article_submit(body=data.validated_data["body"], **meta)
        code = status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK
        if key is not None:
            idempotency_key_store(
                scope=scope,
                key=key,
                request_hash=request_hash,
                article=result.article,
                status_code=code,
            )
        return self._answer(request, result.article, code, replayed=False)

    def _answer(self, request: Request, article: Article, code: int, *, replayed: bool) -> Response:
        output = article_status_data(article, request)
        headers = {"Location": output["status_url"]}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(output, status=code, headers=headers)


class ArticleBatchItemInput(ArticleSubmitInput):
    file = None  # JSON only: a batch carries texts

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("body"):
            raise serializers.ValidationError({"body": "Send the article's text as `body`."})
        return attrs


class ArticleBatchInput(serializers.Serializer):
    articles = ArticleBatchItemInput(
        many=True, help_text="The articles, each as POST /articles takes it."
    )


class ArticleBatchItemOutput(TypedDict):
    status: Annotated[
        int,
        Doc(
            "202 stored and queued; 200 the same text was stored "
            "before (its article); 4xx this item was refused."
        ),
    ]
    article: NotRequired[Annotated[ArticleStatusOutput, Doc("Unless refused.")]]
    error: NotRequired[
        Annotated[
            dict[str, Any],
            Doc("If refused: as any error of the API."),
            DocumentedBy(ErrorDetailOutput),
        ]
    ]


class ArticleBatchOutput(TypedDict):
    results: Annotated[list[ArticleBatchItemOutput], Doc("One per submitted article, in order.")]
    created: int
    existing: int
    refused: int


class ArticleBatchApi(APIView):
    parser_classes = [BoundedJSONParser]
    required_roles = {"POST": submitter_role}

    @extend_schema(
        operation_id="articles_batch_create",
        request=ArticleBatchInput,
        responses={
            200: openapi_component(ArticleBatchOutput),
            400: ErrorOutput,
            413: ErrorOutput,
            415: ErrorOutput,
        },
        summary="Submit many articles at once",
        description="Up to ARTICLE_BATCH_MAX_ITEMS (100) articles in one request, for "
        "a wire or feed client: each is checked and stored as "
        "`POST /articles` would, and answered in `results`, in order. One "
        "that is refused does not stop the others; a text stored before "
        "(or twice in the batch) answers its stored article with 200, so "
        "a retried batch stores nothing twice.",
    )
    def post(self, request: Request) -> Response:
        payload = _payload(request, "send fewer articles per batch")
        items = payload.get("articles") if isinstance(payload, dict) else None
        limit = settings.ARTICLE_BATCH_MAX_ITEMS
        if not isinstance(items, list) or not items:
            raise ApplicationError(
                'Send {"articles": [...]}, a list of at least one article.', field="articles"
            )
        if len(items) > limit:
            raise ApplicationError(
                f"{len(items):,} articles in one batch; send at most {limit:,}.", field="articles"
            )
        inputs: list[ArticleInput | serializers.ValidationError] = []
        for item in items:
            data = ArticleBatchItemInput(data=item)
            if not data.is_valid():
                inputs.append(serializers.ValidationError(data.errors))
                continue
            inputs.append(
                ArticleInput(body=data.validated_data["body"], **_article_meta(data.validated_data))
            )
        valid = [i for i in inputs if isinstance(i, ArticleInput)]
        stored = iter(articles_submit(items=valid))
        results: list[ArticleBatchItemOutput] = []
        counts = {"created": 0, "existing": 0, "refused": 0}
        for given in inputs:
            outcome = next(stored) if isinstance(given, ArticleInput) else given
            if isinstance(outcome, SubmitResult):
                counts["created" if outcome.created else "existing"] += 1
                results.append(
                    {
                        "status": 202 if outcome.created else 200,
                        "article": article_status_data(outcome.article, request),
                    }
                )
            else:
                counts["refused"] += 1
                body, code = error_data(outcome)
                results.append({"status": code, "error": body["error"]})
        answer: ArticleBatchOutput = {
            "results": results,
            "created": counts["created"],
            "existing": counts["existing"],
            "refused": counts["refused"],
        }
        return Response(answer, status=status.HTTP_200_OK)


class ArticleListQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ArticleStatus.values, required=False, help_text="Processing status."
    )
    outlet = IdOrNameField(
        required=False, help_text="The publishing outlet: an id, or a name or alias."
    )
    published_from = DateOrDateTimeField(
        required=False, help_text="Published at or after: a date (whole day) or a date-time."
    )
    published_until = DateOrDateTimeField(
        required=False, help_text="Published at or before: a date (whole day) or a date-time."
    )


class ArticleListApi(APIView):
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="articles_list",
        summary="List articles (newest first)",
        parameters=[ArticleListQuery],
        responses={200: openapi_component(ArticleStatusOutput, many=True), 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        q = parse_query(ArticleListQuery, request)
        outlet_id, outlet_name = split_id_or_name(q.get("outlet"))
        filters = ArticleFilters(
            status=q.get("status"),
            outlet_id=outlet_id,
            outlet_name=outlet_name,
            published_from=q.get("published_from"),
            published_until=q.get("published_until"),
        )
        paginator = KeysetPagination()
        page = paginator.paginate_queryset(article_list(filters=filters), request, view=self)
        return paginator.get_paginated_response(
            [article_status_data(article, request) for article in page]
        )


class ArticlesApi(ArticleListApi, ArticleSubmitApi):
    """`/articles`: GET lists (ArticleListApi), POST submits (ArticleSubmitApi). Django routes by
    path only, so the two operations share one class; each keeps its own method and serializers."""


class ArticleReextractApi(APIView):
    @extend_schema(
        operation_id="articles_reextract",
        request=None,
        responses={202: openapi_component(ArticleStatusOutput), 404: ErrorOutput, 409: ErrorOutput},
        summary="Run extraction over an article again",
        description="Queues the stored article again (after a failure or with a new "
        "extractor); its claims are replaced when the worker is done. "
        "409 while it is being processed.",
    )
    def post(self, request: Request, article_id: int) -> Response:
        require_editor(request.user)
        article = article_reextract(article_id=check_path_id(article_id, "article"))
        output = article_status_data(article, request)
        return Response(
            output, status=status.HTTP_202_ACCEPTED, headers={"Location": output["status_url"]}
        )


class ClaimBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    kind = serializers.CharField()
    hedged = serializers.BooleanField()
    hedge_cues = serializers.ListField(child=serializers.CharField())
    credibility = serializers.IntegerField(source="effective_credibility")
    verification_status = serializers.CharField()
    sources = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    dates = serializers.SerializerMethodField()

    def get_sources(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {
                "position": a.position,
                "mention": a.mention,
                "name": a.source.name,
                "kind": a.source.kind,
                "reliability": a.source.reliability,
                "cue": a.cue,
                "source_id": a.source_id,
            }
            for a in claim.attributions.all()
        ]

    def get_figures(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {
                "id": f.pk,
                "value": f.value,
                "text": f.text,
                "unit": f.unit,
                "approximate": f.approximate,
                "low": f.low,
                "high": f.high,
                "status": f.status,
            }
            for f in claim.figures.all()
        ]

    def get_dates(self, claim: Claim) -> list[dict[str, Any]]:
        return [
            {"text": d.text, "value": d.value.isoformat() if d.value else None}
            for d in claim.dates.all()
        ]


class ArticleDetailApi(APIView):
    @extend_schema(
        operation_id="articles_retrieve",
        responses={200: openapi_component(ArticleDetailOutput), 404: ErrorOutput},
        summary="An article's status and its claims",
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get(article_id=check_path_id(article_id, "article"))
        if article is None:
            raise ApplicationError(
                f"There is no article {article_id}.", code="not_found", status_code=404
            )
        claims = claim_list_for_article(article_id=article.pk)
        answer: ArticleDetailOutput = {
            **article_status_data(article, request),
            "claims": ClaimBriefOutput(claims, many=True).data,
        }
        return Response(answer)

"""Article API: submit and read back. One view per operation, its own serializers."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.selectors import claim_list_for_article
from provenance.errors import ApplicationError
from sources.models import Article
from sources.selectors import article_get
from sources.services import article_submit, article_submit_file


class ArticleSubmitInput(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="The article's text (or HTML). Or send `file` as multipart.")
    file = serializers.FileField(required=False, help_text="A .txt or .html file (multipart).")
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                   help_text="The publisher, e.g. 'Voice of America'.")
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    published_at = serializers.DateTimeField(required=False, allow_null=True,
                                             help_text="ISO 8601; a date alone is accepted.")

    def to_internal_value(self, data):  # type: ignore[no-untyped-def]
        # Accept a bare date ("2024-11-07") for published_at, as editors write it.
        if hasattr(data, "get") and isinstance(data.get("published_at"), str) and len(data["published_at"]) == 10:
            data = data.copy() if hasattr(data, "copy") else dict(data)
            data["published_at"] = data["published_at"] + "T12:00:00Z"
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        if not attrs.get("body") and not attrs.get("file"):
            raise serializers.ValidationError("Send the article's text as `body` or a file as `file`.")
        if attrs.get("body") and attrs.get("file"):
            raise serializers.ValidationError("Send either `body` or `file`, not both.")
        return attrs


class ArticleStatusOutput(serializers.ModelSerializer):
    outlet = serializers.CharField(source="outlet.name", default=None)
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "outlet", "url", "published_at", "status", "attempts", "error",
                  "extractor_version", "submitted_at", "processed_at", "status_url"]

    def get_status_url(self, obj: Article) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:article-detail", args=[obj.pk]))


class ArticleSubmitApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ArticleSubmitInput, responses={202: ArticleStatusOutput, 200: ArticleStatusOutput},
                   summary="Submit an article for extraction",
                   description="Stores the article as `queued` and answers 202 with its status URL. "
                               "The same text submitted again answers 200 with the stored article.")
    def post(self, request: Request) -> Response:
        data = ArticleSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        meta = {
            "title": data.validated_data.get("title", ""),
            "outlet": data.validated_data.get("outlet", ""),
            "url": data.validated_data.get("url", ""),
            "published_at": data.validated_data.get("published_at"),
        }
        upload = data.validated_data.get("file")
        if upload is not None:
            raw = upload.read()
            result = article_submit_file(data=raw, filename=upload.name or "", **meta)
        else:
            result = article_submit(body=data.validated_data["body"], **meta)
        output = ArticleStatusOutput(result.article, context={"request": request}).data
        code = status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK
        return Response(output, status=code, headers={"Location": output["status_url"]})


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

    def get_sources(self, claim) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
        return [
            {"position": a.position, "mention": a.mention, "name": a.source.name,
             "kind": a.source.kind, "reliability": a.source.reliability, "cue": a.cue,
             "source_id": a.source_id}
            for a in claim.attributions.all()
        ]

    def get_figures(self, claim) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
        return [
            {"id": f.pk, "value": f.value, "text": f.text, "unit": f.unit, "approximate": f.approximate,
             "low": f.low, "high": f.high, "status": f.status}
            for f in claim.figures.all()
        ]

    def get_dates(self, claim) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
        return [{"text": d.text, "value": d.value.isoformat() if d.value else None} for d in claim.dates.all()]


class ArticleDetailOutput(ArticleStatusOutput):
    claims = serializers.SerializerMethodField()

    class Meta(ArticleStatusOutput.Meta):
        fields = [*ArticleStatusOutput.Meta.fields, "claims"]

    def get_claims(self, obj: Article) -> list[dict]:  # type: ignore[type-arg]
        return ClaimBriefOutput(claim_list_for_article(article_id=obj.pk), many=True).data  # type: ignore[return-value]


class ArticleDetailApi(APIView):
    @extend_schema(responses={200: ArticleDetailOutput}, summary="An article's status and its claims")
    def get(self, request: Request, article_id: int) -> Response:
        article = article_get(article_id=article_id)
        if article is None:
            raise ApplicationError(f"There is no article {article_id}.", code="not_found", status_code=404)
        return Response(ArticleDetailOutput(article, context={"request": request}).data)




"""/api/v1/ routes."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from claims import apis as claim_apis
from feeds import apis as feed_apis
from sources import apis as source_apis

app_name = "api"

urlpatterns = [
    path("articles", source_apis.ArticlesApi.as_view(), name="article-submit"),
    path("articles/<int:article_id>", source_apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/reextract", source_apis.ArticleReextractApi.as_view(),
         name="article-reextract"),
    path("claims", claim_apis.ClaimListApi.as_view(), name="claim-list"),
    path("claims/<int:claim_id>", claim_apis.ClaimDetailApi.as_view(), name="claim-detail"),
    path("claims/<int:claim_id>/graph", claim_apis.ClaimGraphApi.as_view(), name="claim-graph"),
    path("graph", claim_apis.GraphApi.as_view(), name="graph"),
    path("figures", claim_apis.FigureListApi.as_view(), name="figure-list"),
    path("sources", source_apis.SourceListApi.as_view(), name="source-list"),
    path("sources/<int:source_id>", source_apis.SourceDetailApi.as_view(), name="source-detail"),
    path("sources/<int:source_id>/claims", source_apis.SourceClaimsApi.as_view(), name="source-claims"),
    path("feeds", feed_apis.FeedCollectionApi.as_view(), name="feed-list"),
    path("feeds/<int:feed_id>", feed_apis.FeedItemApi.as_view(), name="feed-detail"),
    path("urls", feed_apis.UrlSubmitApi.as_view(), name="url-submit"),
    path("urls/<int:submission_id>", feed_apis.UrlSubmissionDetailApi.as_view(), name="url-submission-detail"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

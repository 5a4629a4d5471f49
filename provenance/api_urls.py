"""/api/v1/ routes."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from sources import apis as source_apis

app_name = "api"

urlpatterns = [
    path("articles", source_apis.ArticleSubmitApi.as_view(), name="article-submit"),
    path("articles/<int:article_id>", source_apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from claims import views as claim_views
from provenance.views import healthz
from sources import apis as source_apis
from sources import views as source_views

api_patterns = [
    path("articles", source_apis.ArticleSubmitApi.as_view(), name="article-submit"),
    path("articles/<int:article_id>", source_apis.ArticleDetailApi.as_view(), name="article-detail"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", claim_views.home, name="home"),
    path("articles/new", source_views.article_submit_view, name="article-submit"),
    path("articles/<int:article_id>", source_views.article_detail, name="article-detail"),
    path("api/v1/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

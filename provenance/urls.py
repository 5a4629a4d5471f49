from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from claims import views as claim_views
from provenance.views import healthz
from sources import views as source_views

urlpatterns = [
    path("", claim_views.home, name="home"),
    path("articles/new", source_views.article_submit_view, name="article-submit"),
    path("articles/<int:article_id>", source_views.article_detail, name="article-detail"),
    path("api/v1/", include("provenance.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

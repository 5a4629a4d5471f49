from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from articles import views as article_views
from claims import views as claim_views
from claims import views_sources as source_views
from core.api import ApiNotFound
from core.throttles import login_throttled
from core.views import healthz

# Django's own error answers (a malformed request, a CSRF refusal outside DRF, a crash) are the
# API's error shape under /api/ and the usual pages elsewhere; unknown API paths: ApiNotFound.
handler400 = "core.api.handler400"
handler403 = "core.api.handler403"
handler500 = "core.api.handler500"

urlpatterns = [
    path("", claim_views.claim_browser, name="home"),
    path("claims/<int:claim_id>", claim_views.claim_detail, name="claim-detail"),
    path("articles/new", article_views.article_submit_view, name="article-submit"),
    path("articles/<int:article_id>", article_views.article_detail, name="article-detail"),
    path("articles/<int:article_id>/retry", article_views.article_retry, name="article-retry"),
    path("sources", source_views.source_list_view, name="source-list"),
    path("sources/<int:source_id>", source_views.source_detail, name="source-detail"),
    path("feeds/", include("feeds.urls")),
    path("watchlists/", include("watchlists.urls")),
    path("api/v1/", include("provenance.api_urls")),
    re_path(r"^api/", ApiNotFound.as_view(), name="api-not-found"),
    path("review", claim_views.review_queue, name="review-queue"),
    path("figures/<int:figure_id>/review", claim_views.figure_review_view, name="figure-review"),
    path("figures/track", claim_views.figure_track_view, name="figure-track"),
    path("links/<int:link_id>/review", claim_views.link_review_view, name="link-review"),
    path("claims/<int:claim_id>/edit", claim_views.claim_edit_view, name="claim-edit"),
    path("sources/<int:source_id>/edit", source_views.source_edit_view, name="source-edit"),
    # Both sign-in doors count failed attempts per address (core/throttles.py).
    path("accounts/login/", login_throttled(auth_views.LoginView.as_view()), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", login_throttled(admin.site.login)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

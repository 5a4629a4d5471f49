from __future__ import annotations

from django.urls import path

from feeds import views

app_name = "feeds"

urlpatterns = [
    path("", views.feed_list_view, name="list"),
    path("new", views.feed_create_view, name="create"),
    path("<int:feed_id>", views.feed_detail_view, name="detail"),
    path("<int:feed_id>/edit", views.feed_edit_view, name="edit"),
    path("<int:feed_id>/poll", views.feed_poll_view, name="poll"),
    path("urls/new", views.url_submit_view, name="url-submit"),
    path("urls/<int:submission_id>", views.url_submission_detail_view, name="url-detail"),
]

from __future__ import annotations

from django.urls import path

from watchlists import views

app_name = "watchlists"

urlpatterns = [
    path("", views.watchlist_list_view, name="list"),
    path("new", views.watchlist_create_view, name="create"),
    path("<int:watchlist_id>", views.watchlist_detail_view, name="detail"),
    path("<int:watchlist_id>/delete", views.watchlist_delete_view, name="delete"),
    path("<int:watchlist_id>/feed", views.watchlist_feed_view, name="feed"),
]

from __future__ import annotations

import pytest
from django.test import Client

from feeds.models import Feed, UrlSubmission
from feeds.services import feed_create

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_feed_in_the_admin_through_the_service(
    admin_client: Client, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/feeds/feed/add/",
            {
                "url": "https://demo.example/feed.xml",
                "name": "",
                "outlet": "Demo Wire",
                "poll_interval_minutes": "30",
                "is_active": "on",
                "entries-TOTAL_FORMS": "0",
                "entries-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert feed.outlet == "Demo Wire"
    assert enqueued["feeds"] == [feed.pk]


def test_the_admin_refuses_a_non_http_feed_url(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/feeds/feed/add/",
        {"url": "ftp://demo.example/feed.xml", "poll_interval_minutes": "30"},
    )
    assert (
        response.status_code == 200 and "Enter an http or https URL." in response.content.decode()
    )
    assert Feed.objects.count() == 0


def test_an_admin_edit_keeps_the_pollers_health_columns(admin_client: Client) -> None:
    feed = feed_create(url="https://demo.example/feed.xml")
    Feed.objects.filter(pk=feed.pk).update(articles_added=9, last_error="Timed out.")
    response = admin_client.post(
        f"/admin/feeds/feed/{feed.pk}/change/",
        {
            "url": feed.url,
            "name": "Renamed",
            "outlet": "",
            "poll_interval_minutes": "60",
            "is_active": "on",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.name, feed.articles_added, feed.last_error) == ("Renamed", 9, "Timed out.")


@pytest.mark.parametrize("url", ["/admin/feeds/feed/", "/admin/feeds/urlsubmission/"])
def test_the_admin_lists_load(admin_client: Client, url: str) -> None:
    feed_create(url="https://demo.example/feed.xml")
    UrlSubmission.objects.create(url="https://demo.example/a")
    assert admin_client.get(url).status_code == 200

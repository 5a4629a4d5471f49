"""The feeds API: list, create, detail, update."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from feeds.models import Feed
from feeds.services import feed_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(editor_api: APIClient) -> APIClient:
    return editor_api


def test_a_feed_is_registered_with_201_and_its_location(
    api: APIClient, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/feeds",
            {
                "url": "https://demo.example/feed.xml",
                "outlet": "Demo Wire",
                "poll_interval_minutes": 15,
            },
            format="json",
        )
    assert response.status_code == 201
    feed = Feed.objects.get()
    body = response.json()
    assert (
        body["id"] == feed.pk
        and body["outlet"] == "Demo Wire"
        and body["poll_interval_minutes"] == 15
    )
    assert body["is_active"] is True and body["healthy"] is True and body["articles_added"] == 0
    assert response["Location"].endswith(f"/api/v1/feeds/{feed.pk}")
    assert enqueued["feeds"] == [feed.pk]


def test_registering_the_same_feed_twice_answers_409(api: APIClient) -> None:
    feed_create(url="https://demo.example/feed.xml")
    response = api.post("/api/v1/feeds", {"url": "https://demo.example/feed.xml"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate"
    assert "already registered" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "url"),
        ({"url": "ftp://demo.example/feed"}, "url"),
        ({"url": "https://demo.example/f", "poll_interval_minutes": 1}, "poll_interval_minutes"),
        (
            {"url": "https://demo.example/f", "poll_interval_minutes": 999999},
            "poll_interval_minutes",
        ),
    ],
)
def test_bad_feeds_are_refused_with_the_field_named(
    api: APIClient, payload: dict, field: str
) -> None:  # type: ignore[type-arg]
    response = api.post("/api/v1/feeds", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert Feed.objects.count() == 0


def test_a_feed_reads_back_with_its_health(api: APIClient) -> None:
    feed = feed_create(url="https://demo.example/feed.xml")
    Feed.objects.filter(pk=feed.pk).update(
        last_error="demo.example answered HTTP 500.", consecutive_failures=2
    )
    body = api.get(f"/api/v1/feeds/{feed.pk}").json()
    assert body["healthy"] is False and body["consecutive_failures"] == 2
    assert body["last_error"] == "demo.example answered HTTP 500."


def test_an_unknown_feed_answers_404(api: APIClient) -> None:
    response = api.get("/api/v1/feeds/999999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.patch("/api/v1/feeds/999999", {"name": "x"}, format="json").status_code == 404


def test_patch_changes_only_the_fields_sent(api: APIClient) -> None:
    feed = feed_create(url="https://demo.example/feed.xml", name="Demo", outlet="Demo Wire")
    Feed.objects.filter(pk=feed.pk).update(articles_added=7)
    response = api.patch(
        f"/api/v1/feeds/{feed.pk}",
        {"poll_interval_minutes": 120, "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    feed.refresh_from_db()
    assert (feed.poll_interval_minutes, feed.is_active, feed.name, feed.outlet) == (
        120,
        False,
        "Demo",
        "Demo Wire",
    )
    assert feed.articles_added == 7  # the poller's counters are not written back by an edit


def test_patch_cannot_move_a_feed_onto_another_feeds_url(api: APIClient) -> None:
    feed_create(url="https://demo.example/a.xml")
    other = feed_create(url="https://demo.example/b.xml")
    response = api.patch(
        f"/api/v1/feeds/{other.pk}", {"url": "https://demo.example/a.xml"}, format="json"
    )
    assert response.status_code == 409


def test_the_feed_list_runs_a_fixed_number_of_queries_whatever_the_number_of_feeds(
    api: APIClient,
) -> None:
    feed_create(url="https://demo.example/0.xml")
    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/feeds").status_code == 200
    for n in range(1, 8):
        feed_create(url=f"https://demo.example/{n}.xml")
    with CaptureQueriesContext(connection) as many:
        body = api.get("/api/v1/feeds").json()
    assert len(body["results"]) == 8
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_feed_list_is_paginated_with_a_cursor_newest_first(api: APIClient) -> None:
    made = [feed_create(url=f"https://demo.example/{n}.xml", name=f"Feed {n}") for n in range(3)]
    first = api.get("/api/v1/feeds?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    rest = api.get(first["next"]).json()
    assert len(rest["results"]) == 1
    seen = [row["id"] for row in first["results"] + rest["results"]]
    assert seen == [feed.pk for feed in reversed(made)]


def test_the_schema_documents_the_feed_and_url_endpoints(api: APIClient) -> None:
    response = api.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/feeds",
        "/api/v1/feeds/{feed_id}",
        "/api/v1/urls",
        "/api/v1/urls/{submission_id}",
    ):
        assert f'"{path}"' in schema or f"{path}:" in schema


def test_poll_now_through_the_api_answers_202_and_enqueues_the_poll(
    api: APIClient, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    feed = feed_create(url="https://demo.example/feed.xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/feeds/{feed.pk}/poll")
    assert response.status_code == 202 and enqueued["feeds"] == [feed.pk]
    paused = feed_create(url="https://demo.example/paused.xml", is_active=False)
    response = api.post(f"/api/v1/feeds/{paused.pk}/poll")
    assert response.status_code == 400 and response.json()["error"]["code"] == "paused"

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from core.access import Role
from feeds.models import Feed, UrlSubmission
from tests.editorial.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "feed_status", "url_status"),
    [
        (Role.ANONYMOUS, 403, 403),
        (Role.ANALYST, 403, 202),
        (Role.EDITOR, 201, 202),
        (Role.ADMIN, 201, 202),
    ],
)
def test_feeds_are_managed_by_editors_and_urls_submitted_by_signed_in_users(
    role: Role, feed_status: int, url_status: int, enqueued
) -> None:  # type: ignore[no-untyped-def]
    api = client_for(role)
    response = api.post(
        "/api/v1/feeds", {"url": "https://news.example/rss", "outlet": "Demo Wire"}, format="json"
    )
    assert response.status_code in (feed_status, 401 if feed_status == 403 else feed_status)
    assert Feed.objects.exists() == (feed_status == 201)
    response = api.post("/api/v1/urls", {"url": "https://news.example/story"}, format="json")
    assert response.status_code in (url_status, 401 if url_status == 403 else url_status)
    assert UrlSubmission.objects.exists() == (url_status == 202)


def test_everyone_may_read_the_feed_list() -> None:
    assert client_for(Role.ANONYMOUS).get("/api/v1/feeds").status_code == 200
    assert Client().get("/feeds/").status_code == 200


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.ANALYST])
def test_the_add_feed_form_refuses_non_editors_with_a_clear_message(role: Role) -> None:
    browser = Client()
    if role != Role.ANONYMOUS:
        browser.force_login(make_user(role))
    response = browser.post(
        "/feeds/new", {"url": "https://news.example/rss", "name": "x", "poll_interval_minutes": 30}
    )
    assert response.status_code == 302
    assert any("editor" in str(m) for m in get_messages(response.wsgi_request))
    assert not Feed.objects.exists()

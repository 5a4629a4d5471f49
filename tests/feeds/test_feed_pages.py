"""Server-rendered feed pages: list with health, a feed's page, add/edit forms, URL form."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feeds.models import Feed, FeedEntry, FeedEntryStatus, UrlSubmission
from feeds.services import feed_create
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def make_entry(feed: Feed, n: int, **fields: object) -> FeedEntry:
    if "article" not in fields:
        fields["article"] = make_article(title=f"Article {n}")
    fields.setdefault("title", f"Entry {n}")
    fields.setdefault("status", FeedEntryStatus.ADDED)
    return FeedEntry.objects.create(feed=feed, guid=f"g-{n}-{feed.pk}", **fields)


def test_the_feed_list_tells_a_new_user_how_to_add_a_feed(client: Client) -> None:
    page = client.get("/feeds/").content.decode()
    assert "No feeds yet" in page and 'href="/feeds/new"' in page


def test_the_feed_list_shows_each_feeds_health(client: Client) -> None:
    good = feed_create(url="https://good.example/feed.xml", name="Good Wire")
    bad = feed_create(url="https://bad.example/feed.xml", name="Bad Wire")
    Feed.objects.filter(pk=good.pk).update(last_success_at=timezone.now(), articles_added=12)
    Feed.objects.filter(pk=bad.pk).update(
        last_error="bad.example answered HTTP 500.", consecutive_failures=3
    )
    page = client.get("/feeds/").content.decode()
    assert "Good Wire" in page and "healthy" in page and ">12<" in page
    assert "failing (3 in a row)" in page and "bad.example answered HTTP 500." in page


def test_the_feed_list_runs_a_fixed_number_of_queries_whatever_the_number_of_feeds(
    client: Client,
) -> None:
    feed_create(url="https://demo.example/0.xml")
    one = _queries(client, "/feeds/")
    for n in range(1, 8):
        feed_create(url=f"https://demo.example/{n}.xml")
    assert _queries(client, "/feeds/") == one


def test_a_feeds_page_shows_its_health_and_recent_entries(client: Client) -> None:
    feed = feed_create(url="https://demo.example/feed.xml", name="Demo")
    Feed.objects.filter(pk=feed.pk).update(
        last_error="Timed out.", consecutive_failures=1, articles_added=1
    )
    entry = make_entry(feed, 1)
    make_entry(
        feed, 2, article=None, status=FeedEntryStatus.FAILED, error="No article text was found."
    )
    page = client.get(f"/feeds/{feed.pk}").content.decode()
    assert "Timed out." in page and "failing (1 in a row)" in page
    assert f'href="/articles/{entry.article_id}"' in page
    assert "No article text was found." in page


def test_a_feeds_page_runs_a_fixed_number_of_queries_whatever_the_number_of_entries(
    client: Client,
) -> None:
    feed = feed_create(url="https://demo.example/feed.xml")
    make_entry(feed, 0)
    one = _queries(client, f"/feeds/{feed.pk}")
    for n in range(1, 8):
        make_entry(feed, n)
    assert _queries(client, f"/feeds/{feed.pk}") == one


def test_the_url_form_lists_recent_submissions_in_a_fixed_number_of_queries(client: Client) -> None:
    UrlSubmission.objects.create(url="https://demo.example/0", article=make_article())
    one = _queries(client, "/feeds/urls/new")
    for n in range(1, 8):
        UrlSubmission.objects.create(url=f"https://demo.example/{n}", article=make_article())
    assert _queries(client, "/feeds/urls/new") == one


def test_an_unknown_feed_is_a_404(client: Client) -> None:
    assert client.get("/feeds/999999").status_code == 404
    assert client.get("/feeds/999999/edit").status_code == 404


def test_adding_a_feed_through_the_form_redirects_to_its_page(
    client: Client, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/feeds/new",
            {
                "url": "https://demo.example/feed.xml",
                "outlet": "Demo Wire",
                "poll_interval_minutes": "30",
                "is_active": "on",
            },
        )
    feed = Feed.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feeds/{feed.pk}"
    assert (feed.outlet, feed.poll_interval_minutes, feed.is_active) == ("Demo Wire", 30, True)
    assert enqueued["feeds"] == [feed.pk]


def test_the_add_form_shows_errors_next_to_the_field(client: Client) -> None:
    feed_create(url="https://demo.example/feed.xml")
    response = client.post(
        "/feeds/new", {"url": "https://demo.example/feed.xml", "poll_interval_minutes": "30"}
    )
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    response = client.post(
        "/feeds/new", {"url": "https://demo.example/x.xml", "poll_interval_minutes": "1"}
    )
    assert response.status_code == 400 and "greater than or equal to 5" in response.content.decode()


def test_editing_a_feed_keeps_its_health(client: Client) -> None:
    feed = feed_create(url="https://demo.example/feed.xml", name="Old")
    Feed.objects.filter(pk=feed.pk).update(articles_added=5)
    page = client.get(f"/feeds/{feed.pk}/edit").content.decode()
    assert 'value="Old"' in page
    response = client.post(
        f"/feeds/{feed.pk}/edit", {"url": feed.url, "name": "New", "poll_interval_minutes": "90"}
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.name, feed.poll_interval_minutes, feed.is_active, feed.articles_added) == (
        "New",
        90,
        False,
        5,
    )


def test_poll_now_makes_the_feed_due_and_enqueues_it(
    client: Client, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    feed = feed_create(url="https://demo.example/feed.xml")
    assert client.get(f"/feeds/{feed.pk}/poll").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/feeds/{feed.pk}/poll")
    assert response.status_code == 302
    assert enqueued["feeds"] == [feed.pk]


def test_feed_names_errors_and_entries_are_escaped(client: Client) -> None:
    evil = '<script>alert("x")</script>'
    feed = feed_create(url="https://demo.example/feed.xml", name=evil, outlet=evil)
    Feed.objects.filter(pk=feed.pk).update(last_error=evil, consecutive_failures=1)
    make_entry(feed, 1, article=None, title=evil, status=FeedEntryStatus.FAILED, error=evil)
    submission = UrlSubmission.objects.create(url="https://demo.example/a?q=<script>", error=evil)
    for url in (
        "/feeds/",
        f"/feeds/{feed.pk}",
        f"/feeds/{feed.pk}/edit",
        "/feeds/urls/new",
        f"/feeds/urls/{submission.pk}",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;" in page, url


def test_the_navigation_links_to_the_feeds(client: Client) -> None:
    assert 'href="/feeds/"' in client.get("/feeds/urls/new").content.decode()


def test_poll_now_on_a_paused_feed_says_so_and_enqueues_nothing(
    client: Client, enqueued, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    feed = feed_create(url="https://demo.example/feed.xml", is_active=False)
    assert "Poll now" not in client.get(f"/feeds/{feed.pk}").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/feeds/{feed.pk}/poll", follow=True)
    assert "This feed is paused" in response.content.decode()
    assert enqueued["feeds"] == []

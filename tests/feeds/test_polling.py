"""Polling feeds: new entries become articles through article_submit, seen ones are skipped,
and a broken feed is recorded and backs off."""

from __future__ import annotations

import datetime as dt
import time
import types
from email.utils import format_datetime

import pytest
from django.utils import timezone

from articles.processing import claims_extract_for_article
from claims.models import Claim
from feeds.models import Feed, FeedEntry, FeedEntryStatus
from feeds.services import feed_backoff, feed_claim_for_poll, feed_create, feed_poll, feeds_poll_due
from sources.models import Article, ArticleStatus
from tests.feeds.pages import LONG_TEXT, article_page, full_item, rss

pytestmark = pytest.mark.django_db


def make_feed(url: str, **fields: object) -> Feed:
    fields.setdefault("outlet", "Demo Wire")
    return feed_create(url=url, **fields)  # type: ignore[arg-type]


def poll(feed: Feed, **kwargs: object):  # type: ignore[no-untyped-def]
    return feed_poll(feed_id=feed.pk, **kwargs)  # type: ignore[arg-type]


def test_new_entries_become_queued_articles_and_their_extraction_is_enqueued(
    server,
    enqueued,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    feed = make_feed(
        server.route(
            "/feed.xml", rss([full_item(1), full_item(2)]), content_type="application/rss+xml"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = poll(feed)
    assert (report.ok, report.added, report.duplicates, report.failed) == (True, 2, 0, 0)
    articles = Article.objects.select_related("outlet").order_by("title")
    assert [a.title for a in articles] == ["Story 1", "Story 2"]
    first = articles[0]
    assert first.status == ArticleStatus.QUEUED
    assert first.url == "https://demo.example/story-1"
    assert first.outlet is not None and first.outlet.name == "Demo Wire"
    assert first.published_at == dt.datetime(2024, 11, 7, 10, 0, tzinfo=dt.UTC)
    assert first.body.startswith("Story 1.\n")
    assert sorted(enqueued["articles"]) == sorted(a.pk for a in articles)
    feed.refresh_from_db()
    assert feed.articles_added == 2
    assert feed.last_success_at is not None and feed.consecutive_failures == 0
    assert feed.name == "Demo Wire: World"
    assert feed.lease_expires_at is None
    assert feed.next_poll_at is not None
    assert feed.next_poll_at - feed.last_success_at == dt.timedelta(
        minutes=feed.poll_interval_minutes
    )


def test_a_second_poll_adds_nothing(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(server.route("/feed.xml", rss([full_item(1), full_item(2)])))
    poll(feed)
    again = poll(feed, force=True)
    assert again.ok and (again.added, again.duplicates, again.known) == (0, 0, 2)
    assert Article.objects.count() == 2
    assert FeedEntry.objects.count() == 2


def test_a_feed_that_is_not_due_is_not_polled(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(server.route("/feed.xml", rss([full_item(1)])))
    assert poll(feed).polled
    assert not poll(feed).polled
    assert server.hits("/feed.xml") == 1


def test_an_entry_with_a_new_guid_but_the_same_text_is_a_duplicate_not_a_new_article(
    server,
) -> None:  # type: ignore[no-untyped-def]
    item = full_item(1)
    feed = make_feed(server.route("/feed.xml", rss([item])))
    poll(feed)
    server.route(
        "/feed.xml",
        rss([{**item, "guid": "story-1-updated", "link": "https://demo.example/s1?utm=x"}]),
    )
    report = poll(feed, force=True)
    assert (report.added, report.duplicates) == (0, 1)
    assert Article.objects.count() == 1
    assert FeedEntry.objects.get(guid="story-1-updated").status == FeedEntryStatus.DUPLICATE


def test_an_entry_already_stored_through_another_feed_is_skipped_by_its_url_without_fetching(
    server,
) -> None:  # type: ignore[no-untyped-def]
    page = server.route("/story", article_page())
    item = {"title": "Troops", "guid": "a-1", "link": page}
    poll(make_feed(server.route("/one.xml", rss([item]))))
    other = make_feed(server.route("/two.xml", rss([{**item, "guid": "b-7"}])), outlet="Other")
    report = poll(other)
    assert report.duplicates == 1
    assert server.hits("/story") == 1
    assert Article.objects.count() == 1


def test_a_teaser_entry_gets_its_text_from_the_linked_page_without_the_navigation(server) -> None:  # type: ignore[no-untyped-def]
    page = server.route("/world/troops", article_page())
    feed = make_feed(
        server.route(
            "/feed.xml",
            rss(
                [
                    {
                        "title": "Troops move",
                        "guid": "t-1",
                        "link": page,
                        "description": "Troops were moved. Read more",
                    }
                ]
            ),
        )
    )
    report = poll(feed)
    assert report.added == 1
    article = Article.objects.get()
    assert "approximately 5,000 North Korean engineering troops" in article.body
    for boilerplate in ("Subscribe to our newsletter", "Celebrity chef", "All rights reserved"):
        assert boilerplate not in article.body
    assert article.title == "Troops move"
    assert article.published_at is not None and article.published_at.date() == dt.date(2024, 11, 7)


def test_an_atom_feed_is_read_like_rss(server) -> None:  # type: ignore[no-untyped-def]
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom Wire</title><id>urn:atom-wire</id><updated>2024-11-08T09:00:00Z</updated>"
        "<entry><title>Atom story</title><id>urn:atom-wire:1</id>"
        '<link href="https://atom.example/1"/><updated>2024-11-08T09:00:00Z</updated>'
        f'<content type="html">&lt;p&gt;{LONG_TEXT}&lt;/p&gt;</content></entry></feed>'
    )
    feed = feed_create(url=server.route("/atom.xml", atom, content_type="application/atom+xml"))
    assert poll(feed).added == 1
    article = Article.objects.select_related("outlet").get()
    assert article.title == "Atom story"
    assert article.outlet is not None and article.outlet.name == "Atom Wire"
    assert article.published_at == dt.datetime(2024, 11, 8, 9, 0, tzinfo=dt.UTC)


def test_an_entry_whose_page_fails_is_recorded_and_retried_at_the_next_poll(server) -> None:  # type: ignore[no-untyped-def]
    server.route("/gone", "down", status=503)
    feed = make_feed(
        server.route(
            "/feed.xml", rss([{"title": "Gone", "guid": "g", "link": server.url("/gone")}])
        )
    )
    report = poll(feed)
    assert report.ok and report.failed == 1
    entry = FeedEntry.objects.get()
    assert entry.status == FeedEntryStatus.FAILED and "HTTP 503" in entry.error
    server.route("/gone", article_page())
    assert poll(feed, force=True).added == 1
    entry.refresh_from_db()
    assert entry.status == FeedEntryStatus.ADDED and entry.attempts == 2 and entry.error == ""


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"body": "oops", "status": 500}, "HTTP 500"),
        (
            {"body": "this is not xml <<<", "content_type": "application/xml"},
            "is not an RSS or Atom feed",
        ),
        ({"body": "<html><body><p>A web page</p></body></html>"}, "is not an RSS or Atom feed"),
        ({"body": "late", "delay": 2.5}, "took longer than"),
    ],
    ids=["http-500", "malformed-xml", "html-page", "timeout"],
)
def test_a_broken_feed_records_the_error_and_backs_off(
    server, settings, route: dict, message: str
) -> None:  # type: ignore[no-untyped-def,type-arg]
    settings.FETCH_TIMEOUT_SECONDS = 1
    feed = make_feed(server.route("/feed.xml", **route), poll_interval_minutes=30)
    before = timezone.now()
    report = poll(feed)
    assert report.polled and not report.ok and message in report.error
    feed.refresh_from_db()
    assert message in feed.last_error
    assert feed.consecutive_failures == 1 and feed.last_success_at is None
    assert feed.lease_expires_at is None
    # Backed off: later than the normal interval, and it is not due before then.
    assert feed.next_poll_at is not None and feed.next_poll_at >= before + dt.timedelta(minutes=60)
    assert feeds_poll_due() == 0
    assert Article.objects.count() == 0


def test_each_failure_in_a_row_doubles_the_wait_up_to_the_cap(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEED_BACKOFF_MAX_SECONDS = 6 * 3600
    waits = [feed_backoff(interval_minutes=30, failures=n) for n in (1, 2, 3, 4, 50)]
    assert waits == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=4),
        dt.timedelta(hours=6),
        dt.timedelta(hours=6),
    ]


def test_a_feed_that_recovers_is_healthy_again(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(server.route("/feed.xml", "oops", status=500))
    poll(feed)
    server.route("/feed.xml", rss([full_item(1)]))
    report = poll(feed, force=True)
    assert report.ok and report.added == 1
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_success_at is not None
    assert "HTTP 500" in feed.last_error  # kept as history; the health badge reads the counter


def test_a_feed_url_redirecting_to_a_private_address_is_refused_and_recorded(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(
        server.route(
            "/feed.xml", status=302, headers={"Location": "http://169.254.169.254/latest/"}
        )
    )
    report = poll(feed)
    assert not report.ok and "Refused to fetch" in report.error
    feed.refresh_from_db()
    assert "169.254.169.254" in feed.last_error and feed.consecutive_failures == 1


def test_an_unchanged_feed_answering_304_counts_as_a_success(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(server.route("/feed.xml", rss([full_item(1)]), headers={"ETag": '"abc"'}))
    poll(feed)
    server.route("/feed.xml", status=304)
    report = poll(feed, force=True)
    assert report.ok and report.not_modified
    _, headers = server.requests[-1]
    assert headers["If-None-Match"] == '"abc"'


def test_only_due_active_feeds_are_enqueued_by_beat(server, enqueued) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/feed.xml", rss([]))
    due = make_feed(url)
    later = make_feed(url + "?later")
    paused = make_feed(url + "?paused", is_active=False)
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + dt.timedelta(minutes=5))
    assert feeds_poll_due() == 1
    assert enqueued["feeds"] == [due.pk]
    assert paused.pk not in enqueued["feeds"]


def test_registering_an_active_feed_enqueues_its_first_poll_after_commit(
    enqueued,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        feed = feed_create(url="https://demo.example/feed.xml")
        feed_create(url="https://demo.example/paused.xml", is_active=False)
    assert enqueued["feeds"] == [feed.pk]


def test_an_entry_date_in_rfc822_is_stored_in_utc(server) -> None:  # type: ignore[no-untyped-def]
    when = dt.datetime(2024, 11, 7, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    feed = make_feed(
        server.route("/feed.xml", rss([{**full_item(1), "date": format_datetime(when)}]))
    )
    poll(feed)
    assert Article.objects.get().published_at == when


def test_a_feed_with_a_failed_entry_is_read_again_in_full_not_answered_304(server) -> None:  # type: ignore[no-untyped-def]
    server.route("/gone", "down", status=503)
    feed = make_feed(
        server.route(
            "/feed.xml",
            rss([{"title": "Gone", "guid": "g", "link": server.url("/gone")}]),
            headers={"ETag": '"v1"'},
        )
    )
    poll(feed)
    feed.refresh_from_db()
    assert feed.etag == ""
    poll(feed, force=True)
    _, headers = server.requests[-1]
    assert "If-None-Match" not in headers


def test_a_feed_article_is_processed_into_claims_by_the_extraction_service(server) -> None:  # type: ignore[no-untyped-def]
    feed = make_feed(server.route("/feed.xml", rss([full_item(1)])))
    poll(feed)
    article = Article.objects.get()
    claims_extract_for_article(article_id=article.pk, owner="test")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DONE
    assert Claim.objects.filter(
        article=article, text__contains="5,000 North Korean engineering troops"
    ).exists()


def test_only_one_of_two_workers_given_the_same_feed_polls_it() -> None:
    feed = feed_create(url="https://demo.example/feed.xml")
    assert feed_claim_for_poll(feed_id=feed.pk) is not None
    assert feed_claim_for_poll(feed_id=feed.pk) is None
    assert feed_claim_for_poll(feed_id=feed.pk, force=True) is None  # forced, but still leased


def test_entries_not_reached_before_the_time_budget_runs_out_are_read_at_the_next_poll(
    server,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    feed = make_feed(
        server.route("/feed.xml", rss([full_item(1), full_item(2)]), headers={"ETag": '"v1"'})
    )
    ticks = iter([0.0, 1.0])  # the budget is set at 0, entry 1 starts in time, entry 2 is late
    monkeypatch.setattr(
        "feeds.services.time", types.SimpleNamespace(monotonic=lambda: next(ticks, 1e9))
    )
    report = poll(feed)
    assert (report.added, report.unfinished) == (1, 1)
    feed.refresh_from_db()
    assert feed.etag == ""  # so the next poll reads the whole feed again
    monkeypatch.setattr("feeds.services.time", time)
    assert poll(feed, force=True).added == 1
    assert Article.objects.count() == 2

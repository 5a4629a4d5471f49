from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from feeds.models import Feed
from feeds.services import feed_create
from sources.models import Article
from tests.feeds.pages import full_item, rss

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("poll_feeds", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_poll_feeds_polls_the_due_feeds_and_prints_a_summary(server) -> None:  # type: ignore[no-untyped-def]
    feed_create(url=server.route("/ok.xml", rss([full_item(1), full_item(2)])), outlet="Demo Wire")
    feed_create(url=server.route("/broken.xml", "oops", status=500))
    out, err = run()
    assert "2 feeds: 1 ok, 1 failed" in out and "2 articles added" in out
    assert "HTTP 500" in err
    assert "2/2" in err  # the progress bar
    assert Article.objects.count() == 2
    out, _ = run("--no-progress")
    assert out.startswith("0 feeds")


def test_poll_feeds_can_force_one_feed_even_when_not_due(server) -> None:  # type: ignore[no-untyped-def]
    feed = feed_create(url=server.route("/ok.xml", rss([full_item(1)])), is_active=False)
    out, _ = run("--feed", str(feed.pk), "--no-progress")
    assert "1 ok" in out and "1 articles added" in out
    assert Feed.objects.get().articles_added == 1


def test_poll_feeds_names_an_unknown_feed() -> None:
    with pytest.raises(CommandError, match="No feed with id 424242"):
        run("--feed", "424242")


def test_poll_feeds_all_polls_every_active_feed_even_when_not_due(server) -> None:  # type: ignore[no-untyped-def]
    feed_create(url=server.route("/a.xml", rss([full_item(1)])))
    feed_create(url=server.route("/paused.xml", rss([full_item(2)])), is_active=False)
    run("--no-progress")
    out, _ = run("--all", "--no-progress")
    assert out.startswith("1 feeds: 1 ok")
    assert server.hits("/a.xml") == 2 and server.hits("/paused.xml") == 0

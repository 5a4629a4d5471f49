"""An analyst saves a filtered claims view as a watchlist, submits an article that matches it,
and finds the new claim on the watchlist's page and in its Atom feed: real Chromium, a live
server and a real worker."""

from __future__ import annotations

import urllib.request

import feedparser
import pytest

from core.access import Role
from sources.models import Article, ArticleStatus
from tests.conftest import wait_for
from tests.editorial.conftest import make_user
from tests.matching.wire import YONHAP
from watchlists.models import Watchlist, WatchlistMatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_saves_a_view_and_sees_a_matching_article_arrive(
    live_server, page, shot, celery_worker_process
) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.ANALYST, "anna")
    user.set_password("correct horse battery")
    user.save()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("anna · analyst").wait_for()

    # Filters on the claims page, then "Save as watchlist" with them.
    page.goto(live_server.url + "/")
    page.get_by_label("Search claims").fill("troops")
    page.get_by_label("Hedged").select_option("false")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**search=troops**")
    page.get_by_label("Watchlist name").fill("Troops to Russia")
    shot(page, "20-save-as-watchlist")
    page.get_by_role("button", name="Save as watchlist").click()
    page.get_by_role("heading", name="Troops to Russia").wait_for()
    watchlist = Watchlist.objects.get()
    assert "search=troops" in watchlist.query and "hedged=false" in watchlist.query
    feed_url = page.locator("a.feed-url").inner_text()
    assert feed_url.endswith(f"?token={watchlist.feed_token}")

    # An article that matches, submitted through the page.
    page.get_by_role("link", name="Submit article").first.click()
    page.get_by_label("Article text").fill(YONHAP)
    page.get_by_label("Title").fill("North Korea sends troops")
    page.get_by_label("Outlet (publisher)").fill("Yonhap News Agency")
    page.get_by_label("Publication date").fill("2024-10-23")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/articles/*")
    wait_for(lambda: Article.objects.filter(status=ArticleStatus.DONE).exists(), timeout=90)
    wait_for(lambda: WatchlistMatch.objects.filter(watchlist=watchlist).exists(), timeout=60)

    page.goto(live_server.url + "/watchlists/")
    page.get_by_role("link", name="Troops to Russia").click()
    matches = page.locator("ul.matches")
    matches.get_by_text("3,000 troops to Russia").first.wait_for()
    shot(page, "21-watchlist-page")

    # The feed, as a feed reader sees it: no session, the token in the URL.
    with urllib.request.urlopen(feed_url, timeout=10) as response:  # the live server
        parsed = feedparser.parse(response.read())
    assert not parsed.bozo
    assert any("3,000 troops to Russia" in e.title for e in parsed.entries)

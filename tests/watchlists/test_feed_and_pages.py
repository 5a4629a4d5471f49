"""A watchlist's Atom feed (its private token is the key) and its pages."""

from __future__ import annotations

import feedparser
import pytest
from django.test import Client

from tests.factories import make_article, make_claim, make_source
from tests.watchlists.conftest import make_user
from watchlists.models import Watchlist
from watchlists.services import watchlist_create, watchlists_check

pytestmark = pytest.mark.django_db


def _feed(client: Client, watchlist: Watchlist, token: str | None = None):  # type: ignore[no-untyped-def]
    return client.get(f"/watchlists/{watchlist.pk}/feed", {"token": token or watchlist.feed_token})


def test_the_feed_parses_and_lists_the_new_matches(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="Troops", query="search=troops")
    outlet = make_source(name="Harbour Times", kind="outlet", reliability="B")
    article = make_article(title="Troops arrive", outlet=outlet)
    claim = make_claim(article=article, text="Officials said 5,000 troops arrived in Kursk.")
    make_claim(article=article, text="The harbour reopened on Monday.")
    watchlists_check(article_ids=[article.pk], links=False)

    response = _feed(Client(), watchlist)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Provenance watchlist: Troops"
    assert [e.title for e in parsed.entries] == [f"New claim: {claim.text}"]
    assert parsed.entries[0].link == f"http://testserver/claims/{claim.pk}"
    assert "Harbour Times" in parsed.entries[0].summary


@pytest.mark.parametrize("token", ["wrong", ""])
def test_a_wrong_token_is_a_404(owner, token: str) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="Troops", query="")
    response = Client().get(f"/watchlists/{watchlist.pk}/feed", {"token": token} if token else {})
    assert response.status_code == 404


def test_the_claims_page_offers_to_save_its_view_to_a_signed_in_user(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert "Save as watchlist" not in client.get("/?search=troops").content.decode()
    client.force_login(owner)
    page = client.get("/?search=troops&hedged=true").content.decode()
    assert "Save as watchlist" in page
    assert 'name="query" value="search=troops&amp;hedged=true"' in page


def test_saving_the_pages_view_stores_its_query_string_as_the_api_takes_it(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(owner)
    query = "search=troops&min_reliability=B&hedged=true&flagged_figures=true&ordering=-published"
    response = client.post("/watchlists/new", {"name": "From the page", "query": query})
    watchlist = Watchlist.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/watchlists/{watchlist.pk}"
    assert watchlist.query == query


def test_a_bad_view_is_not_saved_and_says_why(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(owner)
    response = client.post("/watchlists/new", {"name": "", "query": "q=troops"}, follow=True)
    assert "The watchlist was not saved: Give the watchlist a name." in response.content.decode()
    assert not Watchlist.objects.exists()


def test_the_watchlist_page_is_its_owners_alone(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="Troops", query="search=troops")
    claim = make_claim(text="Officials said 5,000 troops arrived.")
    watchlists_check(article_ids=[claim.article_id], links=False)
    mine, theirs = Client(), Client()
    mine.force_login(owner)
    theirs.force_login(make_user("sam"))

    page = mine.get(f"/watchlists/{watchlist.pk}").content.decode()
    assert claim.text in page and watchlist.feed_token in page
    assert "Troops" in mine.get("/watchlists/").content.decode()
    assert theirs.get(f"/watchlists/{watchlist.pk}").status_code == 404
    assert "Troops" not in theirs.get("/watchlists/").content.decode()
    assert Client().get("/watchlists/").status_code == 302  # to sign in

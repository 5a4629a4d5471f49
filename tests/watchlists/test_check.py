"""What newly matches a watchlist: the claims list's own filters, on a batch's claims."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_article, make_claim, make_claim_link, make_source
from watchlists.models import WatchlistMatch, WebhookDelivery
from watchlists.services import watchlist_create, watchlists_check

pytestmark = pytest.mark.django_db


def _matches(watchlist) -> set[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return set(WatchlistMatch.objects.filter(watchlist=watchlist).values_list("claim_id", "reason"))


def test_a_new_claim_the_view_lists_is_a_match_and_one_it_does_not_is_not(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="Troops", query="search=troops&hedged=false")
    article = make_article()
    listed = make_claim(article=article, text="Officials said 5,000 troops arrived.", hedged=False)
    make_claim(article=article, text="Officials said 5,000 troops may arrive.", hedged=True)
    make_claim(article=article, text="The harbour reopened on Monday.", hedged=False)

    report = watchlists_check(article_ids=[article.pk], links=False)

    assert report.new_matches == 1
    assert _matches(watchlist) == {(listed.pk, "new_claim")}


def test_claims_that_existed_when_the_view_was_saved_are_not_new(owner, sent) -> None:  # type: ignore[no-untyped-def]
    old = make_claim(text="Officials said 5,000 troops arrived.")
    watchlist = watchlist_create(actor=owner, name="Troops", query="search=troops")
    watchlists_check(article_ids=[old.article_id], links=False)
    assert _matches(watchlist) == set()


def test_a_second_check_of_the_same_claims_records_nothing_more(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="All", query="")
    claim = make_claim()
    assert watchlists_check(article_ids=[claim.article_id], links=False).new_matches == 1
    assert watchlists_check(article_ids=[claim.article_id], links=True).new_matches == 0
    assert _matches(watchlist) == {(claim.pk, "new_claim")}


def test_a_new_contradicts_link_touching_a_listed_claim_is_alerted(owner, sent) -> None:  # type: ignore[no-untyped-def]
    gov = make_source(name="Ministry of Defence", reliability="B")
    listed = make_claim(text="North Korea has sent 3,000 troops to Russia.", sources=[gov])
    watchlist = watchlist_create(actor=owner, name="NK troops", query="search=troops")
    # The new article's claim is about something the view does not search for, so only the
    # link alerts, on the claim the view lists.
    other = make_claim(text="Pyongyang deployed 5,000 soldiers, Kyiv said.")
    link = make_claim_link(from_claim=other, to_claim=listed, kind="contradicts")
    make_claim_link(
        from_claim=other, to_claim=make_claim(text="more troops, said someone"), kind="corroborates"
    )

    watchlists_check(article_ids=[other.article_id], links=False)
    assert _matches(watchlist) == set()  # without links the check looks at new claims only

    watchlists_check(article_ids=[other.article_id], links=True)
    match = WatchlistMatch.objects.get(watchlist=watchlist)
    assert (match.claim_id, match.reason, match.link_id) == (listed.pk, "contradicted", link.pk)


def test_a_rejected_contradicts_link_is_not_alerted(owner, sent) -> None:  # type: ignore[no-untyped-def]
    listed = make_claim(text="North Korea has sent 3,000 troops to Russia.")
    watchlist = watchlist_create(actor=owner, name="NK troops", query="search=troops")
    other = make_claim(text="Pyongyang deployed 5,000 soldiers.")
    make_claim_link(from_claim=other, to_claim=listed, kind="contradicts", status="rejected")
    watchlists_check(article_ids=[other.article_id], links=True)
    assert _matches(watchlist) == set()


def test_the_check_costs_the_same_queries_for_one_claim_or_many(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist_create(actor=owner, name="Troops", query="search=troops&min_reliability=C")
    watchlist_create(actor=owner, name="Hedged", query="hedged=true&source_kind=government")
    watchlist_create(actor=owner, name="All", query="", webhook_url="https://hooks.example.org/x")
    outlet = make_source(name="Daily Wire", kind="outlet", reliability="B")
    gov = make_source(name="Ministry of Defence", kind="government", reliability="B")
    one, many = make_article(outlet=outlet), make_article(outlet=outlet)
    make_claim(article=one, text="Officials said 10 troops arrived.", sources=[gov])
    for i in range(12):
        make_claim(
            article=many,
            text=f"Officials said {i} troops arrived.",
            hedged=i % 2 == 0,
            sources=[gov],
        )

    with CaptureQueriesContext(connection) as small:
        watchlists_check(article_ids=[one.pk], links=True)
    with CaptureQueriesContext(connection) as large:
        watchlists_check(article_ids=[many.pk], links=True)

    assert len(large) == len(small)
    # All and Troops list the twelve, Hedged the six hedged ones.
    assert WatchlistMatch.objects.filter(claim__article=many).count() == 12 + 12 + 6


def test_a_watchlist_with_a_webhook_gets_one_delivery_per_batch_with_its_matches(
    owner, sent, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(
        actor=owner, name="All", query="", webhook_url="https://hooks.example.org/provenance"
    )
    article = make_article(title="Troops at the border")
    claims = [make_claim(article=article, text=f"Claim number {i}.") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        watchlists_check(article_ids=[article.pk], links=False)

    delivery = WebhookDelivery.objects.get(watchlist=watchlist)
    body = json.loads(delivery.body)
    assert [m["claim"]["id"] for m in body["matches"]] == [c.pk for c in claims]
    assert body["matches"][0]["claim"]["article"]["title"] == "Troops at the border"
    assert delivery.digest == hashlib.sha256(delivery.body.encode()).hexdigest()
    assert delivery.status == "pending" and delivery.match_count == 3
    assert [s.name for s in sent] == ["watchlists.deliver"]
    assert sent[0].args == (delivery.pk,)

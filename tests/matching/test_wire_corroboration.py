"""End to end with the real spaCy model: extraction, then matching, on wire-style articles."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from articles.processing import claims_extract_for_article
from articles.services import article_reextract
from claims.links import claims_match_article
from claims.models import Claim, ClaimLink
from sources.models import Source

from .wire import (
    CONTRADICTION,
    KYIV,
    OUTLET_A,
    OUTLET_B,
    UPDATE,
    YONHAP,
    extracted,
    outlet,
    troops_claim,
)

pytestmark = pytest.mark.django_db

OCT23, OCT24, NOV13 = dt.date(2024, 10, 23), dt.date(2024, 10, 24), dt.date(2024, 11, 13)


@pytest.fixture
def wire():  # type: ignore[no-untyped-def]
    yonhap = Source.objects.filter(name="Yonhap News Agency").first() or outlet(
        "Yonhap News Agency"
    )
    articles = {
        "yonhap": extracted(YONHAP, outlet=yonhap, day=OCT23),
        "a": extracted(OUTLET_A, outlet=outlet("The Seoul Ledger"), day=OCT23),
        "b": extracted(OUTLET_B, outlet=outlet("Pacific Daily"), day=OCT23),
        "kyiv": extracted(KYIV, outlet=outlet("Kyiv Wire"), day=OCT24),
        "gur": extracted(CONTRADICTION, outlet=outlet("Dnipro Herald"), day=OCT24),
    }
    for article in articles.values():
        claims_match_article(article_id=article.pk)
    return {key: troops_claim(article) for key, article in articles.items()}


def _link(a: Claim, b: Claim) -> ClaimLink | None:
    return (
        ClaimLink.objects.filter(from_claim=a, to_claim=b)
        | ClaimLink.objects.filter(from_claim=b, to_claim=a)
    ).first()


def test_the_relays_of_one_nis_statement_are_linked_as_the_same_claim(wire) -> None:  # type: ignore[no-untyped-def]
    for x, y in [("yonhap", "a"), ("yonhap", "b"), ("a", "b")]:
        link = _link(wire[x], wire[y])
        assert link is not None, (x, y)
        assert link.kind == "same"
        assert link.status == "proposed"
        assert "troop" in link.evidence["shared_words"]


def test_another_government_saying_the_same_corroborates_it(wire) -> None:  # type: ignore[no-untyped-def]
    link = _link(wire["kyiv"], wire["yonhap"])
    assert link is not None
    assert link.kind == "corroborates"
    assert link.evidence["figures"][0]["agree"] is True


def test_a_different_figure_for_the_same_deployment_contradicts_it(wire) -> None:  # type: ignore[no-untyped-def]
    link = _link(wire["gur"], wire["yonhap"])
    assert link is not None
    assert link.kind == "contradicts"
    assert link.evidence["figures"][0]["agree"] is False


def test_twenty_relays_are_one_origin_and_an_independent_confirmation_makes_two(wire) -> None:  # type: ignore[no-untyped-def]
    counts = {
        key: Claim.objects.get(pk=claim.pk).independent_origins for key, claim in wire.items()
    }
    assert counts == {"yonhap": 2, "a": 2, "b": 2, "kyiv": 2, "gur": 1}


def test_two_reliable_origins_grade_the_claim_2(wire) -> None:  # type: ignore[no-untyped-def]
    yonhap = Claim.objects.get(pk=wire["yonhap"].pk)
    assert yonhap.credibility == 2
    assert yonhap.credibility_reason == "2 independent origins with reliable chains."


def test_a_lone_origin_through_a_weak_chain_stays_doubtful(wire) -> None:  # type: ignore[no-untyped-def]
    # The registry rates Ukraine's military intelligence D until an editor says otherwise.
    gur = Claim.objects.get(pk=wire["gur"].pk)
    assert gur.credibility == 4
    assert gur.credibility_reason.startswith("Weak chain")


def test_the_same_origin_giving_a_higher_figure_later_updates_its_earlier_claim(wire) -> None:  # type: ignore[no-untyped-def]
    yonhap = Source.objects.get(name="Yonhap News Agency")
    later = extracted(UPDATE, outlet=yonhap, day=NOV13)
    claims_match_article(article_id=later.pk)
    link = _link(troops_claim(later), wire["yonhap"])
    assert link is not None
    assert link.kind == "updates"
    assert link.from_claim_id == troops_claim(later).pk
    # An update is not a corroboration: the new figure stands on its one origin.
    newer = troops_claim(later)
    assert (newer.independent_origins, newer.credibility) == (1, 3)
    assert newer.credibility_reason.startswith("One origin, reliable chain")


def test_matching_an_article_again_creates_no_duplicate_links(wire) -> None:  # type: ignore[no-untyped-def]
    before = sorted(ClaimLink.objects.values_list("from_claim_id", "to_claim_id", "kind"))
    report = claims_match_article(article_id=wire["b"].article_id)
    assert report.created == 0
    assert sorted(ClaimLink.objects.values_list("from_claim_id", "to_claim_id", "kind")) == before


def _links_by_text() -> list[tuple[str, str, str, str, float]]:
    """Every link as (from claim's text, to claim's text, kind, status, score): what an analyst
    sees, whatever the claims' ids."""
    return sorted(
        ClaimLink.objects.values_list(
            "from_claim__text", "to_claim__text", "kind", "status", "score"
        )
    )


def _origins_by_text() -> dict[str, list[int]]:
    return {
        text: sorted(
            c for t, c in Claim.objects.values_list("text", "independent_origins") if t == text
        )
        for text in Claim.objects.values_list("text", flat=True)
    }


def test_re_extracting_an_article_keeps_every_link_whose_claims_are_unchanged(wire) -> None:  # type: ignore[no-untyped-def]
    # Regression: re-extraction deleted the claim's links with it, and its origins fell to one.
    api = APIClient()
    links, origins = _links_by_text(), _origins_by_text()
    shown = api.get(f"/api/v1/claims/{wire['a'].pk}").json()["origins"]
    article_id = wire["a"].article_id
    old_ids = set(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))

    article_reextract(article_id=article_id)
    assert claims_extract_for_article(article_id=article_id, owner="again") == "done"

    new_ids = set(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
    assert new_ids and not new_ids & old_ids  # new claims, so the links were carried over
    assert _links_by_text() == links  # before matching runs again
    claims_match_article(article_id=article_id)
    assert _links_by_text() == links
    assert _origins_by_text() == origins
    again = api.get(f"/api/v1/claims/{troops_claim(wire['a'].article).pk}").json()["origins"]
    assert [o["name"] for o in again] == [o["name"] for o in shown]

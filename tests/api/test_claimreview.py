"""ClaimReview: an editor's verdict as schema.org JSON-LD, in the API and in the claim's page.

The JSON-LD is expanded with pyld, offline: its @context (https://schema.org) is served from
tests/api/data/schemaorg-context.jsonld, the terms this review uses as schema.org's own context
defines them, and any other URL fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from pyld import jsonld
from rest_framework.test import APIClient

from audit.models import AuditContext
from claims.claimreview import ReviewRow, build_claim_review
from claims.editorial import claim_override_credibility, claim_set_verification
from claims.models import Claim
from tests.factories import make_article, make_claim, make_source

SCHEMA = "http://schema.org/"
CONTEXT = json.loads((Path(__file__).parent / "data" / "schemaorg-context.jsonld").read_text())


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") not in {"https://schema.org", "http://schema.org"}:
        raise AssertionError(f"the JSON-LD asked for {url}; only schema.org's context is served")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": CONTEXT}  # fmt: skip


def expand(document: dict[str, Any]) -> dict[str, Any]:
    (node,) = jsonld.expand(document, {"documentLoader": offline_loader})
    return node  # type: ignore[no-any-return]


def value(node: dict[str, Any], *path: str) -> Any:
    """The first value at `path` (schema.org terms) of an expanded node."""
    for term in path:
        node = node[SCHEMA + term][0]
    return node.get("@value", node.get("@id"))


ROW = ReviewRow(
    claim_id=12,
    text="Approximately 5,000 North Korean troops are expected to arrive",
    verification_status="confirmed",
    credibility_override=None,
    verdict_at=dt.datetime(2024, 11, 9, 8, 30, tzinfo=dt.UTC),
    article_title="Kursk",
    article_url="https://example.org/kursk",
    article_published_at=dt.datetime(2024, 11, 7, 12, 0, tzinfo=dt.UTC),
    outlet_name="Voice of America",
    origin_name="National Intelligence Service",
    origin_kind="intelligence",
)


def _review(row: ReviewRow = ROW) -> dict[str, Any] | None:
    return build_claim_review(  # type: ignore[return-value]
        row, url="https://p.example/claims/12", organization_name="Desk", organization_url=""
    )


# ------------------------------------------------------------------------------ pure function


@pytest.mark.parametrize(
    ("status", "override", "rating", "name"),
    [
        ("confirmed", None, 5, "True"),
        ("corroborated", None, 4, "Mostly true"),
        ("disputed", None, 2, "Disputed"),
        ("false", None, 1, "False"),
        ("retracted", None, 1, "Retracted"),
        ("false", 1, 1, "False"),  # the status decides when both are set
        ("unverified", 1, 5, "Confirmed by other sources"),
        ("unverified", 2, 4, "Probably true"),
        ("unverified", 3, 3, "Possibly true"),
        ("unverified", 4, 2, "Doubtful"),
        ("unverified", 5, 1, "Improbable"),
        ("unverified", 6, 3, "Truth cannot be judged"),
    ],
)
def test_the_rating_follows_the_documented_mapping(
    status: str, override: int | None, rating: int, name: str
) -> None:
    row = ReviewRow(
        **{**ROW.__dict__, "verification_status": status, "credibility_override": override}
    )
    review = _review(row)
    assert review is not None
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": rating,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": name,
    }


def test_a_claim_without_a_verdict_has_no_review() -> None:
    row = ReviewRow(**{**ROW.__dict__, "verification_status": "unverified"})
    assert _review(row) is None


def test_the_review_expands_with_pyld_into_schema_org_terms() -> None:
    review = _review()
    assert review is not None
    node = expand(review)
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert value(node, "claimReviewed") == ROW.text
    assert value(node, "url") == "https://p.example/claims/12"
    assert value(node, "datePublished") == "2024-11-09T08:30:00Z"
    assert value(node, "author", "name") == "Desk"
    assert value(node, "reviewRating", "ratingValue") == 5
    assert value(node, "reviewRating", "alternateName") == "True"
    claim = node[SCHEMA + "itemReviewed"][0]
    assert claim["@type"] == [SCHEMA + "Claim"]
    assert value(claim, "author", "name") == "National Intelligence Service"
    assert claim[SCHEMA + "author"][0]["@type"] == [SCHEMA + "Organization"]
    assert value(claim, "appearance", "url") == "https://example.org/kursk"
    assert value(claim, "appearance", "headline") == "Kursk"
    assert value(claim, "appearance", "datePublished") == "2024-11-07T12:00:00Z"
    assert value(claim, "appearance", "publisher", "name") == "Voice of America"


def test_an_unattributed_claim_is_its_outlets_and_a_named_official_a_person() -> None:
    outlet_own = _review(ReviewRow(**{**ROW.__dict__, "origin_name": None, "origin_kind": None}))
    assert outlet_own is not None
    assert outlet_own["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Voice of America",
    }
    official = _review(
        ReviewRow(**{**ROW.__dict__, "origin_name": "Kim", "origin_kind": "official"})
    )
    assert official is not None
    assert official["itemReviewed"]["author"]["@type"] == "Person"


def test_the_offline_loader_refuses_any_other_context() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://example.org/ctx", "name": "x"},
                      {"documentLoader": offline_loader})  # fmt: skip


# ------------------------------------------------------------------------------ API and page


@pytest.fixture
def editor(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("desk")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    return user


@pytest.fixture
def claim() -> Claim:
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    outlet = make_source(name="Voice of America", kind="outlet", reliability="B")
    article = make_article(
        outlet=outlet,
        title="Kursk </script><b>",
        url="https://example.org/kursk",
        published_at=dt.datetime(2024, 11, 7, 12, 0, tzinfo=dt.UTC),
    )
    return make_claim(article=article, sources=[nis], text="5,000 troops </script> expected")


def _verdict(claim: Claim, editor: Any, status: str = "disputed") -> None:
    claim_set_verification(
        actor=editor, claim_id=claim.pk, expected_version=claim.version, status=status, reason="x"
    )


@pytest.mark.django_db
def test_the_api_serves_the_verdict_as_json_ld_that_pyld_expands(
    api: APIClient, claim: Claim, editor: Any, settings: Any
) -> None:
    settings.CLAIMREVIEW_ORGANIZATION_NAME = "Example Desk"
    settings.CLAIMREVIEW_ORGANIZATION_URL = "https://desk.example"
    _verdict(claim, editor)
    response = api.get(f"/api/v1/claims/{claim.pk}?format=claimreview")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/ld+json")
    review = json.loads(response.content)
    node = expand(review)
    assert value(node, "reviewRating", "ratingValue") == 2
    assert value(node, "reviewRating", "alternateName") == "Disputed"
    assert value(node, "author", "name") == "Example Desk"
    assert value(node, "author", "url") == "https://desk.example"
    assert value(node, "url") == f"http://testserver/claims/{claim.pk}"
    assert value(node, "claimReviewed") == claim.text
    item = node[SCHEMA + "itemReviewed"][0]
    assert value(item, "author", "name") == "National Intelligence Service"
    assert value(item, "appearance", "url") == "https://example.org/kursk"
    # The verdict's date is the editorial change's, from the audit trail.
    context = AuditContext.objects.get(action="claim.verification")
    stamped = dt.datetime.fromisoformat(review["datePublished"].replace("Z", "+00:00"))
    assert stamped == context.created_at


@pytest.mark.django_db
def test_a_credibility_override_alone_is_a_verdict(
    api: APIClient, claim: Claim, editor: Any
) -> None:
    claim_override_credibility(
        actor=editor, claim_id=claim.pk, expected_version=claim.version, credibility=5, reason="x"
    )
    review = api.get(f"/api/v1/claims/{claim.pk}?format=claimreview").json()
    assert review["reviewRating"]["ratingValue"] == 1
    assert review["reviewRating"]["alternateName"] == "Improbable"


@pytest.mark.django_db
def test_a_claim_without_a_verdict_has_no_claimreview_and_the_error_is_plain_json(
    api: APIClient, claim: Claim
) -> None:
    response = api.get(f"/api/v1/claims/{claim.pk}?format=claimreview")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "no_verdict"
    assert api.get("/api/v1/claims/424242?format=claimreview").json()["error"]["code"] == (
        "not_found"
    )
    assert api.get(f"/api/v1/claims/{claim.pk}?format=xml").status_code == 400
    assert api.get(f"/api/v1/claims/{claim.pk}").status_code == 200


@pytest.mark.django_db
def test_the_claimreview_runs_a_fixed_number_of_queries(
    api: APIClient, claim: Claim, editor: Any, queries: Callable[[str], int]
) -> None:
    _verdict(claim, editor)
    url = f"/api/v1/claims/{claim.pk}?format=claimreview"
    one = queries(url)
    for status in ("confirmed", "false", "retracted"):
        claim.refresh_from_db()
        _verdict(claim, editor, status)
    assert queries(url) == one <= 2  # the review's row, and the version for the ETag


def _embedded(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)


@pytest.mark.django_db
def test_the_claim_page_embeds_the_same_claimreview_safely(
    api: APIClient, client: Any, claim: Claim, editor: Any
) -> None:
    _verdict(claim, editor)
    html = client.get(f"/claims/{claim.pk}").content.decode()
    (embedded,) = _embedded(html)
    assert "</script>" not in embedded and "<b>" not in embedded
    from_api = api.get(f"/api/v1/claims/{claim.pk}?format=claimreview").json()
    assert json.loads(embedded) == from_api
    assert value(expand(json.loads(embedded)), "reviewRating", "ratingValue") == 2


@pytest.mark.django_db
def test_the_page_of_a_claim_without_a_verdict_embeds_nothing(client: Any, claim: Claim) -> None:
    html = client.get(f"/claims/{claim.pk}").content.decode()
    assert _embedded(html) == []
    assert "ld+json" not in html

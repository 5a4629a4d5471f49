"""The claims list builds its rows as plain data (claims.selectors.claim_list_rows); the
documented serializer `ClaimListOutput` must describe exactly what it sends."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient, APIRequestFactory

from claims.apis import ClaimListOutput
from claims.models import Claim, ClaimDate, Figure
from claims.selectors import ClaimFilters, claim_list
from claims.selectors_rows import iso_datetime
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied() -> list[Claim]:
    outlet = make_source(name="Example Wire", kind="agency", reliability="B")
    origin = make_source(name="Ministry of Defence", reliability="A")
    relay = make_source(name="Tass", kind="state_media", reliability="D")
    dated = make_article(
        outlet=outlet,
        published_at=dt.datetime(2024, 11, 8, 12, 30, 15, 250, tzinfo=dt.UTC),
        title="Troops moved",
        url="https://example.org/a",
    )
    chained = make_claim(
        article=dated,
        sources=[origin, relay],
        figures=2,
        hedged=True,
        hedge_cues=["reportedly"],
        credibility_override=2,
        verification_status="disputed",
    )
    Figure.objects.filter(claim=chained).update(
        low=90.5, high=None, approximate=True, qualifier="about"
    )
    ClaimDate.objects.filter(claim=chained).update(value=dt.date(2024, 11, 4))
    bare = make_claim(article=make_article(), sources=[], figures=0)
    ClaimDate.objects.filter(claim=bare).delete()
    linked = make_claim(article=dated, sources=[origin])
    make_claim_link(from_claim=linked, to_claim=chained, kind="same")
    return [chained, bare, linked]


def test_the_list_sends_what_the_documented_serializer_would(varied: list[Claim]) -> None:
    api = APIClient()
    sent = api.get("/api/v1/claims").json()["results"]
    request = APIRequestFactory().get("/api/v1/claims")
    request.META["HTTP_HOST"] = "testserver"
    from rest_framework.request import Request

    instances = list(claim_list(filters=ClaimFilters()))
    documented = ClaimListOutput(instances, many=True, context={"request": Request(request)}).data
    assert len(sent) == 3
    assert sent == [dict(row) for row in _plain(documented)]


def test_the_source_claims_list_sends_the_same_rows(varied: list[Claim]) -> None:
    api = APIClient()
    origin = varied[0].attributions.get(position=0).source_id
    via_filter = api.get(f"/api/v1/claims?source={origin}").json()["results"]
    via_source = api.get(f"/api/v1/sources/{origin}/claims").json()["results"]
    assert via_filter == via_source and len(via_filter) == 2


def test_datetimes_are_written_in_utc_with_a_z_as_drf_writes_them() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert iso_datetime(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=plus_two)) == "2024-01-02T01:04:05Z"
    assert iso_datetime(None) is None


def test_a_cursor_walks_the_whole_list_once_in_order(varied: list[Claim]) -> None:
    for _ in range(4):
        make_claim(article=make_article(published_at=dt.datetime(2023, 5, 1, tzinfo=dt.UTC)))
    api = APIClient()
    expected = list(
        claim_list(filters=ClaimFilters(ordering="reliability")).values_list("pk", flat=True)
    )
    seen, url = [], "/api/v1/claims?ordering=reliability&page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected and len(seen) == 7


def _plain(data):  # type: ignore[no-untyped-def]
    import json

    return json.loads(json.dumps(data, default=str))


def test_the_detail_sends_what_the_documented_serializer_would(varied: list[Claim]) -> None:
    from claims.apis import ClaimDetailOutput
    from claims.selectors import claim_get

    chained, bare, linked = varied
    make_claim_link(
        from_claim=bare, to_claim=linked, kind="contradicts", evidence={"similarity": 0.4}
    )
    api = APIClient()
    request = APIRequestFactory().get("/")
    request.META["HTTP_HOST"] = "testserver"
    from rest_framework.request import Request

    for claim in (chained, bare, linked):
        sent = api.get(f"/api/v1/claims/{claim.pk}").json()
        documented = _plain(
            ClaimDetailOutput(
                claim_get(claim_id=claim.pk), context={"request": Request(request)}
            ).data
        )
        assert sent == documented, claim.pk
    origins = api.get(f"/api/v1/claims/{chained.pk}").json()[
        "origins"
    ]  # linked as the same: one component
    assert sorted(c for o in origins for c in o["claims"]) == sorted([chained.pk, linked.pk])
    lone = api.get(f"/api/v1/claims/{bare.pk}").json()
    assert lone["origins"] == [{"key": "unknown", "name": "Unknown", "claims": [bare.pk]}]
    assert lone["links"][0]["direction"] == "out" and lone["links"][0]["evidence"] == {
        "similarity": 0.4
    }

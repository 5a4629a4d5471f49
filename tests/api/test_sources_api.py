from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sources.models import Source, SourceAlias
from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies() -> dict[str, Source]:
    owner = make_source(name="Rossiya Segodnya", kind="state_media", country="RU", reliability="D")
    ria = make_source(
        name="RIA Novosti",
        kind="state_media",
        country="RU",
        reliability="D",
        parent=owner,
        reliability_reason="State-owned agency.",
    )
    SourceAlias.objects.create(source=ria, alias="RIA")
    nis = make_source(
        name="National Intelligence Service", kind="intelligence", country="KR", reliability="B"
    )
    yonhap = make_source(name="Yonhap", kind="news_agency", country="KR", reliability="B")
    make_claim(sources=[nis, yonhap])
    make_claim(sources=[nis, ria])
    make_claim(sources=[ria])
    return {"owner": owner, "ria": ria, "nis": nis, "yonhap": yonhap}


def test_source_detail_shows_reliability_aliases_parent_and_claim_counts(
    api: APIClient, agencies: dict[str, Source]
) -> None:
    body = api.get(f"/api/v1/sources/{agencies['ria'].pk}").json()
    assert body["reliability"] == "D"
    assert body["reliability_reason"] == "State-owned agency."
    assert body["aliases"] == ["RIA"]
    assert body["parent"] == {"id": agencies["owner"].pk, "name": "Rossiya Segodnya"}
    assert (body["claims_originated"], body["claims_relayed"]) == (1, 1)
    nis = api.get(f"/api/v1/sources/{agencies['nis'].pk}").json()
    assert (nis["claims_originated"], nis["claims_relayed"]) == (2, 0)


def test_source_counts_a_claim_it_relays_at_two_later_positions_once(api: APIClient) -> None:
    origin, relay = make_source(), make_source()
    make_claim(sources=[origin, relay, make_source(), relay])
    body = api.get(f"/api/v1/sources/{relay.pk}").json()
    assert (body["claims_originated"], body["claims_relayed"]) == (0, 1)


def test_a_source_in_no_chain_counts_zero_claims(api: APIClient) -> None:
    body = api.get(f"/api/v1/sources/{make_source().pk}").json()
    assert (body["claims_originated"], body["claims_relayed"]) == (0, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["National Intelligence Service", "RIA Novosti", "Rossiya Segodnya", "Yonhap"]),
        ("kind=state_media", ["RIA Novosti", "Rossiya Segodnya"]),
        ("country=kr", ["National Intelligence Service", "Yonhap"]),
        ("reliability=B", ["National Intelligence Service", "Yonhap"]),
        ("search=ria", ["RIA Novosti"]),
        ("search=segod", ["Rossiya Segodnya"]),
    ],
)
def test_sources_list_filters_and_sorts_by_name(
    api: APIClient, agencies: dict[str, Source], query: str, expected: list[str]
) -> None:
    rows = api.get(f"/api/v1/sources?{query}").json()["results"]
    assert [r["name"] for r in rows] == expected


def test_sources_list_pages_through_every_source(api: APIClient) -> None:
    for i in range(9):
        make_source(name=f"Agency {i}")
    rows = follow_pages(api, "/api/v1/sources?page_size=4")
    assert [r["name"] for r in rows] == [f"Agency {i}" for i in range(9)]


def test_sources_list_runs_the_same_queries_for_one_or_many_sources(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    parent = make_source()
    source = make_source(parent=parent)
    SourceAlias.objects.create(source=source, alias="alias-0")
    make_claim(sources=[source])
    one = queries("/api/v1/sources")
    for i in range(6):
        other = make_source(parent=parent)
        SourceAlias.objects.create(source=other, alias=f"alias-{i + 1}")
        make_claim(sources=[other, source])
    assert queries("/api/v1/sources") == one


def test_source_detail_runs_the_same_queries_however_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    source = make_source(parent=make_source())
    one = queries(f"/api/v1/sources/{source.pk}")
    for i in range(5):
        SourceAlias.objects.create(source=source, alias=f"alias {i}")
        make_claim(sources=[source])
    assert queries(f"/api/v1/sources/{source.pk}") == one


def test_claims_by_source_lists_claims_it_originated_or_relayed(
    api: APIClient, agencies: dict[str, Source]
) -> None:
    ria = agencies["ria"]
    everything = api.get(f"/api/v1/sources/{ria.pk}/claims").json()["results"]
    originated = api.get(f"/api/v1/sources/{ria.pk}/claims?source_role=origin").json()["results"]
    relayed = api.get(f"/api/v1/sources/{ria.pk}/claims?source_role=relay").json()["results"]
    assert len(everything) == 2
    assert [[link["source"]["name"] for link in r["chain"]] for r in originated] == [
        ["RIA Novosti"]
    ]
    assert [[link["source"]["name"] for link in r["chain"]] for r in relayed] == [
        ["National Intelligence Service", "RIA Novosti"]
    ]


def test_claims_by_an_outlet_include_the_claims_it_published(api: APIClient) -> None:
    outlet = make_source(kind="outlet")
    claim = make_claim(article=make_article(outlet=outlet), sources=[make_source()])
    rows = api.get(f"/api/v1/sources/{outlet.pk}/claims").json()["results"]
    assert [r["id"] for r in rows] == [claim.pk]


def test_claims_by_source_runs_the_same_queries_for_one_or_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    source = make_source()
    make_claim(sources=[source])
    url = f"/api/v1/sources/{source.pk}/claims"
    one = queries(url)
    for _ in range(6):
        make_claim(sources=[make_source(), source], figures=2)
    assert queries(url) == one


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sources/987654",
        "/api/v1/sources/987654/claims",
        "/api/v1/sources/99999999999999999999",
    ],
)
def test_an_unknown_source_answers_404(api: APIClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_sources_list_rejects_an_unknown_kind(api: APIClient) -> None:
    response = api.get("/api/v1/sources?kind=wizard")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "kind"

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from claims.models import Claim, Figure
from sources.models import SourceAlias
from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db

SEED_SENTENCE = (
    "The NIS alleged that North Korea had begun relocating thousands of soldiers to "
    "Russia, ostensibly for infrastructure restoration work."
)


def _when(day: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, Claim]:
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    SourceAlias.objects.create(source=nis, alias="NIS")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    officials = make_source(name="Officials", kind="unnamed", reliability="F")
    good = make_source(name="Good Paper", kind="outlet", reliability="A")
    poor = make_source(name="Poor Paper", kind="outlet", reliability="E")
    body = "Earlier text. " + SEED_SENTENCE + " Later text."
    article = make_article(outlet=good, published_at=_when(5), body=body, title="Seed")
    start = body.index("North Korea")
    relayed = make_claim(
        article=article,
        sources=[nis, yonhap],
        hedged=True,
        credibility=4,
        text="North Korea had begun relocating thousands of soldiers to Russia",
    )
    Claim.objects.filter(pk=relayed.pk).update(
        start=start,
        end=start + len(relayed.text),
        sentence_start=body.index("The NIS"),
        sentence_end=body.index(" Later"),
    )
    unnamed = make_claim(
        article=make_article(outlet=poor, published_at=_when(7)),
        sources=[officials],
        text="Officials said the bridge was destroyed",
        credibility=6,
        verification_status="disputed",
    )
    own = make_claim(
        article=make_article(outlet=good, published_at=_when(9)),
        sources=[],
        text="The ministry opened a new depot",
        credibility=3,
    )
    Figure.objects.filter(claim=unnamed).update(status="unconfirmed")
    make_claim_link(from_claim=own, to_claim=relayed, kind="corroborates")
    make_claim_link(from_claim=unnamed, to_claim=relayed, kind="same")
    return {"relayed": relayed, "unnamed": unnamed, "own": own}


def _ids(api: APIClient, url: str) -> list[int]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["own", "unnamed", "relayed"]),
        ("source=NIS", ["relayed"]),
        ("source=national%20intelligence%20service&source_role=origin", ["relayed"]),
        ("source=Yonhap&source_role=origin", []),
        ("source=Yonhap&source_role=relay", ["relayed"]),
        ("source_kind=unnamed", ["unnamed"]),
        ("min_reliability=A", ["own"]),
        ("min_reliability=B", ["own", "relayed"]),
        ("min_reliability=F", ["own", "unnamed", "relayed"]),
        ("max_credibility=4", ["own", "relayed"]),
        ("hedged=true", ["relayed"]),
        ("hedged=false", ["own", "unnamed"]),
        ("verification_status=disputed", ["unnamed"]),
        ("flagged_figures=true", ["unnamed"]),
        ("flagged_figures=false", ["own", "relayed"]),
        ("outlet=Poor%20Paper", ["unnamed"]),
        ("published_from=2024-11-06&published_until=2024-11-08", ["unnamed"]),
        ("published_until=2024-11-05T12:00:00Z", ["relayed"]),
        ("search=soldiers", ["relayed"]),
        ("search=%22bridge+was+destroyed%22", ["unnamed"]),
        ("search=depot+or+bridge", ["own", "unnamed"]),
        ("search=bridge+-destroyed", []),
        ("ordering=published", ["relayed", "unnamed", "own"]),
        ("ordering=reliability", ["own", "relayed", "unnamed"]),
        ("ordering=-reliability", ["unnamed", "relayed", "own"]),
        ("ordering=-corroboration", ["relayed", "own", "unnamed"]),
        ("ordering=id", ["relayed", "unnamed", "own"]),
    ],
)
def test_claims_list_filters_and_orders(
    api: APIClient, world: dict[str, Claim], query: str, expected: list[str]
) -> None:
    assert _ids(api, f"/api/v1/claims?{query}") == [world[name].pk for name in expected]


def test_claims_list_filters_by_source_outlet_and_article_ids(
    api: APIClient, world: dict[str, Claim]
) -> None:
    relayed = world["relayed"]
    origin_id = relayed.attributions.get(position=0).source_id
    assert _ids(api, f"/api/v1/claims?source={origin_id}") == [relayed.pk]
    assert _ids(api, f"/api/v1/claims?article={relayed.article_id}") == [relayed.pk]
    assert _ids(api, f"/api/v1/claims?outlet={relayed.article.outlet_id}") == [
        world["own"].pk,
        relayed.pk,
    ]


def test_a_claims_list_row_shows_its_chain_origin_first_and_its_reliability(
    api: APIClient, world: dict[str, Claim]
) -> None:
    row = api.get(f"/api/v1/claims?article={world['relayed'].article_id}").json()["results"][0]
    assert [link["source"]["name"] for link in row["chain"]] == [
        "National Intelligence Service",
        "Yonhap",
    ]
    assert row["chain"][0]["position"] == 0
    assert row["article"]["outlet"]["name"] == "Good Paper"
    assert row["weakest_reliability"] == "B"
    assert row["corroboration"] == 2
    assert row["credibility"] == 4
    assert row["url"].endswith(f"/api/v1/claims/{world['relayed'].pk}")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_reliability=G", "min_reliability"),
        ("max_credibility=7", "max_credibility"),
        ("hedged=maybe", "hedged"),
        ("source_kind=wizard", "source_kind"),
        ("ordering=text", "ordering"),
        ("published_from=2024-13-01", "published_from"),
        ("published_until=9999-12-31", "published_until"),
        ("source=99999999999999999999", "source"),
        ("article=0", "article"),
        ("article=99999999999999999999", "article"),
        ("cursor=eyJ2IjpbMV19", "cursor"),
        ("page_size=1000", "page_size"),
    ],
)
def test_claims_list_explains_a_bad_parameter_in_the_error_shape(
    api: APIClient, query: str, field: str
) -> None:
    response = api.get(f"/api/v1/claims?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]


@pytest.mark.parametrize(
    "ordering",
    [
        "-published",
        "published",
        "reliability",
        "-reliability",
        "-corroboration",
        "corroboration",
        "id",
        "-id",
    ],
)
def test_claims_list_pages_through_every_claim_exactly_once_in_any_ordering(
    api: APIClient, ordering: str
) -> None:
    sources = [make_source(reliability=grade) for grade in "ABCF"]
    outlet = make_source(kind="outlet", reliability="B")
    for i in range(13):
        # Few distinct dates and grades: most rows tie on the first ordering key.
        article = make_article(outlet=outlet, published_at=_when(1 + i % 3) if i % 4 else None)
        make_claim(article=article, sources=[sources[i % 4]])
    expected = _ids(api, f"/api/v1/claims?ordering={ordering}&page_size=200")
    rows = follow_pages(api, f"/api/v1/claims?ordering={ordering}&page_size=2")
    assert [row["id"] for row in rows] == expected
    assert len(expected) == 13


def test_a_cursor_the_server_did_not_sign_is_refused(api: APIClient) -> None:
    import base64
    import json

    make_claim()
    cursor = base64.urlsafe_b64encode(json.dumps({"v": [10**30]}).encode()).decode()
    response = api.get(f"/api/v1/claims?ordering=-id&cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_the_previous_link_goes_back_to_the_page_before(api: APIClient) -> None:
    for _ in range(5):
        make_claim()
    first = api.get("/api/v1/claims?page_size=2").json()
    second = api.get(first["next"]).json()
    assert first["previous"] is None
    back = api.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_a_deep_page_runs_the_same_queries_as_the_first(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    for _ in range(30):
        make_claim(sources=[make_source()])
    url = "/api/v1/claims?page_size=3"
    first = queries(url)
    body = api.get(url).json()
    for _ in range(8):
        body = api.get(body["next"]).json()
    assert body["next"] is not None
    assert queries(body["next"]) == first


def test_claims_list_runs_the_same_queries_for_one_or_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    make_claim(sources=[make_source()])
    one = queries("/api/v1/claims")
    for _ in range(8):
        claim = make_claim(
            article=make_article(outlet=make_source()),
            sources=[make_source(), make_source()],
            figures=3,
        )
        make_claim_link(from_claim=claim, to_claim=Claim.objects.order_by("id").first())
    assert queries("/api/v1/claims") == one


# ------------------------------------------------------------------------------ detail


def test_claim_detail_shows_the_whole_chain_outlet_last_and_the_sentence_in_context(
    api: APIClient, world: dict[str, Claim]
) -> None:
    body = api.get(f"/api/v1/claims/{world['relayed'].pk}").json()
    assert [(s["source"]["name"], s["implicit"]) for s in body["full_chain"]] == [
        ("National Intelligence Service", False),
        ("Yonhap", False),
        ("Good Paper", True),
    ]
    assert body["context"]["sentence"] == SEED_SENTENCE
    assert body["context"]["before"] == "Earlier text. "
    assert body["context"]["after"] == " Later text."
    assert {(link["direction"], link["kind"]) for link in body["links"]} == {
        ("in", "corroborates"),
        ("in", "same"),
    }
    assert body["figures"][0]["value"] == 100
    assert body["dates"] == [{"text": "Monday", "value": None}]
    assert body["graph_url"].endswith(f"/api/v1/claims/{world['relayed'].pk}/graph")


def test_claim_detail_runs_the_same_queries_for_a_bare_or_a_rich_claim(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    bare = make_claim(figures=0)
    rich = make_claim(
        article=make_article(outlet=make_source()),
        sources=[make_source() for _ in range(4)],
        figures=5,
    )
    for _ in range(3):
        make_claim_link(from_claim=rich, to_claim=make_claim())
        make_claim_link(from_claim=make_claim(), to_claim=rich)
    make_claim_link(from_claim=bare, to_claim=make_claim())
    plain = make_claim(
        article=make_article(outlet=make_source()), sources=[make_source()], figures=1
    )
    make_claim_link(from_claim=plain, to_claim=make_claim())
    # More sources, figures and links add no query, and a claim with none of them needs as many.
    assert queries(f"/api/v1/claims/{plain.pk}") == queries(f"/api/v1/claims/{rich.pk}")
    assert queries(f"/api/v1/claims/{bare.pk}") == queries(f"/api/v1/claims/{rich.pk}")


@pytest.mark.parametrize("url", ["/api/v1/claims/424242", "/api/v1/claims/99999999999999999999999"])
def test_an_unknown_claim_answers_404_in_the_error_shape(api: APIClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------ figures


@pytest.fixture
def figures() -> dict[str, Figure]:
    claim = make_claim(figures=0, text="5,000 engineering troops and 1,000 soldiers")
    other = make_claim(figures=0, text="300 civilians were evacuated")

    def figure(claim: Claim, value: float, unit: str, status: str = "unreviewed") -> Figure:
        return Figure.objects.create(
            claim=claim, value=value, unit=unit, text=str(value), start=0, end=3, status=status
        )

    return {
        "troops": figure(claim, 5000, "North Korean engineering troops", "unconfirmed"),
        "soldiers": figure(claim, 1000, "soldiers"),
        "civilians": figure(other, 300, "civilians", "confirmed"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["civilians", "soldiers", "troops"]),
        ("unit=TROOPS", ["troops"]),
        ("value_min=1000", ["soldiers", "troops"]),
        ("value_max=999.5", ["civilians"]),
        ("value_min=500&value_max=2000", ["soldiers"]),
        ("status=unconfirmed", ["troops"]),
        ("status=confirmed", ["civilians"]),
    ],
)
def test_figures_list_filters_by_unit_value_and_status(
    api: APIClient, figures: dict[str, Figure], query: str, expected: list[str]
) -> None:
    assert _ids(api, f"/api/v1/figures?{query}") == [figures[name].pk for name in expected]


def test_figures_list_filters_by_claim_and_article(
    api: APIClient, figures: dict[str, Figure]
) -> None:
    civilians = figures["civilians"]
    assert _ids(api, f"/api/v1/figures?claim={civilians.claim_id}") == [civilians.pk]
    assert _ids(api, f"/api/v1/figures?article={civilians.claim.article_id}") == [civilians.pk]
    row = api.get(f"/api/v1/figures?claim={civilians.claim_id}").json()["results"][0]
    assert (row["claim_text"], row["article_id"]) == (
        "300 civilians were evacuated",
        civilians.claim.article_id,
    )


def test_figures_list_pages_and_runs_the_same_queries_for_one_or_many(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    make_claim(figures=1)
    one = queries("/api/v1/figures")
    for _ in range(5):
        make_claim(figures=3)
    assert queries("/api/v1/figures") == one
    assert len(follow_pages(api, "/api/v1/figures?page_size=4")) == 16


def test_figures_list_rejects_a_bad_value_range(api: APIClient) -> None:
    response = api.get("/api/v1/figures?value_min=lots")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "value_min"

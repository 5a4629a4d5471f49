"""The claims list and a claim are answered with plain data (claims.selectors_rows), written as
the API has always written them: the rows' shape is held to the schema in
tests/api/test_answer_shapes.py, their values here."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

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


def test_a_list_row_is_the_claim_as_the_api_has_always_written_it(varied: list[Claim]) -> None:
    chained, bare, linked = varied
    origin, relay = (a.source for a in chained.attributions.order_by("position"))
    outlet = chained.article.outlet
    figures = list(chained.figures.order_by("start", "id"))
    response = APIClient().get("/api/v1/claims")
    rows = {row["id"]: row for row in response.json()["results"]}

    def source(s):  # type: ignore[no-untyped-def]
        return {"id": s.pk, "name": s.name, "kind": s.kind, "reliability": s.reliability}

    assert rows[chained.pk] == {
        "id": chained.pk,
        "url": f"http://testserver/api/v1/claims/{chained.pk}",
        "text": chained.text,
        "kind": "statement",
        "cue": "",
        "hedged": True,
        "hedge_cues": ["reportedly"],
        "credibility": 2,
        "verification_status": "disputed",
        "weakest_reliability": "D",
        "corroboration": 1,
        "independent_origins": 1,
        "article": {
            "id": chained.article_id,
            "title": "Troops moved",
            "url": "https://example.org/a",
            "published_at": "2024-11-08T12:30:15.000250Z",
            "outlet": source(outlet),
        },
        "chain": [
            {"position": 0, "mention": origin.name, "cue": "", "source": source(origin)},
            {"position": 1, "mention": relay.name, "cue": "", "source": source(relay)},
        ],
        "figures": [
            {
                "id": figure.pk,
                "value": 100.0 + i,
                "low": 90.5,
                "high": None,
                "unit": "people",
                "text": str(100 + i),
                "approximate": True,
                "qualifier": "about",
                "status": "unreviewed",
            }
            for i, figure in enumerate(figures)
        ],
        "dates": [{"text": "Monday", "value": "2024-11-04"}],
    }
    assert rows[bare.pk]["article"]["outlet"] is None
    assert (rows[bare.pk]["chain"], rows[bare.pk]["figures"], rows[bare.pk]["dates"]) == (
        [],
        [],
        [],
    )
    # A whole float is written as one (100.0, not 100), as DRF's FloatField wrote it.
    assert b'"value":100.0,"low":90.5,"high":null' in response.content


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


def test_the_detail_is_the_list_row_and_the_claim_in_its_context(varied: list[Claim]) -> None:
    chained, bare, linked = varied
    make_claim_link(
        from_claim=bare, to_claim=linked, kind="contradicts", evidence={"similarity": 0.4}
    )
    api = APIClient()
    rows = {row["id"]: row for row in api.get("/api/v1/claims").json()["results"]}
    for claim in (chained, bare, linked):
        sent = api.get(f"/api/v1/claims/{claim.pk}").json()
        assert {k: sent[k] for k in rows[claim.pk]} == rows[claim.pk], claim.pk
        assert list(sent)[len(rows[claim.pk]) :] == [
            "start",
            "end",
            "sentence_index",
            "context",
            "credibility_computed",
            "credibility_override",
            "credibility_reason",
            "origins",
            "extractor_version",
            "version",
            "created_at",
            "full_chain",
            "links",
            "graph_url",
        ]
        assert sent["graph_url"] == f"http://testserver/api/v1/claims/{claim.pk}/graph"
        assert sent["created_at"] == iso_datetime(claim.created_at)
        assert sent["context"] == {
            "before": "",
            "sentence": claim.text,
            "after": claim.article.body[len(claim.text) :][:240],
            "sentence_start": 0,
            "sentence_end": len(claim.text),
        }
    detail = api.get(f"/api/v1/claims/{chained.pk}").json()
    outlet = detail["article"]["outlet"]
    assert detail["full_chain"] == [
        *({**link, "implicit": False} for link in detail["chain"]),
        {"position": 2, "mention": outlet["name"], "cue": "", "source": outlet, "implicit": True},
    ]
    assert (detail["credibility_computed"], detail["credibility_override"]) == (
        chained.credibility,
        2,
    )
    assert [(x["direction"], x["kind"], x["claim"]["id"]) for x in detail["links"]] == [
        ("in", "same", linked.pk)
    ]
    origins = api.get(f"/api/v1/claims/{chained.pk}").json()[
        "origins"
    ]  # linked as the same: one component
    assert sorted(c for o in origins for c in o["claims"]) == sorted([chained.pk, linked.pk])
    lone = api.get(f"/api/v1/claims/{bare.pk}").json()
    assert lone["origins"] == [
        {
            "key": "unknown",
            "name": "Unknown",
            "claims": [bare.pk],
            "counted": True,
            "why": "Counted: an independent first source of this statement.",
        }
    ]
    assert lone["links"][0]["direction"] == "out" and lone["links"][0]["evidence"] == {
        "similarity": 0.4
    }

"""The STIX 2.1 export: the pure builder on hand-made rows, then through the API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import orjson
import pytest
import stix2
from django.contrib.auth.models import Group
from hypothesis import given, settings
from rest_framework.test import APIClient

from claims.editorial import claim_set_verification
from claims.graph import (
    ArticleRow,
    AttributionRow,
    ClaimRow,
    FigureRow,
    GraphRows,
    LinkRow,
    SourceRow,
)
from claims.models import Claim
from claims.stix import OPENCTI_RELIABILITY, build_stix, claim_ref, source_ref, stix_id
from tests.api.test_graph import graph_rows
from tests.factories import make_article, make_claim, make_claim_link, make_source

T0 = "2024-11-07T12:00:00+00:00"
T1 = "2024-11-08T09:30:00.123456+00:00"

ROWS = GraphRows(
    claims=(
        ClaimRow(
            12,
            4,
            "North Korea began relocating soldiers",
            "statement",
            True,
            ("alleged",),
            2,
            "confirmed",
            created_at=T0,
            modified_at=T1,
        ),
        ClaimRow(13, 4, "The outlet's own claim", "event", False, (), 6, "unverified", T0),
    ),
    articles=(
        ArticleRow(4, "Kursk", "https://example.org/a", T0, 9, submitted_at=T0),
        ArticleRow(5, "", "", None, None, submitted_at=T1),
    ),
    sources=(
        SourceRow(3, "National Intelligence Service", "intelligence", "KR", "B", None, T0),
        SourceRow(5, "Yonhap", "news_agency", "KR", "A", 10, T0, T1),
        SourceRow(9, "Voice of America", "outlet", "US", "C", None, T0),
        SourceRow(10, "Yonhap Group", "news_agency", "KR", "F", None, T0),
    ),
    attributions=(
        AttributionRow(12, 5, 1, "Yonhap", "cited by"),
        AttributionRow(12, 3, 0, "the NIS", "alleged"),
    ),
    figures=(FigureRow(7, 12, 5000.0, None, None, "soldiers", "thousands", True, "unconfirmed"),),
    links=(
        LinkRow(13, 12, "same", 0.9, "confirmed", T0, T1),
        LinkRow(13, 99, "contradicts", 0.4, "proposed", T0),
    ),
)


def _parse(bundle: Any) -> Any:
    """As a client reads it; an empty bundle (no `objects`) needs the version said, as the
    library guesses it from the objects."""
    if "objects" not in bundle:
        return stix2.parse(json.dumps(bundle), allow_custom=True, version="2.1")
    return stix2.parse(json.dumps(bundle), allow_custom=True)


def _by_id(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in bundle["objects"]}


def _relationships(bundle: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    return [
        (o["source_ref"], o["target_ref"])
        for o in bundle["objects"]
        if o["type"] == "relationship" and o["relationship_type"] == kind
    ]


# ------------------------------------------------------------------------------ pure function


def test_the_bundle_parses_with_the_stix2_library() -> None:
    parsed = _parse(build_stix(ROWS, producer="Provenance"))
    kinds = sorted(type(o).__name__ for o in parsed.objects)
    assert kinds.count("Identity") == 4
    assert kinds.count("Note") == 2
    assert kinds.count("Report") == 2
    assert kinds.count("Opinion") == 1


def test_the_bundle_has_custom_properties_only_a_lenient_parser_accepts() -> None:
    with pytest.raises(stix2.exceptions.STIXError):
        stix2.parse(json.dumps(build_stix(ROWS, producer="Provenance")), allow_custom=False)


def test_the_same_rows_give_the_same_bytes_and_ids() -> None:
    one = orjson.dumps(build_stix(ROWS, producer="Provenance"))
    two = orjson.dumps(build_stix(ROWS, producer="Provenance"))
    assert one == two


def test_ids_are_uuid5_of_the_projects_own_ids_and_do_not_depend_on_the_rest_of_the_graph() -> None:
    whole = _by_id(build_stix(ROWS, producer="Provenance"))
    alone = GraphRows(
        claims=ROWS.claims[:1],
        articles=ROWS.articles[:1],
        sources=ROWS.sources,
        attributions=ROWS.attributions,
        figures=ROWS.figures,
    )
    part = _by_id(build_stix(alone, producer="Provenance"))
    assert claim_ref(12) in whole and claim_ref(12) in part
    assert whole[claim_ref(12)] == part[claim_ref(12)]
    assert claim_ref(12) == stix_id("note", "claim:12")
    assert uuid.UUID(claim_ref(12).removeprefix("note--")).version == 5


@pytest.mark.parametrize(
    ("grade", "opencti"),
    [
        ("A", "A - Completely reliable"),
        ("B", "B - Usually reliable"),
        ("C", "C - Fairly reliable"),
        ("D", "D - Not usually reliable"),
        ("E", "E - Unreliable"),
        ("F", "F - Reliability cannot be judged"),
    ],
)
def test_a_sources_reliability_is_written_as_opencti_reads_it_and_as_the_bare_grade(
    grade: str, opencti: str
) -> None:
    rows = GraphRows(sources=(SourceRow(1, "Agency", "news_agency", "", grade, None, T0),))
    (identity,) = build_stix(rows, producer="P")["objects"]
    assert identity["x_opencti_reliability"] == opencti == OPENCTI_RELIABILITY[grade]
    assert identity["x_provenance_reliability"] == grade
    assert identity["identity_class"] == "organization"


def test_a_claim_is_a_note_by_its_origin_with_the_admiralty_credibility_as_confidence() -> None:
    objects = _by_id(build_stix(ROWS, producer="Provenance"))
    note = objects[claim_ref(12)]
    assert note["type"] == "note"
    assert note["content"] == "North Korea began relocating soldiers"
    assert note["created_by_ref"] == source_ref(3)
    assert note["confidence"] == 70  # credibility 2, "probably true"
    assert note["x_provenance_credibility"] == 2
    assert note["labels"] == ["hedged"]
    assert note["x_provenance_figures"][0]["value"] == 5000.0
    assert set(note["object_refs"]) >= {stix_id("report", "article:4"), source_ref(3)}
    unjudged = objects[claim_ref(13)]
    assert "confidence" not in unjudged  # 6: truth cannot be judged has no STIX confidence
    assert unjudged["created_by_ref"] == source_ref(9)  # the outlet's own assertion


def test_timestamps_come_from_the_rows_in_utc_milliseconds() -> None:
    objects = _by_id(build_stix(ROWS, producer="Provenance"))
    note = objects[claim_ref(12)]
    assert (note["created"], note["modified"]) == (
        "2024-11-07T12:00:00.000Z",
        "2024-11-08T09:30:00.123Z",
    )
    yonhap = objects[source_ref(5)]
    assert yonhap["modified"] == "2024-11-08T09:30:00.123Z"
    report = objects[stix_id("report", "article:4")]
    assert report["published"] == "2024-11-07T12:00:00.000Z"


def test_the_chain_is_attributed_to_the_origin_and_relayed_by_each_link_then_the_outlet() -> None:
    bundle = build_stix(ROWS, producer="Provenance")
    assert (claim_ref(12), source_ref(3)) in _relationships(bundle, "attributed-to")
    relayed = [r for r in _relationships(bundle, "relayed-by") if r[0] == claim_ref(12)]
    assert relayed == [(claim_ref(12), source_ref(5)), (claim_ref(12), source_ref(9))]
    assert (claim_ref(13), source_ref(9)) in _relationships(bundle, "attributed-to")
    assert _relationships(bundle, "part-of") == [(source_ref(5), source_ref(10))]


def test_claim_links_are_relationships_between_notes_in_the_bundle_only() -> None:
    bundle = build_stix(ROWS, producer="Provenance")
    assert _relationships(bundle, "duplicate-of") == [(claim_ref(13), claim_ref(12))]
    assert _relationships(bundle, "contradicts") == []  # claim 99 is not in the bundle


def test_an_article_is_a_report_by_its_outlet_with_its_url_as_external_reference() -> None:
    objects = _by_id(build_stix(ROWS, producer="Provenance"))
    report = objects[stix_id("report", "article:4")]
    assert report["created_by_ref"] == source_ref(9)
    assert {"source_name": "Voice of America", "url": "https://example.org/a"} in report[
        "external_references"
    ]
    assert set(report["object_refs"]) == {claim_ref(12), claim_ref(13), source_ref(9)}
    untitled = objects[stix_id("report", "article:5")]
    assert untitled["name"] == "Untitled article 5"
    assert all("url" not in ref for ref in untitled["external_references"])


def test_an_editors_verdict_is_an_opinion_on_the_note() -> None:
    opinions = [o for o in build_stix(ROWS, producer="Desk")["objects"] if o["type"] == "opinion"]
    assert [(o["opinion"], o["object_refs"], o["authors"]) for o in opinions] == [
        ("strongly-agree", [claim_ref(12)], ["Desk"])
    ]


@settings(max_examples=60, deadline=None)
@given(graph_rows())
def test_any_rows_give_a_bundle_the_stix2_library_reads(rows: GraphRows) -> None:
    bundle = build_stix(rows, producer="Provenance")
    parsed = _parse(bundle)
    ids = [o["id"] for o in bundle.get("objects", [])]
    assert len(ids) == len(set(ids)) == len(parsed.get("objects", []))
    assert orjson.dumps(build_stix(rows, producer="Provenance")) == orjson.dumps(bundle)


# ------------------------------------------------------------------------------ through the API


@pytest.fixture
def chain() -> dict[str, Claim]:
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="A")
    outlet = make_source(name="Voice of America", kind="outlet", reliability="C")
    article = make_article(outlet=outlet, title="Seed", url="https://example.org/seed")
    claim = make_claim(article=article, sources=[nis, yonhap])
    linked = make_claim(sources=[make_source()])
    make_claim_link(from_claim=linked, to_claim=claim, kind="contradicts")
    return {"claim": claim, "linked": linked}


@pytest.mark.django_db
def test_a_claims_graph_as_stix_parses_and_a_second_export_is_byte_identical(
    api: APIClient, chain: dict[str, Claim]
) -> None:
    url = f"/api/v1/claims/{chain['claim'].pk}/graph?depth=2&format=stix"
    first = api.get(url)
    assert first.status_code == 200, first.content
    assert first["Content-Type"].startswith("application/stix+json")
    bundle = _parse(first.json())
    assert {type(o).__name__ for o in bundle.objects} >= {"Identity", "Note", "Report"}
    assert api.get(url).content == first.content
    objects = _by_id(first.json())
    nis = objects[source_ref(chain["claim"].attributions.get(position=0).source_id)]
    assert nis["x_opencti_reliability"] == "B - Usually reliable"
    assert (claim_ref(chain["linked"].pk), claim_ref(chain["claim"].pk)) in _relationships(
        first.json(), "contradicts"
    )
    report = objects[stix_id("report", f"article:{chain['claim'].article_id}")]
    assert {"source_name": "Voice of America", "url": "https://example.org/seed"} in report[
        "external_references"
    ]


# Committed transactions: PostgreSQL's now(), which the audit trail records, is the time the
# transaction began, the same for every write of a test wrapped in one.
@pytest.mark.django_db(transaction=True)
def test_an_editorial_change_keeps_the_ids_and_moves_the_modified_time_forward(
    api: APIClient, chain: dict[str, Claim], django_user_model: Any
) -> None:
    claim = chain["claim"]
    url = f"/api/v1/claims/{claim.pk}/graph?format=stix"
    before = _by_id(api.get(url).json())
    editor = django_user_model.objects.create_user("ed")
    editor.groups.add(Group.objects.get_or_create(name="editor")[0])
    claim_set_verification(
        actor=editor,
        claim_id=claim.pk,
        expected_version=claim.version,
        status="confirmed",
        reason="Seen",
    )
    after = _by_id(api.get(url).json())
    assert set(before) < set(after)  # the same objects, and the verdict's opinion
    note = claim_ref(claim.pk)
    assert after[note]["created"] == before[note]["created"]
    assert after[note]["modified"] > before[note]["modified"]
    assert after[note]["x_provenance_verification_status"] == "confirmed"
    (opinion,) = [o for o in after.values() if o["type"] == "opinion"]
    assert opinion["opinion"] == "strongly-agree"


@pytest.mark.django_db
def test_the_graph_endpoint_answers_stix_too(api: APIClient, chain: dict[str, Claim]) -> None:
    response = api.get(f"/api/v1/graph?article={chain['claim'].article_id}&format=stix")
    assert response.status_code == 200
    notes = [o for o in _parse(response.json()).objects if o.type == "note"]
    assert [n.id for n in notes] == [claim_ref(chain["claim"].pk)]


@pytest.mark.django_db
def test_an_empty_selection_is_an_empty_bundle(api: APIClient) -> None:
    response = api.get("/api/v1/graph?since=2999-01-01&format=stix")
    assert response.status_code == 200
    assert "objects" not in response.json()  # STIX allows no empty list
    # The library guesses the version from the objects: an empty bundle needs it said.
    stix2.parse(response.content.decode(), allow_custom=True, version="2.1")


def _grow(hub_claim: Claim, n: int) -> None:
    origin = hub_claim.attributions.get(position=0).source
    for _ in range(n):
        other = make_claim(
            article=make_article(outlet=make_source(parent=make_source())),
            sources=[origin, make_source()],
            figures=2,
        )
        make_claim_link(from_claim=other, to_claim=hub_claim)


@pytest.mark.django_db
def test_a_claims_stix_graph_runs_the_same_queries_for_a_small_or_a_large_graph(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    claim = make_claim(
        article=make_article(outlet=make_source()), sources=[make_source(), make_source()]
    )
    _grow(claim, 1)
    url = f"/api/v1/claims/{claim.pk}/graph?depth=2&format=stix"
    one = queries(url)
    _grow(claim, 8)
    assert queries(url) == one


@pytest.mark.django_db
def test_the_stix_graph_endpoint_runs_the_same_queries_for_one_or_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    hub = make_source(name="Hub", parent=make_source())
    make_claim(article=make_article(outlet=make_source()), sources=[hub])
    one = queries("/api/v1/graph?source=Hub&format=stix")
    for _ in range(8):
        make_claim(
            article=make_article(outlet=make_source()), sources=[hub, make_source()], figures=2
        )
    assert queries("/api/v1/graph?source=Hub&format=stix") == one

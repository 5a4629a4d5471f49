from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prov.model import ProvDocument
from rest_framework.test import APIClient

from claims.graph import (
    ArticleRow,
    AttributionRow,
    ClaimRow,
    FigureRow,
    GraphRows,
    LinkRow,
    SourceRow,
    build_graph,
    build_prov,
)
from claims.models import Claim
from tests.factories import make_article, make_claim, make_claim_link, make_source

# ------------------------------------------------------------------------------ pure function

ROWS = GraphRows(
    claims=(
        ClaimRow(
            12,
            4,
            "North Korea began relocating soldiers",
            "statement",
            True,
            ("alleged",),
            4,
            "unverified",
        ),
        ClaimRow(13, 4, "The outlet's own claim", "event", False, (), 3, "unverified"),
    ),
    articles=(ArticleRow(4, "Kursk", "https://example.org/a", "2024-11-07T12:00:00+00:00", 9),),
    sources=(
        SourceRow(3, "National Intelligence Service", "intelligence", "KR", "B"),
        SourceRow(5, "Yonhap", "news_agency", "KR", "B", parent_id=10),
        SourceRow(9, "Voice of America", "outlet", "US", "B"),
        SourceRow(10, "Yonhap Group", "news_agency", "KR", "B"),
    ),
    attributions=(
        AttributionRow(12, 5, 1, "Yonhap", "cited by"),
        AttributionRow(12, 3, 0, "the NIS", "alleged"),
    ),
    figures=(FigureRow(7, 12, 5000.0, None, None, "soldiers", "thousands", True, "unconfirmed"),),
    links=(
        LinkRow(13, 12, "same", 0.9, "confirmed"),
        LinkRow(13, 99, "contradicts", 0.4, "proposed"),
    ),
)


def _edges(graph: dict, kind: str) -> list[tuple]:  # type: ignore[type-arg]
    return [(e["from"], e["to"]) for e in graph["edges"] if e["type"] == kind]


def test_the_graph_attributes_a_claim_to_its_origin_and_chains_the_relays_to_the_outlet() -> None:
    graph = build_graph(ROWS)
    attributed = [
        (e["from"], e["to"], e["position"]) for e in graph["edges"] if e["type"] == "attributed_to"
    ]
    assert ("claim:12", "source:3", 0) in attributed
    assert ("claim:12", "source:5", 1) in attributed
    assert _edges(graph, "relayed_by") == [("source:3", "source:5"), ("source:5", "source:9")]
    assert ("claim:12", "article:4") in _edges(graph, "published_in")
    assert _edges(graph, "published_by") == [("article:4", "source:9")]
    assert _edges(graph, "has_figure") == [("claim:12", "figure:7")]
    assert _edges(graph, "part_of") == [("source:5", "source:10")]


def test_an_unattributed_claim_is_the_outlets_own_assertion() -> None:
    edge = next(
        e
        for e in build_graph(ROWS)["edges"]
        if e["type"] == "attributed_to" and e["from"] == "claim:13"
    )
    assert (edge["to"], edge["position"], edge["implicit"]) == ("source:9", 0, True)


def test_claim_links_become_edges_only_between_claims_in_the_graph() -> None:
    graph = build_graph(ROWS)
    assert _edges(graph, "same_as") == [("claim:13", "claim:12")]
    assert _edges(graph, "contradicts") == []


def test_every_edge_ends_at_a_node_of_the_graph() -> None:
    graph = build_graph(ROWS)
    ids = {n["id"] for n in graph["nodes"]}
    assert len(ids) == len(graph["nodes"]) == ROWS.node_count
    assert all(e["from"] in ids and e["to"] in ids for e in graph["edges"])


def test_a_source_node_carries_its_reliability() -> None:
    node = next(n for n in build_graph(ROWS)["nodes"] if n["id"] == "source:3")
    assert (node["type"], node["reliability"], node["name"]) == (
        "source",
        "B",
        "National Intelligence Service",
    )


def _read_back(document: dict) -> dict:  # type: ignore[type-arg]
    """Deserialize with the prov library and serialize again: what a PROV tool sees."""
    parsed = ProvDocument.deserialize(content=json.dumps(document), format="json")
    return json.loads(parsed.serialize(format="json"))


def _relations(document: dict, group: str) -> list[tuple]:  # type: ignore[type-arg]
    def formal(record: dict) -> tuple:  # type: ignore[type-arg]
        kind = record.get("prov:type", {})
        return (
            *sorted(
                (k, v) for k, v in record.items() if k.startswith("prov:") and isinstance(v, str)
            ),
            kind.get("$") if isinstance(kind, dict) else kind,
        )

    return sorted(formal(r) for r in document.get(group, {}).values())


def _assert_prov_round_trip(graph: dict, document: dict) -> None:  # type: ignore[type-arg]
    again = _read_back(document)
    assert set(again.get("entity", {})) == set(document.get("entity", {}))
    assert set(again.get("agent", {})) == set(document.get("agent", {}))
    # Relations have blank-node ids that a reader renumbers; compare what they relate instead.
    for group in ("wasAttributedTo", "wasDerivedFrom", "hadMember", "actedOnBehalfOf"):
        assert _relations(again, group) == _relations(document, group), group
    nodes = {str(n["id"]): n["type"] for n in graph["nodes"]}
    agents = {record["pv:node"] for record in again.get("agent", {}).values()}
    entities = {
        record["pv:node"] for record in again.get("entity", {}).values() if "pv:node" in record
    }
    assert agents == {node for node, kind in nodes.items() if kind == "source"}
    assert entities == {node for node, kind in nodes.items() if kind != "source"}


def test_the_prov_json_export_reads_back_through_the_prov_library_without_loss() -> None:
    graph, document = build_graph(ROWS), build_prov(ROWS)
    _assert_prov_round_trip(graph, document)
    again = _read_back(document)
    attributed = {(r["prov:entity"], r["prov:agent"]) for r in again["wasAttributedTo"].values()}
    assert ("pv:claim-12", "pv:source-3") in attributed  # the origin
    assert ("pv:claim-12-at-1", "pv:source-5") in attributed  # Yonhap's report of it
    assert ("pv:article-4", "pv:source-9") in attributed
    derived = {
        (r["prov:generatedEntity"], r["prov:usedEntity"], r.get("prov:type", {}).get("$"))
        for r in again["wasDerivedFrom"].values()
    }
    assert ("pv:claim-12-at-1", "pv:claim-12", "prov:Quotation") in derived
    assert ("pv:article-4", "pv:claim-12-at-1", "prov:Quotation") in derived
    assert ("pv:article-4", "pv:claim-12", "prov:PrimarySource") in derived
    delegations = {
        (r["prov:delegate"], r["prov:responsible"]) for r in again["actedOnBehalfOf"].values()
    }
    assert delegations == {("pv:source-5", "pv:source-10")}


def test_an_empty_graph_is_a_valid_prov_document() -> None:
    assert build_graph(GraphRows()) == {"nodes": [], "edges": []}
    again = _read_back(build_prov(GraphRows()))
    assert set(again) <= {"prefix"}


# ------------------------------------------------------------------------------ through the API


@pytest.fixture
def chain() -> dict[str, Claim]:
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    outlet = make_source(name="Voice of America", kind="outlet", reliability="B")
    article = make_article(outlet=outlet, title="Seed")
    claim = make_claim(article=article, sources=[nis, yonhap])
    same_origin = make_claim(sources=[nis])
    linked = make_claim(sources=[make_source()])
    far = make_claim(sources=[make_source()])
    make_claim_link(from_claim=linked, to_claim=claim, kind="corroborates")
    make_claim_link(from_claim=far, to_claim=linked, kind="contradicts")
    return {"claim": claim, "same_origin": same_origin, "linked": linked, "far": far}


def _claim_ids(body: dict) -> set[int]:  # type: ignore[type-arg]
    return {int(n["id"].split(":")[1]) for n in body["nodes"] if n["type"] == "claim"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (1, {"claim"}),
        (2, {"claim", "same_origin", "linked"}),
        (3, {"claim", "same_origin", "linked", "far"}),
    ],
)
def test_claim_graph_depth_adds_linked_claims_and_claims_sharing_the_origin(
    api: APIClient, chain: dict[str, Claim], depth: int, expected: set[str]
) -> None:
    response = api.get(f"/api/v1/claims/{chain['claim'].pk}/graph?depth={depth}")
    assert response.status_code == 200
    assert _claim_ids(response.json()) == {chain[name].pk for name in expected}


@pytest.mark.django_db
def test_claim_graph_has_the_chain_article_and_figures_of_the_claim(
    api: APIClient, chain: dict[str, Claim]
) -> None:
    claim = chain["claim"]
    body = api.get(f"/api/v1/claims/{claim.pk}/graph").json()
    nis, yonhap = (a.source_id for a in claim.attributions.order_by("position"))
    outlet = claim.article.outlet_id
    edges = {(e["from"], e["to"], e["type"]) for e in body["edges"]}
    assert (f"claim:{claim.pk}", f"source:{nis}", "attributed_to") in edges
    assert (f"source:{nis}", f"source:{yonhap}", "relayed_by") in edges
    assert (f"source:{yonhap}", f"source:{outlet}", "relayed_by") in edges
    assert (f"claim:{claim.pk}", f"article:{claim.article_id}", "published_in") in edges
    figure = claim.figures.get()
    assert (f"claim:{claim.pk}", f"figure:{figure.pk}", "has_figure") in edges


@pytest.mark.django_db
def test_claim_graph_as_prov_reads_back_through_the_prov_library(
    api: APIClient, chain: dict[str, Claim]
) -> None:
    url = f"/api/v1/claims/{chain['claim'].pk}/graph?depth=3"
    graph = api.get(url).json()
    document = api.get(url + "&format=prov").json()
    assert "prefix" in document and "agent" in document
    _assert_prov_round_trip(graph, document)


@pytest.mark.django_db
def test_the_graph_endpoint_selects_claims_by_source_article_and_dates(
    api: APIClient, chain: dict[str, Claim]
) -> None:
    claim = chain["claim"]
    by_source = api.get("/api/v1/graph?source=National%20Intelligence%20Service").json()
    assert _claim_ids(by_source) == {claim.pk, chain["same_origin"].pk}
    by_article = api.get(f"/api/v1/graph?article={claim.article_id}").json()
    assert _claim_ids(by_article) == {claim.pk}
    assert api.get("/api/v1/graph?since=2999-01-01").json() == {"nodes": [], "edges": []}
    prov = api.get(f"/api/v1/graph?article={claim.article_id}&format=prov").json()
    _assert_prov_round_trip(by_article, prov)


@pytest.mark.django_db
def test_the_graph_endpoint_needs_at_least_one_filter(api: APIClient) -> None:
    response = api.get("/api/v1/graph")
    assert response.status_code == 400
    assert "at least one" in response.json()["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/claims/{pk}/graph?depth=3", "/api/v1/graph?source=Hub"])
def test_a_graph_over_the_size_limit_answers_400_with_a_clear_message(
    api: APIClient, settings, url: str
) -> None:  # type: ignore[no-untyped-def]
    settings.GRAPH_MAX_NODES = 10
    hub = make_source(name="Hub")
    claims = [make_claim(sources=[hub]) for _ in range(6)]
    response = api.get(url.format(pk=claims[0].pk))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "graph_too_large"
    assert "limit of 10" in error["message"]
    assert error["details"]["limit"] == 10


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["depth=0", "depth=5", "depth=x", "format=xml"])
def test_claim_graph_rejects_a_bad_depth_or_format(api: APIClient, query: str) -> None:
    claim = make_claim()
    response = api.get(f"/api/v1/claims/{claim.pk}/graph?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] in {"depth", "format"}


@pytest.mark.django_db
def test_the_graph_of_an_unknown_claim_answers_404(api: APIClient) -> None:
    response = api.get("/api/v1/claims/424242/graph")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def _grow(hub_claim: Claim, n: int) -> None:
    origin = hub_claim.attributions.get(position=0).source
    for _ in range(n):
        other = make_claim(
            article=make_article(outlet=make_source()), sources=[origin, make_source()], figures=2
        )
        make_claim_link(from_claim=other, to_claim=hub_claim)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "prov"])
def test_claim_graph_runs_the_same_queries_for_a_small_or_a_large_graph(
    api: APIClient, queries: Callable[[str], int], fmt: str
) -> None:
    claim = make_claim(
        article=make_article(outlet=make_source()), sources=[make_source(), make_source()]
    )
    _grow(claim, 1)
    url = f"/api/v1/claims/{claim.pk}/graph?depth=2&format={fmt}"
    one = queries(url)
    _grow(claim, 8)
    assert queries(url) == one


@pytest.mark.django_db
def test_the_graph_endpoint_runs_the_same_queries_for_one_or_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    hub = make_source(name="Hub", parent=make_source())
    make_claim(article=make_article(outlet=make_source()), sources=[hub])
    one = queries("/api/v1/graph?source=Hub")
    for _ in range(8):
        make_claim(
            article=make_article(outlet=make_source()), sources=[hub, make_source()], figures=2
        )
    assert queries("/api/v1/graph?source=Hub") == one


# ------------------------------------------------------------------------------ properties


@st.composite
def graph_rows(draw: st.DrawFn) -> GraphRows:
    """Consistent random rows: every claim's article, every link's source exists."""
    text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
    sources = [
        SourceRow(
            i,
            draw(text),
            draw(st.sampled_from(["outlet", "unnamed", "intelligence"])),
            "",
            draw(st.sampled_from("ABCDEF")),
            draw(st.none() | st.integers(1, 5)),
        )
        for i in range(1, draw(st.integers(1, 5)) + 1)
    ]
    source_ids = st.sampled_from([s.id for s in sources])
    articles = [
        ArticleRow(i, draw(text), "", None, draw(st.none() | source_ids))
        for i in range(1, draw(st.integers(1, 3)) + 1)
    ]
    claims = [
        ClaimRow(
            i,
            draw(st.sampled_from([a.id for a in articles])),
            draw(text),
            "statement",
            draw(st.booleans()),
            tuple(draw(st.lists(text, max_size=2))),
            draw(st.integers(1, 6)),
            "unverified",
        )
        for i in range(1, draw(st.integers(0, 6)) + 1)
    ]
    attributions = [
        AttributionRow(c.id, draw(source_ids), position, draw(text), draw(text))
        for c in claims
        for position in range(draw(st.integers(0, 3)))
    ]
    figures = [
        FigureRow(
            100 + n,
            c.id,
            draw(st.floats(-1e9, 1e9)),
            None,
            None,
            draw(text),
            draw(text),
            draw(st.booleans()),
            "unreviewed",
        )
        for n, c in enumerate(c for c in claims if draw(st.booleans()))
    ]
    claim_ids = [c.id for c in claims] or [1]
    links = {
        (a, b): LinkRow(
            a,
            b,
            draw(st.sampled_from(["same", "corroborates", "contradicts", "updates"])),
            0.5,
            "proposed",
        )
        for a, b in draw(
            st.lists(st.tuples(st.sampled_from(claim_ids), st.sampled_from(claim_ids)), max_size=4)
        )
        if a != b
    }
    return GraphRows(
        claims=tuple(claims),
        articles=tuple(articles),
        sources=tuple(sources),
        attributions=tuple(attributions),
        figures=tuple(figures),
        links=tuple(links.values()),
    )


@given(graph_rows())
@settings(max_examples=150, deadline=None)
def test_any_graph_has_one_node_per_row_and_only_edges_between_its_nodes(rows: GraphRows) -> None:
    graph = build_graph(rows)
    ids = [n["id"] for n in graph["nodes"]]
    assert len(ids) == len(set(ids)) == rows.node_count
    assert all(e["from"] in ids and e["to"] in ids for e in graph["edges"])
    origins = [e for e in graph["edges"] if e["type"] == "attributed_to" and e["position"] == 0]
    attributed = {a.claim_id for a in rows.attributions}
    assert len(origins) == len(
        attributed
        | {
            c.id
            for c in rows.claims
            if any(a.id == c.article_id and a.outlet_id for a in rows.articles)
        }
    )


@given(graph_rows())
@settings(max_examples=100, deadline=None)
def test_any_graph_survives_the_prov_json_round_trip(rows: GraphRows) -> None:
    _assert_prov_round_trip(build_graph(rows), build_prov(rows))

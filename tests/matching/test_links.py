"""Links between claims of different articles: origins, credibility, editors' review, API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditContext
from claims.links import claim_link_review, claims_match_article
from claims.models import Claim, ClaimLink
from claims.origins import claims_recompute_origins
from core.access import Role
from tests.editorial.conftest import client_for, make_user
from tests.factories import make_article, make_claim, make_claim_link, make_source

pytestmark = pytest.mark.django_db


def _link(a: Claim, b: Claim) -> ClaimLink:
    return ClaimLink.objects.get(from_claim__in=[a, b], to_claim__in=[a, b])


def test_matching_links_the_relays_as_same_and_the_other_government_as_corroborating(
    corroborated,
) -> None:  # type: ignore[no-untyped-def]
    assert _link(corroborated["nis_a"], corroborated["nis_b"]).kind == "same"
    assert _link(corroborated["kyiv"], corroborated["nis_a"]).kind == "corroborates"
    assert {c.independent_origins for c in corroborated.values()} == {2}
    assert {c.credibility for c in corroborated.values()} == {2}


def test_a_rejected_link_is_not_counted_and_never_re_proposed(corroborated) -> None:  # type: ignore[no-untyped-def]
    editor = make_user(Role.EDITOR)
    kyiv = corroborated["kyiv"]
    for other in ("nis_a", "nis_b"):
        link = _link(kyiv, corroborated[other])
        claim_link_review(
            actor=editor, link_id=link.pk, action="reject", reason="Different deployment"
        )
    kyiv.refresh_from_db()
    assert (kyiv.independent_origins, kyiv.credibility) == (1, 3)
    claims_match_article(article_id=kyiv.article_id)
    touching = ClaimLink.objects.filter(from_claim=kyiv) | ClaimLink.objects.filter(to_claim=kyiv)
    assert sorted(touching.values_list("status", flat=True)) == ["rejected", "rejected"]


def test_a_link_review_is_audited_and_keeps_both_claims_through_re_extraction(corroborated) -> None:  # type: ignore[no-untyped-def]
    link = _link(corroborated["kyiv"], corroborated["nis_a"])
    claim_link_review(
        actor=make_user(Role.EDITOR), link_id=link.pk, action="confirm", reason="Same briefing"
    )
    link.refresh_from_db()
    assert link.status == "confirmed"
    assert link.reviewed_by is not None
    assert AuditContext.objects.get().action == "link.confirm"
    assert set(
        Claim.objects.filter(pk__in=[link.from_claim_id, link.to_claim_id]).values_list(
            "edited", flat=True
        )
    ) == {True}


@pytest.mark.parametrize(("role", "status"), [(Role.ANONYMOUS, 401), (Role.ANALYST, 403)])
def test_only_editors_review_links(corroborated, role: Role, status: int) -> None:  # type: ignore[no-untyped-def]
    link = _link(corroborated["kyiv"], corroborated["nis_a"])
    response = client_for(role).post(
        f"/api/v1/links/{link.pk}/review", {"action": "confirm", "reason": "x"}, format="json"
    )
    assert response.status_code == status
    link.refresh_from_db()
    assert link.status == "proposed"


def test_the_review_api_confirms_a_link_with_a_reason(corroborated) -> None:  # type: ignore[no-untyped-def]
    editor_api = client_for(Role.EDITOR)
    link = _link(corroborated["kyiv"], corroborated["nis_a"])
    assert (
        editor_api.post(
            f"/api/v1/links/{link.pk}/review", {"action": "confirm"}, format="json"
        ).status_code
        == 400
    )
    response = editor_api.post(
        f"/api/v1/links/{link.pk}/review",
        {"action": "confirm", "reason": "Same briefing"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["evidence"]["figures"][0]["agree"] is True
    assert (
        editor_api.post(
            "/api/v1/links/999999/review", {"action": "confirm", "reason": "x"}, format="json"
        ).status_code
        == 404
    )


def test_the_claim_list_shows_filters_and_orders_by_independent_origins(corroborated) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_claim

    lone = make_claim()
    api = APIClient()
    rows = api.get("/api/v1/claims?ordering=-origins").json()["results"]
    assert [r["independent_origins"] for r in rows] == [2, 2, 2, 1]
    assert rows[-1]["id"] == lone.pk
    ids = {r["id"] for r in api.get("/api/v1/claims?min_origins=2").json()["results"]}
    assert ids == {c.pk for c in corroborated.values()}
    assert api.get("/api/v1/claims?min_origins=0").status_code == 400


def test_the_claim_detail_api_says_why_and_lists_the_origins(corroborated) -> None:  # type: ignore[no-untyped-def]
    body = APIClient().get(f"/api/v1/claims/{corroborated['nis_a'].pk}").json()
    assert body["independent_origins"] == 2
    assert body["credibility_reason"] == "2 independent origins with reliable chains."
    assert sorted(o["name"] for o in body["origins"]) == [
        "Government of Ukraine",
        "National Intelligence Service",
    ]
    assert {link["kind"] for link in body["links"]} == {"same", "corroborates"}
    assert all("shared_words" in link["evidence"] for link in body["links"])


def test_the_claim_graph_has_the_claim_to_claim_links(corroborated) -> None:  # type: ignore[no-untyped-def]
    graph = APIClient().get(f"/api/v1/claims/{corroborated['nis_a'].pk}/graph?depth=2").json()
    kinds = {e["type"] for e in graph["edges"]}
    assert {"same_as", "corroborates"} <= kinds
    prov = APIClient().get(f"/api/v1/claims/{corroborated['nis_a'].pk}/graph?depth=2&format=prov")
    assert prov.status_code == 200


def test_the_claim_page_shows_origins_the_reason_and_review_buttons_for_editors(
    corroborated, client: Client
) -> None:  # type: ignore[no-untyped-def]
    url = f"/claims/{corroborated['nis_a'].pk}"
    page = client.get(url).content.decode()
    assert "Independent origins" in page
    assert "Government of Ukraine" in page
    assert "2 independent origins with reliable chains." in page
    assert "shared:" in page
    assert 'value="confirm"' not in page
    client.force_login(make_user(Role.EDITOR))
    page = client.get(url).content.decode()
    assert 'value="confirm"' in page


def test_an_editor_confirms_a_link_from_the_claim_page(corroborated, client: Client) -> None:  # type: ignore[no-untyped-def]
    link = _link(corroborated["kyiv"], corroborated["nis_a"])
    client.force_login(make_user(Role.EDITOR))
    url = f"/claims/{corroborated['nis_a'].pk}"
    response = client.post(
        f"/links/{link.pk}/review", {"action": "confirm", "reason": "Same briefing", "next": url}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "confirmed"


def test_an_analyst_cannot_review_a_link_from_the_page(corroborated, client: Client) -> None:  # type: ignore[no-untyped-def]
    link = _link(corroborated["kyiv"], corroborated["nis_a"])
    client.force_login(make_user(Role.ANALYST))
    client.post(f"/links/{link.pk}/review", {"action": "reject", "reason": "no"})
    link.refresh_from_db()
    assert link.status == "proposed"


def test_the_claim_page_runs_the_same_queries_for_a_lone_or_a_linked_claim(  # type: ignore[no-untyped-def]
    corroborated, page_queries: Callable[[str], int]
) -> None:
    from tests.factories import make_claim

    lone = make_claim()
    assert page_queries(f"/claims/{lone.pk}") == page_queries(f"/claims/{corroborated['nis_a'].pk}")


def test_the_claim_list_api_runs_the_same_queries_with_the_origins_filter(corroborated) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = APIClient()
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/claims?min_origins=2&ordering=-origins&page_size=1")
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/claims?min_origins=2&ordering=-origins")
    assert len(one.captured_queries) == len(many.captured_queries)


def test_the_claim_detail_api_runs_a_fixed_number_of_queries_for_a_lone_or_a_linked_claim(
    corroborated,
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_claim

    lone = make_claim(sources=[corroborated["nis_a"].attributions.first().source])
    api = APIClient()
    counts = []
    for claim_id in (lone.pk, corroborated["nis_a"].pk, corroborated["nis_b"].pk):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/api/v1/claims/{claim_id}").status_code == 200
        counts.append(len(ctx.captured_queries))
    # A lone claim's one origin comes from its chain; a linked claim reads its component's
    # origins in four more queries, however large the component.
    assert counts[0] + 4 == counts[1] == counts[2]


def test_changing_a_chain_recounts_the_origins_of_the_linked_claims(corroborated) -> None:  # type: ignore[no-untyped-def]
    from claims.editorial import ChainLink, claim_set_chain

    kyiv = corroborated["kyiv"]
    claim_set_chain(
        actor=make_user(Role.EDITOR),
        claim_id=kyiv.pk,
        expected_version=kyiv.version,
        links=[ChainLink(name="National Intelligence Service")],
        reason="Kyiv quoted the NIS",
    )
    counts = {
        key: Claim.objects.get(pk=c.pk).independent_origins for key, c in corroborated.items()
    }
    assert counts == {"nis_a": 1, "nis_b": 1, "kyiv": 1}
    assert Claim.objects.get(pk=corroborated["nis_a"].pk).credibility == 3


def test_claims_published_outside_the_window_are_not_candidates(corroborated) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tests.factories import make_source

    from .conftest import OCT23, claim_saying

    late = claim_saying(
        "North Korea has sent 3,000 troops to Russia to support its war against Ukraine, "
        "Japan's defence ministry said.",
        origin=make_source(name="Japan MoD"),
        outlet=make_source(kind="outlet"),
        when=OCT23 + dt.timedelta(days=90),
        troops=3000,
    )
    report = claims_match_article(article_id=late.article_id)
    assert report.candidates == 0
    assert not ClaimLink.objects.filter(from_claim=late).exists()


def test_one_statement_relayed_four_ways_counts_one_origin_and_the_page_says_why(
    client: Client,
) -> None:
    # Regression: four phrasings of one NIS statement showed 3 origins: one chain had lost NIS,
    # and "South Korean media" via an unknown outlet was counted as an origin of its own.
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    yonhap = make_source(name="Yonhap", kind="agency", reliability="B")
    media = make_source(name="South Korean media", kind="media_reports", reliability="F")
    outlets = [make_source(name=f"Outlet {i}", kind="outlet", reliability="B") for i in range(3)]
    text = "North Korea has sent 3,000 troops to Russia ({})."
    claims = [
        make_claim(
            article=make_article(outlet=outlets[0]), text=text.format(1), sources=[nis, yonhap]
        ),
        make_claim(article=make_article(outlet=outlets[1]), text=text.format(2), sources=[nis]),
        make_claim(article=make_article(outlet=outlets[2]), text=text.format(3), sources=[yonhap]),
        make_claim(article=make_article(outlet=None), text=text.format(4), sources=[media]),
    ]
    for other in claims[1:]:
        make_claim_link(from_claim=other, to_claim=claims[0], kind="same")
    claims_recompute_origins(claim_ids=[c.pk for c in claims])

    assert {Claim.objects.get(pk=c.pk).independent_origins for c in claims} == {1}
    origins = APIClient().get(f"/api/v1/claims/{claims[0].pk}").json()["origins"]
    assert [(o["name"], o["counted"]) for o in origins] == [
        ("National Intelligence Service", True),
        ("South Korean media via an unknown outlet", False),
        ("Yonhap", False),
    ]
    assert "relays National Intelligence Service" in origins[2]["why"]
    page = client.get(f"/claims/{claims[0].pk}").content.decode()
    assert (
        "Not counted: a generic relay, most likely carrying National Intelligence Service" in page
    )

"""The synthetic knowledge base the API benchmark runs on (bench/support/synthetic.py), at small sizes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from bench.support.management.commands.generate_synthetic import Command as GenerateSynthetic
from bench.support.synthetic import synthetic_generate
from claims.models import Attribution, Claim, ClaimDate, ClaimLink, ClaimSource, Figure
from sources.models import Article, Source

pytestmark = pytest.mark.django_db

SIZES = {"claims": 600, "articles": 70, "sources": 40}


@pytest.fixture
def generated():  # type: ignore[no-untyped-def]
    return synthetic_generate(**SIZES, chunk_claims=100)


def scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_it_adds_the_numbers_of_rows_asked_for(generated) -> None:  # type: ignore[no-untyped-def]
    assert Source.objects.count() == SIZES["sources"]
    assert Article.objects.count() == SIZES["articles"]
    assert Claim.objects.count() == SIZES["claims"]
    assert SIZES["claims"] <= Attribution.objects.count() <= 3 * SIZES["claims"]
    assert generated.attributions == Attribution.objects.count()
    assert 0 < Figure.objects.count() < SIZES["claims"]
    assert 0 < ClaimDate.objects.count() < SIZES["claims"]
    assert 0 < ClaimLink.objects.count() <= round(SIZES["claims"] * 0.02)


def test_every_article_has_claims_and_an_outlet(generated) -> None:  # type: ignore[no-untyped-def]
    assert not Article.objects.filter(claims__isnull=True).exists()
    assert not Article.objects.filter(outlet__isnull=True).exists()
    assert set(Article.objects.values_list("outlet__kind", flat=True)) <= {
        "outlet",
        "news_agency",
        "state_media",
    }


def test_chains_have_one_to_three_links_and_start_at_position_zero(generated) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT min(position), max(position), count(*) FROM claims_attribution GROUP BY claim_id
        """)
        chains = cursor.fetchall()
    assert len(chains) == SIZES["claims"]
    assert {low for low, _, _ in chains} == {0}
    assert all(high == n - 1 for _, high, n in chains)
    assert {n for _, _, n in chains} == {1, 2, 3}


def test_foreign_keys_and_constraints_hold(generated) -> None:  # type: ignore[no-untyped-def]
    # The generator skips per-row trigger checks for speed, so check what they would have.
    orphans = {
        "claim->article": "SELECT count(*) FROM claims_claim c LEFT JOIN sources_article a "
        "ON a.id = c.article_id WHERE a.id IS NULL",
        "attribution->claim": "SELECT count(*) FROM claims_attribution x LEFT JOIN claims_claim c "
        "ON c.id = x.claim_id WHERE c.id IS NULL",
        "attribution->source": "SELECT count(*) FROM claims_attribution x LEFT JOIN sources_source s "
        "ON s.id = x.source_id WHERE s.id IS NULL",
        "figure->claim": "SELECT count(*) FROM claims_figure f LEFT JOIN claims_claim c "
        "ON c.id = f.claim_id WHERE c.id IS NULL",
        "link->claim": "SELECT count(*) FROM claims_claimlink l LEFT JOIN claims_claim c "
        "ON c.id = l.to_claim_id WHERE c.id IS NULL",
        "article->outlet": "SELECT count(*) FROM sources_article a LEFT JOIN sources_source s "
        "ON s.id = a.outlet_id WHERE s.id IS NULL",
    }
    assert {name: scalar(sql) for name, sql in orphans.items()} == dict.fromkeys(orphans, 0)
    assert scalar('SELECT count(*) FROM claims_claim WHERE start >= "end"') == 0
    assert (
        scalar(
            "SELECT count(*) FROM claims_claim c JOIN sources_article a ON a.id = c.article_id "
            "WHERE c.published_on IS DISTINCT FROM (a.published_at AT TIME ZONE 'UTC')::date"
        )
        == 0
    )
    assert scalar("SELECT count(*) FROM claims_claimlink WHERE from_claim_id = to_claim_id") == 0
    assert scalar("SELECT count(DISTINCT lower(name)) FROM sources_source") == SIZES["sources"]


def test_offsets_point_at_the_claims_figures_and_dates(generated) -> None:  # type: ignore[no-untyped-def]
    for claim in Claim.objects.select_related("article")[:50]:
        assert claim.article.body[claim.start : claim.end] == claim.text
    for figure in Figure.objects.select_related("claim__article")[:50]:
        assert figure.claim.article.body[figure.start : figure.end] == figure.text
    for date in ClaimDate.objects.select_related("claim__article")[:50]:
        assert date.claim.article.body[date.start : date.end] == date.text


def test_it_adds_to_a_database_that_already_has_rows(generated) -> None:  # type: ignore[no-untyped-def]
    again = synthetic_generate(claims=100, articles=10, sources=5, seed=-0.3)
    assert again.first_claim_id == SIZES["claims"] + 1
    assert Claim.objects.count() == SIZES["claims"] + 100
    assert Source.objects.count() == SIZES["sources"] + 5
    # The sequences were moved past the explicit ids, so ordinary inserts still work.
    assert Source.objects.create(name="After the synthetic rows").pk == SIZES["sources"] + 6


@pytest.mark.parametrize(
    "sizes",
    [
        {"claims": 0, "articles": 1, "sources": 2},
        {"claims": 1, "articles": 0, "sources": 2},
        {"claims": 1, "articles": 1, "sources": 1},
    ],
)
def test_it_refuses_sizes_it_cannot_build(sizes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="at least"):
        synthetic_generate(**sizes)


def test_the_api_lists_and_shows_the_data(generated) -> None:  # type: ignore[no-untyped-def]
    api = APIClient()
    page = api.get("/api/v1/claims").json()
    assert len(page["results"]) == 50 and page["next"]
    assert api.get(page["next"]).status_code == 200
    hedged = api.get("/api/v1/claims?hedged=true").json()["results"]
    assert hedged and all(c["hedged"] for c in hedged)
    assert api.get("/api/v1/claims?search=ceasefire OR troops").json()["results"]
    claim_id = page["results"][0]["id"]
    assert api.get(f"/api/v1/claims/{claim_id}").status_code == 200
    graph = api.get(f"/api/v1/claims/{claim_id}/graph?depth=2").json()
    assert any(node["id"] == f"claim:{claim_id}" for node in graph["nodes"])
    source_id = Attribution.objects.filter(position=0).values_list("source_id", flat=True).first()
    assert api.get(f"/api/v1/sources/{source_id}").status_code == 200
    assert api.get(f"/api/v1/sources/{source_id}/claims").json()["results"]


def test_the_command_reports_what_it_added() -> None:
    from io import StringIO

    out = StringIO()
    # The command is installed by bench.support.settings only; called here by its class.
    call_command(
        GenerateSynthetic(), claims=50, articles=5, sources=4, no_progress=True, stdout=out
    )
    assert "4 sources, 5 articles, 50 claims" in out.getvalue()
    assert Claim.objects.count() == 50


def test_the_stored_sort_keys_and_vector_are_what_the_services_would_compute(generated) -> None:  # type: ignore[no-untyped-def]
    from claims.models import Claim
    from claims.sort_keys import claims_refresh_sort_keys

    ids = list(Claim.objects.values_list("pk", flat=True))
    assert scalar("SELECT count(*) FROM claims_claim WHERE corroboration > 0") > 0
    assert scalar("SELECT count(DISTINCT weakest_reliability) FROM claims_claim") > 1
    entries = set(
        ClaimSource.objects.values_list(
            "claim_id", "source_id", "published_sort", "origin", "relay"
        )
    )
    assert len(entries) > len(ids)
    assert claims_refresh_sort_keys(claim_ids=ids) == 0
    assert (
        set(
            ClaimSource.objects.values_list(
                "claim_id", "source_id", "published_sort", "origin", "relay"
            )
        )
        == entries
    )
    assert (
        scalar(
            "SELECT count(*) FROM claims_claim WHERE search_vector IS NULL OR search_vector = ''"
        )
        == 0
    )

"""The bench-only floor endpoint (bench/support/endpoints.py): routed only by the bench URLconf,
and there the same first page as GET /api/v1/claims."""

from __future__ import annotations

import orjson
import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from bench.support.endpoints import claims_bare
from bench.support.synthetic import synthetic_generate
from claims.models import ClaimSource

pytestmark = pytest.mark.django_db


def test_the_product_routes_no_bench_endpoint() -> None:
    assert settings.ROOT_URLCONF == "provenance.urls"
    with pytest.raises(NoReverseMatch):
        reverse("bench-claims-bare")
    assert APIClient().get("/api/v1/bench/claims-bare").status_code == 404


@pytest.mark.urls("bench.support.urls")
def test_the_bench_urlconf_routes_the_floor_beside_the_product() -> None:
    assert reverse("bench-claims-bare") == "/api/v1/bench/claims-bare"
    assert APIClient().get("/api/v1/bench/claims-bare").status_code == 200
    assert APIClient().get("/api/v1/claims").status_code == 200


def test_the_bare_page_has_the_api_pages_rows_and_fields() -> None:
    synthetic_generate(claims=300, articles=30, sources=20)
    api = APIClient().get("/api/v1/claims").json()["results"]
    bare = orjson.loads(claims_bare(RequestFactory().get("/")).content)["results"]
    assert [c["id"] for c in bare] == [c["id"] for c in api]
    for b, a in zip(bare, api, strict=True):
        assert (b["weakest_reliability"], b["corroboration"], b["credibility"]) == (
            a["weakest_reliability"],
            a["corroboration"],
            a["credibility"],
        )
        assert [x["source"]["id"] for x in b["chain"]] == [x["source"]["id"] for x in a["chain"]]
        assert [f["id"] for f in b["figures"]] == [f["id"] for f in a["figures"]]
        assert len(b["dates"]) == len(a["dates"])


def test_the_bare_source_page_has_the_api_source_pages_rows() -> None:
    synthetic_generate(claims=300, articles=30, sources=20)
    source = ClaimSource.objects.values_list("source_id", flat=True).order_by("source_id").first()
    api = APIClient().get(f"/api/v1/claims?source={source}").json()["results"]
    bare = orjson.loads(claims_bare(RequestFactory().get("/", {"source": source})).content)[
        "results"
    ]
    assert len(api) > 1
    assert [c["id"] for c in bare] == [c["id"] for c in api]
    assert [[x["source"]["id"] for x in c["chain"]] for c in bare] == [
        [x["source"]["id"] for x in c["chain"]] for c in api
    ]

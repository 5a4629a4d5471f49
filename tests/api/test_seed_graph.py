"""The seed article through the real extractor (spaCy model), then its claim graph via the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from prov.model import ProvDocument
from rest_framework.test import APIClient

from articles.processing import claims_extract_for_article
from articles.store import ExtractOutcome
from claims.models import Claim
from sources.models import ArticleStatus
from tests.conftest import SEED
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def relocation_claim() -> Claim:
    article = make_article(
        body=SEED.read_text(),
        status=ArticleStatus.QUEUED,
        title="Kursk",
        outlet=make_source(name="Demo Wire", kind="outlet", reliability="C"),
        published_at=dt.datetime(2024, 11, 8, 12, tzinfo=dt.UTC),
    )
    assert claims_extract_for_article(article_id=article.pk, owner="t") == ExtractOutcome.DONE
    return Claim.objects.get(article=article, text__icontains="relocating thousands of soldiers")


def test_the_seed_relocation_claim_is_attributed_to_the_nis_relayed_by_yonhap(
    api: APIClient, relocation_claim: Claim
) -> None:
    graph = api.get(f"/api/v1/claims/{relocation_claim.pk}/graph").json()
    names = {n["id"]: n.get("name") for n in graph["nodes"] if n["type"] == "source"}
    claim = f"claim:{relocation_claim.pk}"
    origin = [
        e
        for e in graph["edges"]
        if e["type"] == "attributed_to" and e["from"] == claim and e["position"] == 0
    ]
    assert [names[e["to"]] for e in origin] == ["National Intelligence Service"]
    relays = {
        (names[e["from"]], names[e["to"]]) for e in graph["edges"] if e["type"] == "relayed_by"
    }
    # The registry's canonical name for Yonhap is "Yonhap News Agency".
    assert ("National Intelligence Service", "Yonhap News Agency") in relays
    assert ("Yonhap News Agency", "Demo Wire") in relays
    published = [
        e["to"] for e in graph["edges"] if e["type"] == "published_in" and e["from"] == claim
    ]
    assert published == [f"article:{relocation_claim.article_id}"]


def test_the_seed_graph_exports_to_prov_json_that_the_prov_library_reads_back(
    api: APIClient, relocation_claim: Claim
) -> None:
    url = f"/api/v1/claims/{relocation_claim.pk}/graph?format=prov"
    response = api.get(url)
    assert response.status_code == 200
    document = ProvDocument.deserialize(content=response.content.decode(), format="json")
    again = json.loads(document.serialize(format="json"))
    assert set(again["entity"]) == set(response.json()["entity"])
    assert set(again["agent"]) == set(response.json()["agent"])
    labels = {record.get("prov:label") for record in again["agent"].values()}
    assert {"National Intelligence Service", "Yonhap News Agency", "Demo Wire"} <= labels
    origin = [
        r
        for r in again["wasAttributedTo"].values()
        if r["prov:entity"] == f"pv:claim-{relocation_claim.pk}"
    ]
    assert [again["agent"][r["prov:agent"]]["prov:label"] for r in origin] == [
        "National Intelligence Service"
    ]

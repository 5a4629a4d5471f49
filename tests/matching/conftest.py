from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.links import claims_match_article
from claims.models import Claim, Figure
from sources.models import Source
from tests.factories import make_article, make_claim, make_source

OCT23 = dt.datetime(2024, 10, 23, 9, tzinfo=dt.UTC)
OCT24 = dt.datetime(2024, 10, 24, 9, tzinfo=dt.UTC)


def claim_saying(
    text: str,
    *,
    origin: Source,
    outlet: Source,
    when: dt.datetime = OCT23,
    troops: float | None = None,
) -> Claim:
    """A stored claim (factories, no model) with its origin, outlet and troop figure."""
    article = make_article(body=text, outlet=outlet, published_at=when)
    claim = make_claim(article=article, text=text, sources=[origin], figures=0)
    if troops is not None:
        Figure.objects.create(
            claim=claim, value=troops, text=f"{troops:,.0f}", unit="troops", start=0, end=5
        )
    return claim


@pytest.fixture
def corroborated() -> dict[str, Claim]:
    """NIS's statement in two outlets and Ukraine's government confirming it, matched."""
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    kyiv = make_source(name="Government of Ukraine", kind="government", reliability="C")
    outlets = [make_source(name=f"Outlet {i}", kind="outlet", reliability="B") for i in range(3)]
    text = (
        "North Korea has sent 3,000 troops to Russia to support its war against Ukraine, {} said."
    )
    claims = {
        "nis_a": claim_saying(text.format("the NIS"), origin=nis, outlet=outlets[0], troops=3000),
        "nis_b": claim_saying(
            text.format("South Korea's spy agency"), origin=nis, outlet=outlets[1], troops=3000
        ),
        "kyiv": claim_saying(
            text.format("Ukraine's government"),
            origin=kyiv,
            outlet=outlets[2],
            when=OCT24,
            troops=3000,
        ),
    }
    for claim in claims.values():
        claims_match_article(article_id=claim.article_id)
    return {key: Claim.objects.get(pk=c.pk) for key, c in claims.items()}


@pytest.fixture
def page_queries(client: Client) -> Callable[[str], int]:
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    return count

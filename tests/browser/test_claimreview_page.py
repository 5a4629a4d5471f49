"""A claim's page with an editor's verdict, in real headless Chromium: the ClaimReview JSON-LD is
in the document, a browser parses it, and nothing of it shows on the page."""

from __future__ import annotations

import json

import pytest

from claims.editorial import claim_set_verification
from core.access import Role
from tests.editorial.conftest import make_user
from tests.factories import make_article, make_claim, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_claim_page_with_a_verdict_carries_its_claimreview_unseen(
    live_server, page, shot
) -> None:  # type: ignore[no-untyped-def]
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    article = make_article(
        outlet=make_source(name="Voice of America", kind="outlet", reliability="B"),
        title="North Korean troops </script> in Kursk",
        url="https://example.org/kursk",
        body="The NIS said 5,000 North Korean troops arrived in Kursk.",
    )
    claim = make_claim(
        article=article, text="The NIS said 5,000 North Korean troops arrived in Kursk.",
        sources=[nis],
    )  # fmt: skip
    claim_set_verification(
        actor=make_user(Role.EDITOR, "edith"),
        claim_id=claim.pk,
        expected_version=claim.version,
        status="corroborated",
        reason="Two independent origins",
    )
    page.goto(f"{live_server.url}/claims/{claim.pk}")
    page.get_by_role("heading", name="Chain of sources").wait_for()
    texts = page.eval_on_selector_all(
        'script[type="application/ld+json"]', "nodes => nodes.map(n => n.textContent)"
    )
    assert len(texts) == 1
    review = json.loads(texts[0])
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Mostly true"
    assert review["itemReviewed"]["appearance"]["headline"] == article.title
    assert "ClaimReview" not in page.inner_text("body")
    assert "Corroborated" in page.inner_text("body")
    shot(page, "claim-page-with-claimreview")

"""An editor's main paths in real headless Chromium: flag a figure from the review queue, rate
a source, correct a chain."""

from __future__ import annotations

import pytest

from claims.models import Attribution, Figure
from core.access import Role
from sources.models import Source
from tests.editorial.conftest import make_user
from tests.factories import make_article, make_claim, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.EDITOR, "edith")
    user.set_password("correct horse battery")
    user.save()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("User name").fill("edith")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("edith · editor").wait_for()


def test_an_editor_flags_a_figure_from_the_review_queue(live_server, page, shot) -> None:  # type: ignore[no-untyped-def]
    officials = make_source(name="Officials", kind="unnamed", reliability="F")
    claim = make_claim(
        article=make_article(body="Officials said 5,000 troops arrived."),
        text="Officials said 5,000 troops arrived.",
        sources=[officials],
    )
    figure = claim.figures.get()
    _sign_in(page, live_server)
    page.get_by_role("link", name="Review queue").click()
    item = page.locator(f"#figure-{figure.pk}")
    assert "no named source" in item.inner_text()
    item.get_by_label("Reason").fill("Only unnamed officials; no second source")
    shot(page, "07-review-queue")
    item.get_by_role("button", name="Flag unconfirmed").click()
    page.get_by_text("is now unconfirmed").wait_for()
    assert Figure.objects.get(pk=figure.pk).status == "unconfirmed"


def test_an_editor_rates_a_source_and_sees_it_in_the_history(live_server, page, shot) -> None:  # type: ignore[no-untyped-def]
    source = make_source(name="Coastal Broadcaster", kind="outlet", reliability="C")
    _sign_in(page, live_server)
    page.goto(live_server.url + f"/sources/{source.pk}")
    page.get_by_label("Grade").select_option("E")
    page.locator("#r-reason").fill("Repeatedly published fabricated casualty figures")
    page.get_by_role("button", name="Save rating").click()
    page.get_by_text("Saved.").wait_for()
    shot(page, "08-source-rated")
    assert Source.objects.get(pk=source.pk).reliability == "E"
    history = page.locator(".history").inner_text()
    assert (
        "source.rate" in history and "Repeatedly published fabricated casualty figures" in history
    )


def test_an_editor_corrects_a_chain_on_the_claim_page(live_server, page, shot) -> None:  # type: ignore[no-untyped-def]
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    claim = make_claim(text="Thousands of soldiers were relocated.", sources=[yonhap])
    _sign_in(page, live_server)
    page.goto(live_server.url + f"/claims/{claim.pk}")
    page.locator("#chain").fill("National Intelligence Service | the NIS\nYonhap")
    page.locator("#ch-reason").fill("The NIS is the origin; Yonhap relayed it")
    page.get_by_role("button", name="Save chain").click()
    page.get_by_text("Saved.").wait_for()
    labels = page.locator("svg.chain-svg .node-label").all_text_contents()
    shot(page, "09-chain-corrected")
    assert labels[0] == "the NIS" and labels[1] == "Yonhap"
    chain = list(
        Attribution.objects.filter(claim=claim)
        .order_by("position")
        .values_list("mention", flat=True)
    )
    assert chain == ["the NIS", "Yonhap"]

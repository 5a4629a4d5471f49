"""An analyst's path through the app, in real headless Chromium against a live server and worker."""

from __future__ import annotations

import pytest

from claims import views_sources
from claims.models import Claim
from core.access import Role
from sources.models import Article, ArticleStatus
from tests.conftest import SEED, wait_for
from tests.editorial.conftest import make_user
from tests.factories import make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server) -> None:  # type: ignore[no-untyped-def]
    """As an analyst: submitting needs a signed-in user (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    user = make_user(Role.ANALYST, "anna")
    user.set_password("correct horse battery")
    user.save()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("anna · analyst").wait_for()


def test_an_analyst_submits_the_seed_article_and_follows_a_claim_to_its_chain(
    live_server, page, shot, celery_worker_process
) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert page.get_by_text("No claims yet").is_visible()
    shot(page, "01-empty-home")

    _sign_in(page, live_server)
    page.get_by_role("link", name="Submit article").first.click()
    page.get_by_label("Article text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_label("Title").fill("North Korean troops and the Kursk border")
    page.get_by_label("Outlet (publisher)").fill("Reuters")
    page.get_by_label("Publication date").fill("2024-11-08")
    shot(page, "02-submit")
    page.get_by_role("button", name="Submit").click()

    # The status updates live, then the page reloads itself with the claims.
    page.wait_for_url("**/articles/*")
    article = Article.objects.get()
    wait_for(
        lambda: Article.objects.filter(pk=article.pk, status=ArticleStatus.DONE).exists(),
        timeout=90,
    )
    page.get_by_text("Status: Done").wait_for(timeout=30_000)
    highlights = page.locator("mark.hl")
    assert highlights.count() == Claim.objects.filter(article=article).count() > 0
    troops = page.locator("mark.hl", has_text="5,000 North Korean engineering troops")
    troops.hover()
    assert troops.locator(".tip").is_visible()
    shot(page, "03-article-highlights")

    # Filter the claims browser by reliability: Reuters (B) is the outlet; "at least B" keeps
    # only claims whose every link is A or B.
    page.goto(live_server.url + "/")
    page.get_by_label("Minimum source reliability").select_option("B")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**min_reliability=B**")
    shot(page, "04-browser-filtered")
    rows = page.locator("ul.claims > li")
    for i in range(rows.count()):
        grades = rows.nth(i).locator(".chain .badge b").all_inner_texts()
        assert all(g in ("A", "B") for g in grades), grades

    page.goto(live_server.url + "/")
    page.get_by_label("Search claims").fill("relocating soldiers")
    page.get_by_role("button", name="Apply filters").click()
    page.locator("ul.claims .claim-text a").first.click()
    picture = page.locator("svg.chain-svg")
    assert picture.is_visible()
    labels = picture.locator(".node-label").all_text_contents()
    assert any("NIS" in label or "Intelligence" in label for label in labels[:1]), labels
    assert any("Yonhap" in label for label in labels[1:]), labels
    shot(page, "05-claim-chain")


def test_the_pages_fit_a_phone_width(live_server, browser, shot) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server)
    page.goto(live_server.url + "/articles/new")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "06-phone-submit")
    context.close()
    assert width <= 390


def test_article_text_full_of_html_and_script_renders_as_text(live_server, page) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_article, make_claim, make_source

    evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned=2"> Officials said 5 boats sank.'
    article = make_article(body=evil, title="<script>window.pwned=3</script>")
    make_claim(
        article=article, text=evil, sources=[make_source(name="<b onmouseover=alert(1)>Agency</b>")]
    )
    for path in ("/", f"/articles/{article.pk}"):
        page.goto(live_server.url + path)
        assert page.evaluate("window.pwned") is None
        assert "<script>window.pwned = 1</script>" in page.content().replace("&lt;", "<").replace(
            "&gt;", ">"
        )


def test_an_analyst_pages_through_the_sources_by_next_and_previous(
    live_server, page, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect  # as tests/conftest.py does: only browser tests need it

    monkeypatch.setattr(views_sources, "SOURCE_PAGE_SIZE", 2)
    for letter in "EDCBA":
        make_source(name=f"Agency {letter}")
    names = page.locator("table.sortable tbody tr td:first-child a")
    page.goto(live_server.url + "/sources?sort=name")
    expect(names).to_have_text(["Agency A", "Agency B"])
    page.get_by_role("link", name="Next", exact=True).click()
    expect(names).to_have_text(["Agency C", "Agency D"])
    page.get_by_role("link", name="Next", exact=True).click()
    expect(names).to_have_text(["Agency E"])
    expect(page.get_by_role("link", name="Next", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Previous", exact=True).click()
    expect(names).to_have_text(["Agency C", "Agency D"])
    assert "sort=name" in page.url

"""Stored hostile articles, claims and source names, rendered by real headless Chromium: no
payload runs, no dialog opens, no request leaves for the attacker's host."""

from __future__ import annotations

import pytest

from articles.processing import claims_extract_for_article
from articles.services import article_submit
from tests.factories import make_article, make_claim, make_source

from . import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _store() -> list[str]:
    """Hostile articles stored through the submission service and extracted; returns paths."""
    paths = ["/", "/sources", "/review", "/feeds/"]
    for i, payload in enumerate(corpus.SCRIPTS):
        result = article_submit(
            body=f"{corpus.LEAD} Officials said {payload} on Tuesday ({i}). {payload}",
            title=payload,
            outlet=payload if i % 3 == 0 else "",
        )
        claims_extract_for_article(article_id=result.article.pk, owner="browser")
        paths.append(f"/articles/{result.article.pk}")
    html = article_submit(body=corpus.HTML_DOCS[0])
    paths.append(f"/articles/{html.article.pk}")
    # A source named with markup, as extraction or an editor might produce one, on a claim.
    article = make_article(
        body=corpus.SCRIPTS[2] + " Officials said 5 boats sank.", title=corpus.SCRIPTS[0]
    )
    for payload in corpus.SCRIPTS[:10]:
        source = make_source(name=f"{payload} Agency"[:300])
        claim = make_claim(article=article, text=f"{payload} said 5 boats sank.", sources=[source])
        paths += [f"/claims/{claim.pk}", f"/sources/{source.pk}"]
    paths += [f"/sources?q={corpus.SCRIPTS[0]}", f"/?q={corpus.SCRIPTS[2]}"]
    return paths


def _visit(browser, base: str, paths: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Load every page in Chromium and report what ran (the session's one Playwright browser:
    the sync API allows one Playwright per thread)."""
    found: dict[str, object] = {"dialogs": [], "evil_requests": [], "pwned": [], "statuses": {}}
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("dialog", lambda d: (found["dialogs"].append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda r: (
            found["evil_requests"].append(r.url)  # type: ignore[attr-defined]
            if "evil" in r.url or r.url.startswith("javascript")
            else None
        ),
    )
    for path in paths:
        response = page.goto(base + path)
        found["statuses"][path] = response.status if response else None  # type: ignore[index]
        page.wait_for_load_state("load")
        # Hover everything, so mouse handlers would fire if any had got into the page.
        page.evaluate(
            "for (const el of document.querySelectorAll('*')) {"
            " el.dispatchEvent(new MouseEvent('mouseover')); }"
        )
        if (
            page.evaluate("window.__pwned") is not None
            or page.evaluate("parent.__pwned") is not None
        ):
            found["pwned"].append(path)  # type: ignore[attr-defined]
    # Control: the same payload, put in the page as markup, does run, so the check can see it.
    page.set_content(corpus.SCRIPTS[2])
    page.wait_for_function("window.__pwned === 1")
    found["control_ran"] = True
    context.close()
    return found


def test_no_stored_payload_runs_in_the_browser(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    paths = _store()
    found = _visit(browser, live_server.url, paths)
    assert found["statuses"] == dict.fromkeys(paths, 200)
    assert found["pwned"] == [] and found["dialogs"] == [] and found["evil_requests"] == []
    assert found["control_ran"]
    print(f"\nbrowser: {len(paths)} pages with stored payloads rendered, none ran")

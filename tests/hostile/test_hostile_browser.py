"""Stored hostile articles, claims and source names, rendered by real headless Chromium: no
payload runs, no dialog opens, no request leaves for the attacker's host."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claims.services import claims_extract_for_article
from sources.services import article_submit
from tests.browser.conftest import CHROMIUM
from tests.factories import make_article, make_claim, make_source

from . import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _store() -> list[str]:
    """Hostile articles stored through the submission service and extracted; returns paths."""
    paths = ["/", "/sources", "/review", "/feeds/"]
    for i, payload in enumerate(corpus.SCRIPTS):
        result = article_submit(body=f"{corpus.LEAD} Officials said {payload} on Tuesday ({i}). {payload}",
                                title=payload, outlet=payload if i % 3 == 0 else "")
        claims_extract_for_article(article_id=result.article.pk, owner="browser")
        paths.append(f"/articles/{result.article.pk}")
    html = article_submit(body=corpus.HTML_DOCS[0])
    paths.append(f"/articles/{html.article.pk}")
    # A source named with markup, as extraction or an editor might produce one, on a claim.
    article = make_article(body=corpus.SCRIPTS[2] + " Officials said 5 boats sank.", title=corpus.SCRIPTS[0])
    for payload in corpus.SCRIPTS[:10]:
        source = make_source(name=f"{payload} Agency"[:300])
        claim = make_claim(article=article, text=f"{payload} said 5 boats sank.", sources=[source])
        paths += [f"/claims/{claim.pk}", f"/sources/{source.pk}"]
    paths += [f"/sources?q={corpus.SCRIPTS[0]}", f"/?q={corpus.SCRIPTS[2]}"]
    return paths


def _visit(base: str, paths: list[str]) -> dict[str, object]:
    """Load every page in Chromium and report what ran. Runs in its own thread, with its own
    Playwright: the browser tests' session-wide Playwright may already own this process's main
    thread, and the sync API allows one per thread."""
    from playwright.sync_api import sync_playwright

    found: dict[str, object] = {"dialogs": [], "evil_requests": [], "pwned": [], "statuses": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        page = browser.new_context().new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", lambda d: (found["dialogs"].append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        page.on("request", lambda r: found["evil_requests"].append(r.url)  # type: ignore[attr-defined]
                if "evil" in r.url or r.url.startswith("javascript") else None)
        for path in paths:
            response = page.goto(base + path)
            found["statuses"][path] = response.status if response else None  # type: ignore[index]
            page.wait_for_load_state("load")
            # Hover everything, so mouse handlers would fire if any had got into the page.
            page.evaluate("for (const el of document.querySelectorAll('*')) {"
                          " el.dispatchEvent(new MouseEvent('mouseover')); }")
            if page.evaluate("window.__pwned") is not None or page.evaluate("parent.__pwned") is not None:
                found["pwned"].append(path)  # type: ignore[attr-defined]
        # Control: the same payload, put in the page as markup, does run, so the check can see it.
        page.set_content(corpus.SCRIPTS[2])
        page.wait_for_function("window.__pwned === 1")
        found["control_ran"] = True
        browser.close()
    return found


def test_no_stored_payload_runs_in_the_browser(live_server) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.")
    paths = _store()
    with ThreadPoolExecutor(1) as pool:
        found = pool.submit(_visit, live_server.url, paths).result(timeout=600)
    assert found["statuses"] == dict.fromkeys(paths, 200)
    assert found["pwned"] == [] and found["dialogs"] == [] and found["evil_requests"] == []
    assert found["control_ran"]
    print(f"\nbrowser: {len(paths)} pages with stored payloads rendered, none ran")

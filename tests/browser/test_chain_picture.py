"""The chain picture on a claim's page, in real headless Chromium: every box is as wide as the
text the browser draws in it, for long names too, at a desktop and at a phone width."""

from __future__ import annotations

import pytest

from tests.factories import make_article, make_claim, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Per box: how far its widest text runs past the box's right edge (negative: inside).
OVERFLOW_JS = """
() => Array.from(document.querySelectorAll('svg.chain-svg g.node')).map(g => {
  const box = g.querySelector('rect').getBBox();
  const right = Math.max(...Array.from(g.querySelectorAll('text')).map(t => {
    const b = t.getBBox(); return b.x + b.width;
  }));
  return right + 8 - (box.x + box.width);
})
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_box_of_the_chain_holds_its_whole_label(live_server, browser, shot, width) -> None:  # type: ignore[no-untyped-def]
    origin = make_source(
        name="National Intelligence Service of the Republic of Korea",
        kind="intelligence",
        reliability="B",
    )
    relay = make_source(name="Yonhap News Agency", kind="agency", reliability="B")
    outlet = make_source(name="Voice of America Korean Service", kind="outlet", reliability="B")
    text = "The NIS said 5,000 North Korean troops arrived in Kursk."
    claim = make_claim(
        article=make_article(outlet=outlet, body=text), text=text, sources=[origin, relay]
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/claims/{claim.pk}")
    page.locator("svg.chain-svg").wait_for()

    overflow = page.evaluate(OVERFLOW_JS)
    assert len(overflow) == 3
    assert max(overflow) <= 0, overflow
    # Drawn at its own size (labels stay readable); a phone scrolls the picture, not the page.
    drawn = page.evaluate("document.querySelector('svg.chain-svg').getBoundingClientRect().width")
    assert drawn == float(page.locator("svg.chain-svg").get_attribute("width"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    labels = page.locator("svg.chain-svg .node-label").all_text_contents()
    assert labels[0].startswith("National Intelligence")
    assert page.locator("svg.chain-svg .node-role").all_text_contents()[2] == "outlet"
    shot(page, f"chain-{width}")
    context.close()

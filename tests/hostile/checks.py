"""What every answer to hostile input must satisfy."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from django.test import Client

from articles.processing import claims_extract_for_article
from articles.store import ExtractOutcome
from claims.models import Claim
from core.access import Role
from sources.models import Article
from tests.editorial.conftest import make_user

MARKER = "__pwned"
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "srcdoc", "background", "poster"}


class _ActiveContent(HTMLParser):
    """Finds markup that would run a payload: a script element or an event handler or
    javascript: URL carrying the marker. Escaped text (`&lt;script&gt;`) is data, not markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script = True
            if any(name == "src" and value and "evil" in value for name, value in attrs):
                self.found.append(f"<script src> {attrs}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARKER in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRS and ("javascript:" in value.lower() or MARKER in value):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "meta") and any(
            MARKER in (v or "") or "javascript:" in (v or "") for _, v in attrs
        ):
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and MARKER in data:
            self.found.append(f"<script>{data[:80]}")


def assert_inert(html: str) -> None:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    assert not parser.found, parser.found


def strict_json(content: bytes) -> object:
    """Parse as a browser would: NaN and Infinity are not JSON."""

    def refuse(name: str) -> object:
        raise AssertionError(f"{name} in a JSON answer")

    return json.loads(content, parse_constant=refuse)


def assert_clear_refusal(response) -> None:  # type: ignore[no-untyped-def]
    """A 4xx in the API's one error shape, with a message a person can act on."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    error = strict_json(response.content)["error"]  # type: ignore[index]
    assert error["code"] and len(error["message"]) > 10, error


def assert_stored_and_safe(article_id: int, *, extract: bool = True) -> None:
    """The stored article, its claims and sources render as inert text on every page and as
    strict JSON in the API; extraction finishes (done or failed) without raising. Pages are
    read as an editor, who sees every form and button (and the review queue) too."""
    client = Client()
    client.force_login(make_user(Role.EDITOR, "hostile-reader"))
    article = Article.objects.get(pk=article_id)
    if extract:
        outcome = claims_extract_for_article(article_id=article_id, owner="hostile")
        assert outcome in (ExtractOutcome.DONE, ExtractOutcome.FAILED)
    pages = [f"/articles/{article_id}", "/", "/sources", "/review"]
    claims = list(Claim.objects.filter(article=article_id).prefetch_related("attributions"))
    pages += [f"/claims/{c.pk}" for c in claims[:5]]
    pages += sorted({f"/sources/{a.source_id}" for c in claims[:5] for a in c.attributions.all()})
    if article.outlet_id:
        pages.append(f"/sources/{article.outlet_id}")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_inert(response.content.decode())
    for url in [
        f"/api/v1/articles/{article_id}",
        "/api/v1/claims",
        "/api/v1/figures",
        "/api/v1/articles",
        "/api/v1/sources",
        "/api/v1/graph",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 400), (
            url,
            response.status_code,
            response.content[:300],
        )
        strict_json(response.content)

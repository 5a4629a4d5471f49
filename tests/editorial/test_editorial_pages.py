from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Figure
from core.access import Role
from sources.models import Source
from tests.editorial.conftest import make_user
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db


def _client(role: Role) -> Client:
    client = Client()
    if role != Role.ANONYMOUS:
        client.force_login(make_user(role))
    return client


def _actions(claim: Claim, source: Source) -> list[tuple[str, dict[str, str]]]:
    figure = claim.figures.get()
    return [
        (
            f"/claims/{claim.pk}/edit",
            {"op": "verification", "status": "disputed", "reason": "r", "version": "1"},
        ),
        (
            f"/claims/{claim.pk}/edit",
            {"op": "chain", "chain": "Yonhap\nReuters", "reason": "r", "version": "1"},
        ),
        (f"/figures/{figure.pk}/review", {"action": "flag", "reason": "r", "version": "1"}),
        (
            f"/sources/{source.pk}/edit",
            {"op": "rate", "reliability": "A", "reason": "r", "version": "1"},
        ),
        (f"/sources/{source.pk}/edit", {"op": "alias", "alias": "The Agency", "reason": "r"}),
    ]


@pytest.mark.parametrize(
    ("role", "allowed", "message"),
    [
        (Role.ANONYMOUS, False, "Sign in as an editor"),
        (Role.ANALYST, False, "Only editors"),
        (Role.EDITOR, True, "Saved"),
        (Role.ADMIN, True, "Saved"),
    ],
)
@pytest.mark.parametrize("index", range(5))
def test_page_actions_are_allowed_to_editors_only_with_a_clear_message(
    role: Role, allowed: bool, message: str, index: int
) -> None:
    source = make_source(name="Agency X", reliability="C")
    claim = make_claim(sources=[source])
    url, data = _actions(claim, source)[index]
    response = _client(role).post(url, data)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(message in t or (allowed and "Figure" in t) for t in texts), texts
    changed = (
        Claim.objects.get(pk=claim.pk).version > 1
        or Source.objects.get(pk=source.pk).version > 1
        or Figure.objects.filter(status="unconfirmed").exists()
    )
    assert changed == allowed


def test_analysts_see_no_edit_buttons_and_editors_do() -> None:
    source = make_source()
    claim = make_claim(sources=[source])
    for role, visible in ((Role.ANONYMOUS, False), (Role.ANALYST, False), (Role.EDITOR, True)):
        client = _client(role)
        for url in (f"/claims/{claim.pk}", f"/sources/{source.pk}"):
            page = client.get(url).content.decode()
            assert ('id="edit"' in page) == visible, (role, url)
        # The queue is for analysts to read too; only its review forms are for editors.
        queue_link = role != Role.ANONYMOUS
        assert ("Review queue" in client.get("/").content.decode()) == queue_link


def test_a_stale_form_shows_the_newer_value() -> None:
    claim = make_claim()
    client = _client(Role.EDITOR)
    data = {"op": "verification", "status": "disputed", "reason": "first", "version": "1"}
    client.post(f"/claims/{claim.pk}/edit", data)
    response = client.post(
        f"/claims/{claim.pk}/edit", {**data, "status": "confirmed", "reason": "second"}
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "changed by someone else" in t and "verification status: disputed" in t for t in texts
    ), texts
    assert Claim.objects.get(pk=claim.pk).verification_status == "disputed"


def test_the_claim_page_shows_its_history_with_before_and_after() -> None:
    claim = make_claim()
    client = _client(Role.EDITOR)
    client.post(
        f"/claims/{claim.pk}/edit",
        {
            "op": "verification",
            "status": "disputed",
            "reason": "The army denied it",
            "version": "1",
        },
    )
    page = client.get(f"/claims/{claim.pk}").content.decode()
    assert "claim.verification" in page and "The army denied it" in page
    assert "<del>unverified</del> → <ins>disputed</ins>" in page


def test_the_review_queue_runs_a_fixed_number_of_queries_whatever_its_length() -> None:
    unnamed = make_source(kind="unnamed", reliability="F")
    make_claim(sources=[unnamed])
    client = _client(Role.EDITOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/review").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(5):
        make_claim(sources=[make_source(kind="unnamed"), make_source(kind="unnamed")], figures=2)
    assert count() == one


def test_a_bad_cursor_on_the_review_queue_shows_the_first_page_with_a_message() -> None:
    make_claim(sources=[make_source(kind="unnamed")])
    response = _client(Role.EDITOR).get("/review", {"cursor": "forged"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer valid" in page and 'class="queue-item"' in page


def test_a_redirect_after_review_never_leaves_the_site() -> None:
    claim = make_claim(sources=[make_source(kind="unnamed")])
    figure = claim.figures.get()
    response = _client(Role.EDITOR).post(
        f"/figures/{figure.pk}/review",
        {"action": "dismiss", "version": "1", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == "/review"


def test_the_edit_panels_appear_once_and_the_page_title_stays_plain() -> None:
    # Regression: the edit panel and history were once injected into the <title> block too.
    source = make_source(name="Agency Y")
    claim = make_claim(sources=[source])
    client = _client(Role.EDITOR)
    claim_page = client.get(f"/claims/{claim.pk}").content.decode()
    assert f"<title>Claim {claim.pk} · Provenance</title>" in claim_page
    assert claim_page.count('id="edit"') == 1 and claim_page.count('id="history-h"') == 1
    source_page = client.get(f"/sources/{source.pk}").content.decode()
    assert "<title>Agency Y · Provenance</title>" in source_page
    assert source_page.count('id="edit"') == 1 and source_page.count('id="history-h"') == 1

"""A reader can never become an editor.

Every route of the URL conf is enumerated (so a new endpoint is covered the day it is added)
and every unsafe method is sent to it by an anonymous visitor and by an analyst, with a valid
body where we know one. The API must answer exactly 401 (with WWW-Authenticate) to the visitor
and 403 to the analyst, before it looks at the body, the If-Match header, the object's
existence or the method (never 400, 404, 405, 428 or 2xx), and the database must not change;
the pages may redirect with a message but must not change anything either. Then: the review
queue, CSRF on session-authenticated writes, tokens, and the admin.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import ClaimLink, LinkKind
from core.access import Role
from feeds.models import Feed, UrlSubmission
from tests.editorial.conftest import make_user
from tests.editorial.test_editorial_api import _world

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
# Writes open to any signed-in user by design: submitting articles (anonymous visitors too when
# ALLOW_ANONYMOUS_SUBMISSIONS is on; off here, as by default) and URLs (feeds/access.py); and
# any signed-in user keeps watchlists of their own (watchlists/): a write touches only theirs.
OPEN_TO_ANALYSTS = {
    ("api/v1/articles", "post"),
    ("api/v1/articles/batch", "post"),
    ("articles/new", "post"),
    ("api/v1/urls", "post"),
    ("feeds/urls/new", "post"),
    ("api/v1/watchlists", "post"),
    ("api/v1/watchlists/<int:watchlist_id>", "patch"),
    ("api/v1/watchlists/<int:watchlist_id>", "delete"),
    ("watchlists/new", "post"),
    ("watchlists/<int:watchlist_id>/delete", "post"),
}


def _routes(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    out = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue  # the admin has its own test below
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


# The catch-all under /api/ (core.api.ApiNotFound) answers 404 to everything; its own test is in
# tests/api/test_error_shape.py.
ROUTES = sorted(r for r in set(_routes()) if not r.startswith("^"))
API_ROUTES = [r for r in ROUTES if r.startswith("api/v1/")]
PAGE_ROUTES = [r for r in ROUTES if not r.startswith("api/v1/")]


def _fill(route: str, ids: dict[str, int]) -> str:
    # A route added after this test was written gets an id that does not exist: its answer
    # may then be a 404, which still writes nothing; add its object to _world_ids().
    return "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), 999_999_999)), route)


def _world_ids() -> tuple[dict[str, int], dict[str, Any]]:
    w = _world()
    feed = Feed.objects.create(url="https://example.org/feed.xml", name="Feed")
    submission = UrlSubmission.objects.create(url="https://example.org/a")
    link = ClaimLink.objects.create(
        from_claim=w["second"], to_claim=w["first"], kind=LinkKind.CORROBORATES, score=0.9
    )
    ids = {
        "link_id": link.pk,
        "article_id": w["article"].pk,
        "claim_id": w["first"].pk,
        "figure_id": w["figure"].pk,
        "source_id": w["ministry"].pk,
        "feed_id": feed.pk,
        "submission_id": submission.pk,
    }
    return ids, w


def _bodies(w: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body for each write we know, so a refusal is about the role, not the input."""
    body = w["article"].body
    return {
        ("api/v1/claims/<int:claim_id>", "patch"): {
            "verification_status": "disputed",
            "reason": "r",
        },
        ("api/v1/claims/<int:claim_id>/chain", "put"): {
            "links": [{"source_id": w["ministry"].pk}],
            "reason": "r",
        },
        ("api/v1/claims/<int:claim_id>/split", "post"): {
            "at": body.index(" on Monday"),
            "reason": "r",
        },
        ("api/v1/claims/<int:claim_id>/merge", "post"): {"other_id": w["second"].pk, "reason": "r"},
        ("api/v1/figures/<int:figure_id>/review", "post"): {"action": "flag", "reason": "r"},
        ("api/v1/sources/<int:source_id>/rating", "post"): {"reliability": "A", "reason": "r"},
        ("api/v1/sources/<int:source_id>", "patch"): {"country": "KR", "reason": "r"},
        ("api/v1/sources/<int:source_id>/aliases", "post"): {"alias": "MND", "reason": "r"},
        ("api/v1/sources/<int:source_id>/merge", "post"): {
            "other_id": w["officials"].pk,
            "reason": "r",
        },
        ("api/v1/feeds", "post"): {"url": "https://example.org/other.xml", "name": "Other"},
        ("api/v1/feeds/<int:feed_id>", "patch"): {"name": "Renamed"},
        ("api/v1/urls", "post"): {"url": "https://example.org/b"},
        ("api/v1/links/<int:link_id>/review", "post"): {"action": "confirm", "reason": "r"},
    }


# Everything a page form of this app may ask for, so a form post is well-formed.
FORM = {
    "op": "rate",
    "reliability": "A",
    "reason": "Access test",
    "evidence": "",
    "version": "1",
    "action": "flag",
    "verification_status": "disputed",
    "url": "https://example.org/c",
    "name": "Feed",
    "alias": "X",
    "kind": "government",
    "country": "KR",
    "other_id": "1",
    "body": "The ministry said 40 people were evacuated.",
    "poll_interval_minutes": "60",
}


def _snapshot() -> str:
    """A digest of every row of every table but the session and admin-log tables."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in ("django_session", "django_admin_log"):
                continue
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            digest.update(f"{table}:{cursor.fetchone()[0]};".encode())
    return digest.hexdigest()


OWN_DATA = ("api/v1/watchlists",)


def _client(role: Role) -> APIClient:
    client = APIClient()
    if role != Role.ANONYMOUS:
        client.force_authenticate(make_user(role, f"reader-{role.name.lower()}"))
    return client


def _cases(routes: list[str]) -> list[Any]:
    return [
        pytest.param(route, method, role, id=f"{role.name.lower()}-{method}-{route}")
        for route in routes
        for method in UNSAFE
        for role in (Role.ANONYMOUS, Role.ANALYST)
        if not (role == Role.ANALYST and (route, method) in OPEN_TO_ANALYSTS)
        # A watchlist is its owner's whatever the role: an analyst's write to another user's is
        # a 404, an unsupported method a 405 (tests/watchlists prove owner-only access).
        and not (role == Role.ANALYST and route.startswith(OWN_DATA))
    ]


def test_the_route_list_covers_the_api() -> None:
    assert len(API_ROUTES) >= 25 and "api/v1/claims/<int:claim_id>/split" in API_ROUTES


@pytest.mark.parametrize(("route", "method", "role"), _cases(API_ROUTES))
def test_a_reader_gets_401_or_403_on_every_unsafe_api_method_and_nothing_changes(
    route: str, method: str, role: Role
) -> None:
    ids, w = _world_ids()
    client = _client(role)
    body = _bodies(w).get((route, method), {})
    before = _snapshot()
    response = getattr(client, method)(_fill(route, ids), body, format="json", HTTP_IF_MATCH='"1"')
    expected = 401 if role == Role.ANONYMOUS else 403
    assert response.status_code == expected, (response.status_code, response.content[:300])
    assert response.json()["error"]["code"] == (
        "not_authenticated" if role == Role.ANONYMOUS else "permission_denied"
    )
    if role == Role.ANONYMOUS:
        assert response["WWW-Authenticate"] == "Token"
    assert _snapshot() == before


@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.ANALYST])
@pytest.mark.parametrize("if_match", [None, '"1"', "garbage"])
@pytest.mark.parametrize("body", [{}, {"verification_status": "nonsense"}])
def test_the_role_is_checked_before_the_body_the_precondition_and_the_object(
    role: Role, if_match: str | None, body: dict[str, Any]
) -> None:
    """The issue's case: an anonymous PATCH of a claim that does not exist, without If-Match,
    answered 428; it must be 401 (403 for an analyst), whatever else is wrong."""
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    response = _client(role).patch("/api/v1/claims/999999999", body, format="json", **headers)
    assert response.status_code == (401 if role == Role.ANONYMOUS else 403), response.content


# ------------------------------------------------------------------------------ review queue


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.ANONYMOUS, 401), (Role.ANALYST, 200), (Role.EDITOR, 200), (Role.ADMIN, 200)],
)
def test_the_review_queue_api_needs_a_role(role: Role, expected: int) -> None:
    response = _client(role).get("/api/v1/review-queue")
    assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["error"]["code"] == "not_authenticated"


def test_the_review_queue_page_sends_an_anonymous_visitor_to_sign_in() -> None:
    response = Client().get("/review")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.EDITOR])
def test_the_review_queue_page_opens_for_analysts_and_editors(role: Role) -> None:
    client = Client()
    client.force_login(make_user(role, f"queue-{role.name.lower()}"))
    assert client.get("/review").status_code == 200


@pytest.mark.parametrize(
    ("route", "method", "role"), [c for c in _cases(PAGE_ROUTES) if c.values[1] in ("post",)]
)
def test_a_reader_posting_to_any_page_changes_nothing(route: str, method: str, role: Role) -> None:
    ids, _ = _world_ids()
    client = Client()
    if role != Role.ANONYMOUS:
        client.force_login(make_user(role, f"reader-{role.name.lower()}"))
    before = _snapshot()
    response = client.post(_fill(route, ids), FORM)
    assert response.status_code < 500
    assert _snapshot() == before, response.status_code


# ------------------------------------------------------------------------------ CSRF, tokens


def _rating_url_and_editor() -> tuple[str, User]:
    ids, _ = _world_ids()
    return f"/api/v1/sources/{ids['source_id']}/rating", make_user(Role.EDITOR, "csrf-editor")


def test_a_session_authenticated_api_write_without_a_csrf_token_is_refused() -> None:
    url, editor = _rating_url_and_editor()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    before = _snapshot()
    response = client.post(
        url, {"reliability": "A", "reason": "r"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert _snapshot() == before


def test_a_session_authenticated_api_write_with_the_csrf_token_goes_through() -> None:
    url, editor = _rating_url_and_editor()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {"reliability": "A", "reason": "r"},
        format="json",
        HTTP_IF_MATCH='"1"',
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content


def test_a_page_form_post_without_a_csrf_token_is_refused() -> None:
    ids, _ = _world_ids()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.EDITOR, "csrf-page-editor"))
    before = _snapshot()
    response = client.post(f"/sources/{ids['source_id']}/edit", {**FORM, "op": "rate"})
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.ANALYST, 403), (Role.EDITOR, 200), (Role.ADMIN, 200)]
)
def test_a_token_carries_its_users_role(role: Role, expected: int) -> None:
    url, _ = _rating_url_and_editor()
    token = Token.objects.create(user=make_user(role, f"token-{role.name.lower()}"))
    response = APIClient().post(
        url,
        {"reliability": "A", "reason": "r"},
        format="json",
        HTTP_IF_MATCH='"1"',
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-token",
        "Token ",
        "Token a b",
        "Bearer whatever",
        "Token " + "x" * 5000,
        "Token '; DROP TABLE authtoken_token; --",
        "Token \xe9\xe8\xff",
        "Basic ZWRpdG9yOmVkaXRvci1kZW1v",
    ],
)
def test_a_bad_token_is_a_401_never_a_write(header: str) -> None:
    url, _ = _rating_url_and_editor()
    before = _snapshot()
    response = APIClient().post(
        url,
        {"reliability": "A", "reason": "r"},
        format="json",
        HTTP_IF_MATCH='"1"',
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 401, response.content
    assert _snapshot() == before


def test_a_token_in_the_query_string_is_ignored() -> None:
    url, editor = _rating_url_and_editor()
    token = Token.objects.create(user=editor)
    response = APIClient().post(
        f"{url}?token={token.key}&auth_token={token.key}",
        {"reliability": "A", "reason": "r"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 401


# ------------------------------------------------------------------------------ admin


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/auth/user/",
        "/admin/sources/source/",
        "/admin/authtoken/tokenproxy/",
        "/admin/auth/user/add/",
    ],
)
@pytest.mark.parametrize("role", [Role.ANONYMOUS, Role.ANALYST, Role.EDITOR])
def test_the_admin_is_for_staff_only(path: str, role: Role) -> None:
    client = Client()
    if role != Role.ANONYMOUS:
        client.force_login(make_user(role, f"admin-{role.name.lower()}"))
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response["Location"], (
        response.status_code
    )
    before = _snapshot()
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "intruder", "password1": "Xx-12345678", "password2": "Xx-12345678"},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert _snapshot() == before and not User.objects.filter(username="intruder").exists()


def test_a_superuser_reaches_the_admin() -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN, "root-admin"))
    assert client.get("/admin/").status_code == 200

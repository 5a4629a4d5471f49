"""The watchlists API: the owner's alone, validated with the claims API's own parser, audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.models import AuditChange, AuditContext
from tests.factories import make_claim
from watchlists.models import Watchlist, WatchlistMatch
from watchlists.services import watchlist_create, watchlists_check

pytestmark = pytest.mark.django_db


def test_a_user_saves_a_view_and_reads_it_back(api: APIClient) -> None:
    response = api.post(
        "/api/v1/watchlists",
        {"name": "Troops", "query": "?search=troops&min_reliability=B&hedged=true&cursor=x"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["query"] == "search=troops&min_reliability=B&hedged=true"
    assert body["feed_url"].endswith(
        f"/watchlists/{body['id']}/feed?token={Watchlist.objects.get().feed_token}"
    )
    assert body["claims_url"].endswith("/api/v1/claims?search=troops&min_reliability=B&hedged=true")
    assert body["webhook_secret"] is None
    assert response["Location"] == body["url"]
    assert api.get(body["url"]).json()["name"] == "Troops"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("min_reliabilty=A", "min_reliabilty"),
        ("min_reliability=Z", "min_reliability"),
        ("hedged=maybe", "hedged"),
        ("published_from=yesterday", "published_from"),
    ],
)
def test_a_query_the_claims_api_would_refuse_is_a_400_naming_the_parameter(
    api: APIClient, query: str, named: str
) -> None:
    response = api.post("/api/v1/watchlists", {"name": "Bad", "query": query}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "query"
    assert named in error["message"]
    assert not Watchlist.objects.exists()


def test_a_webhook_watchlist_shows_its_secret_to_its_owner(api: APIClient) -> None:
    body = api.post(
        "/api/v1/watchlists",
        {"name": "Hooked", "query": "", "webhook_url": "https://hooks.example.org/in"},
        format="json",
    ).json()
    assert body["webhook_secret"] == Watchlist.objects.get().webhook_secret
    assert len(body["webhook_secret"]) >= 40
    response = api.post(
        "/api/v1/watchlists", {"name": "x", "webhook_url": "ftp://example.org/"}, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "webhook_url"


def test_patch_changes_only_what_is_sent_and_delete_removes_it(api: APIClient) -> None:
    url = api.post(
        "/api/v1/watchlists", {"name": "A", "query": "hedged=true"}, format="json"
    ).json()["url"]
    body = api.patch(url, {"name": "B"}, format="json").json()
    assert (body["name"], body["query"]) == ("B", "hedged=true")
    assert api.patch(url, {"query": "nonsense=1"}, format="json").status_code == 400
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_another_users_watchlist_is_a_404_for_every_operation(
    api: APIClient, stranger_api: APIClient
) -> None:
    url = api.post("/api/v1/watchlists", {"name": "Mine", "query": ""}, format="json").json()["url"]
    assert stranger_api.get(url).status_code == 404
    assert stranger_api.get(url + "/matches").status_code == 404
    contexts = AuditContext.objects.count()
    assert stranger_api.patch(url, {"name": "Theirs"}, format="json").status_code == 404
    assert stranger_api.delete(url).status_code == 404
    assert AuditContext.objects.count() == contexts  # a refused write leaves no empty context
    assert stranger_api.get("/api/v1/watchlists").json()["results"] == []
    assert Watchlist.objects.get().name == "Mine"


def test_an_anonymous_client_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    anonymous = APIClient()
    assert anonymous.get("/api/v1/watchlists").status_code in (401, 403)
    assert anonymous.post("/api/v1/watchlists", {"name": "x"}, format="json").status_code in (
        401,
        403,
    )


def test_each_write_is_in_the_audit_trail_without_the_secrets(api: APIClient, owner) -> None:  # type: ignore[no-untyped-def]
    url = api.post(
        "/api/v1/watchlists",
        {"name": "A", "query": "", "webhook_url": "https://hooks.example.org/in"},
        format="json",
    ).json()["url"]
    api.patch(url, {"name": "B"}, format="json")
    api.delete(url)
    changes = list(
        AuditChange.objects.filter(table="watchlists_watchlist")
        .select_related("context")
        .order_by("id")
    )
    assert [(c.op, c.context.action) for c in changes] == [
        ("INSERT", "watchlist.create"),
        ("UPDATE", "watchlist.update"),
        ("DELETE", "watchlist.delete"),
    ]
    assert all(c.context.actor_id == owner.pk for c in changes)
    assert changes[1].changed == ["name"]
    for change in changes:
        for row in (change.before, change.after):
            assert row is None or ("feed_token" not in row and "webhook_secret" not in row)


def test_the_check_updating_its_bookkeeping_leaves_no_audit_rows(owner, sent) -> None:  # type: ignore[no-untyped-def]
    watchlist_create(actor=owner, name="All", query="")
    before = AuditChange.objects.count()
    claim = make_claim()
    watchlists_check(article_ids=[claim.article_id], links=False)
    assert AuditChange.objects.filter(table="watchlists_watchlist").count() == 1  # the create
    assert AuditChange.objects.count() == before


# --- query counts -------------------------------------------------------------------------


def _queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_the_list_costs_the_same_queries_for_one_watchlist_or_many(api: APIClient, owner) -> None:  # type: ignore[no-untyped-def]
    watchlist_create(actor=owner, name="One", query="")
    one = _queries(api, "/api/v1/watchlists")
    for i in range(15):
        watchlist_create(actor=owner, name=f"W{i}", query="hedged=true")
    assert _queries(api, "/api/v1/watchlists") == one
    assert len(api.get("/api/v1/watchlists").json()["results"]) == 16


def test_the_matches_list_costs_the_same_queries_for_one_match_or_many(
    api: APIClient, owner, sent
) -> None:  # type: ignore[no-untyped-def]
    watchlist = watchlist_create(actor=owner, name="All", query="")
    url = f"/api/v1/watchlists/{watchlist.pk}/matches"
    first = make_claim()
    watchlists_check(article_ids=[first.article_id], links=False)
    one = _queries(api, url)
    for _ in range(10):
        watchlists_check(article_ids=[make_claim().article_id], links=False)
    assert _queries(api, url) == one
    rows = api.get(url).json()["results"]
    assert len(rows) == WatchlistMatch.objects.count() == 11
    assert rows[-1]["claim"]["id"] == first.pk and rows[-1]["reason"] == "new_claim"
    assert rows[0]["claim"]["url"].startswith("http://testserver/claims/")


def test_the_schema_documents_the_watchlist_endpoints(api: APIClient) -> None:
    paths = api.get("/api/v1/schema", {"format": "json"}).json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/watchlists"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/watchlists/{watchlist_id}"])
    assert "get" in paths["/api/v1/watchlists/{watchlist_id}/matches"]

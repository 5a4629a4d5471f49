from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from sources.models import Article, ArticleStatus, IdempotencyKey
from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

BODY = "The defence ministry said on Friday that 300 troops had been moved to the border."


def _when(day: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, 12, tzinfo=dt.UTC)


# ------------------------------------------------------------------------------ idempotency


def test_a_retried_submit_with_the_same_idempotency_key_answers_the_first_result(
    api: APIClient,
) -> None:
    first = api.post("/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 202
    assert again.status_code == 202  # without the key a duplicate answers 200
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Article.objects.count() == 1


def test_reusing_an_idempotency_key_for_another_payload_is_refused_with_422(api: APIClient) -> None:
    api.post("/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(
        "/api/v1/articles", {"body": BODY + " Another."}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Article.objects.count() == 1


def test_an_idempotency_key_expires_after_24_hours(api: APIClient) -> None:
    api.post("/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    IdempotencyKey.objects.update(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    response = api.post(
        "/api/v1/articles", {"body": BODY + " New."}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert response.status_code == 202
    assert Article.objects.count() == 2
    assert IdempotencyKey.objects.get().article_id == response.json()["id"]


def test_idempotency_keys_are_scoped_per_user(api: APIClient, django_user_model) -> None:  # type: ignore[no-untyped-def]
    api.post("/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    api.force_authenticate(django_user_model.objects.create(username="ana"))
    response = api.post(
        "/api/v1/articles", {"body": BODY + " Other."}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert response.status_code == 202
    assert IdempotencyKey.objects.count() == 2


def test_a_malformed_idempotency_key_is_refused(api: APIClient) -> None:
    response = api.post(
        "/api/v1/articles", {"body": BODY}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "Idempotency-Key"


# ------------------------------------------------------------------------------ list


@pytest.fixture
def articles() -> dict[str, Article]:
    voa = make_source(name="Voice of America", kind="outlet")
    tass = make_source(name="TASS", kind="state_media")
    return {
        "a": make_article(outlet=voa, published_at=_when(5), title="a"),
        "b": make_article(
            outlet=tass, published_at=_when(7), title="b", status=ArticleStatus.QUEUED
        ),
        "c": make_article(
            outlet=voa, published_at=_when(9), title="c", status=ArticleStatus.FAILED
        ),
        "d": make_article(title="d"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["d", "c", "b", "a"]),
        ("status=queued", ["b"]),
        ("status=done", ["d", "a"]),
        ("outlet=voice%20of%20america", ["c", "a"]),
        ("published_from=2024-11-07", ["c", "b"]),
        ("published_until=2024-11-07", ["b", "a"]),
        ("published_from=2024-11-06T00:00:00Z&published_until=2024-11-08", ["b"]),
    ],
)
def test_articles_list_filters_by_status_outlet_and_published_range(
    api: APIClient, articles: dict[str, Article], query: str, expected: list[str]
) -> None:
    rows = api.get(f"/api/v1/articles?{query}").json()["results"]
    assert [r["title"] for r in rows] == expected


def test_articles_list_filters_by_outlet_id(api: APIClient, articles: dict[str, Article]) -> None:
    rows = api.get(f"/api/v1/articles?outlet={articles['b'].outlet_id}").json()["results"]
    assert [r["title"] for r in rows] == ["b"]


def test_articles_list_pages_through_every_article_once(api: APIClient) -> None:
    for _ in range(7):
        make_article()
    rows = follow_pages(api, "/api/v1/articles?page_size=2")
    assert [r["id"] for r in rows] == sorted((a.pk for a in Article.objects.all()), reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        "status=nope",
        "published_from=yesterday",
        "page_size=0",
        "page_size=500",
        "cursor=not-a-cursor",
        "outlet=99999999999999999999",
    ],
)
def test_articles_list_rejects_bad_parameters_in_the_error_shape(
    api: APIClient, query: str
) -> None:
    response = api.get(f"/api/v1/articles?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] in {"invalid", "invalid_cursor"}
    assert error["message"]


def test_articles_list_runs_the_same_queries_for_one_or_many_articles(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    make_article(outlet=make_source())
    one = queries("/api/v1/articles")
    for _ in range(6):
        make_article(outlet=make_source())
    assert queries("/api/v1/articles") == one


# ------------------------------------------------------------------------------ reextract


@pytest.fixture
def editor_api() -> APIClient:
    from core.access import Role
    from tests.editorial.conftest import client_for

    return client_for(Role.EDITOR)


def test_reextract_is_for_editors(api: APIClient) -> None:
    article = make_article(status="failed")
    assert APIClient().post(f"/api/v1/articles/{article.pk}/reextract").status_code == 401
    assert api.post(f"/api/v1/articles/{article.pk}/reextract").status_code == 403  # an analyst


def test_reextract_queues_a_failed_article_again(editor_api: APIClient) -> None:
    api = editor_api
    article = make_article(status=ArticleStatus.FAILED, attempts=3)
    response = api.post(f"/api/v1/articles/{article.pk}/reextract")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    article.refresh_from_db()
    assert (article.status, article.attempts) == (ArticleStatus.QUEUED, 0)


def test_reextract_of_an_article_being_processed_answers_409(editor_api: APIClient) -> None:
    api = editor_api
    article = make_article(status=ArticleStatus.PROCESSING)
    response = api.post(f"/api/v1/articles/{article.pk}/reextract")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_reextract_of_an_unknown_article_answers_404(editor_api: APIClient) -> None:
    api = editor_api
    response = api.post("/api/v1/articles/987654/reextract")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------ detail


def test_article_detail_runs_the_same_queries_for_one_or_many_claims(
    api: APIClient, queries: Callable[[str], int]
) -> None:
    article = make_article(outlet=make_source())
    make_claim(article=article, sources=[make_source()])
    one = queries(f"/api/v1/articles/{article.pk}")
    for _ in range(6):
        make_claim(article=article, sources=[make_source(), make_source()], figures=3)
    assert queries(f"/api/v1/articles/{article.pk}") == one


def test_article_detail_of_an_id_beyond_bigint_answers_404(api: APIClient) -> None:
    response = api.get("/api/v1/articles/99999999999999999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------ submission


@pytest.mark.parametrize("where", [0, 200, 9_000])
def test_a_body_with_a_lone_surrogate_is_refused_with_its_code_point_and_nothing_is_stored(
    api: APIClient,
    where: int,
) -> None:
    text = ("x" * 10_000)[:where] + "\udc41" + " " + BODY
    # JSON can carry a lone surrogate only escaped (json.dumps writes it as \udc41).
    response = api.post(
        "/api/v1/articles", data=json.dumps({"body": text}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "Surrogate characters are not allowed: U+DC41." in str(response.json())
    assert Article.objects.count() == 0


# ------------------------------------------------------------------------------ batch


def _batch(api: APIClient, articles: list[dict]) -> dict:  # type: ignore[type-arg]
    response = api.post("/api/v1/articles/batch", {"articles": articles}, format="json")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def test_a_batch_stores_each_article_queued_and_answers_each_in_order(api: APIClient) -> None:
    body = _batch(
        api,
        [
            {"body": BODY, "outlet": "Demo Wire", "title": "Troops", "published_at": "2024-11-07"},
            {
                "body": "Officials said 12 ships had docked in Odesa.",
                "url": "https://example.org/ships",
            },
        ],
    )
    assert (body["created"], body["existing"], body["refused"]) == (2, 0, 0)
    first, second = body["results"]
    assert first["status"] == second["status"] == 202
    assert first["article"]["title"] == "Troops" and first["article"]["outlet"] == "Demo Wire"
    assert first["article"]["published_at"] == "2024-11-07T12:00:00Z"
    assert second["article"]["url"] == "https://example.org/ships"
    stored = {a.pk: a for a in Article.objects.all()}
    assert set(stored) == {first["article"]["id"], second["article"]["id"]}
    assert stored[first["article"]["id"]].body == BODY
    assert {a.status for a in stored.values()} == {ArticleStatus.QUEUED}
    # Each answer is what a single submission of the same article answers.
    detail = api.get(f"/api/v1/articles/{first['article']['id']}").json()
    assert {k: detail[k] for k in first["article"]} == first["article"]


def test_a_refused_item_gets_its_error_and_the_others_are_stored(api: APIClient) -> None:
    body = _batch(
        api,
        [
            {"body": BODY},
            {"body": ""},
            {"body": "Officials said 3 ships docked.", "url": "javascript:alert(1)"},
            {"title": "no text"},
            {"body": "text with a NUL \x00 byte"},
            {"body": "Officials said 40 people were evacuated."},
        ],
    )
    assert [r["status"] for r in body["results"]] == [202, 400, 400, 400, 400, 202]
    assert (body["created"], body["existing"], body["refused"]) == (2, 0, 4)
    assert body["results"][1]["error"]["field"] == "body"
    assert body["results"][2]["error"]["field"] == "url"
    assert body["results"][3]["error"]["field"] == body["results"][4]["error"]["field"] == "body"
    assert "article" not in body["results"][1]
    assert Article.objects.count() == 2


def test_a_text_stored_before_or_twice_in_a_batch_answers_the_stored_article(
    api: APIClient,
) -> None:
    first = api.post("/api/v1/articles", {"body": BODY}, format="json").json()
    other = "Officials said 40 people were evacuated from the town."
    body = _batch(api, [{"body": "  " + BODY}, {"body": other}, {"body": other + "\n"}])
    assert [r["status"] for r in body["results"]] == [200, 202, 200]
    assert body["results"][0]["article"]["id"] == first["id"]
    assert body["results"][1]["article"]["id"] == body["results"][2]["article"]["id"]
    assert (body["created"], body["existing"]) == (1, 2)
    assert Article.objects.count() == 2
    # A retried batch stores nothing twice.
    again = _batch(api, [{"body": BODY}, {"body": other}])
    assert [r["status"] for r in again["results"]] == [200, 200]
    assert Article.objects.count() == 2


def test_a_new_outlet_named_by_several_items_is_created_once(api: APIClient) -> None:
    from sources.models import Source

    _batch(
        api,
        [
            {"body": f"{BODY} ({k})", "outlet": name}
            for k, name in enumerate(["Harbour Wire", "harbour wire", "Yonhap", "HARBOUR WIRE"])
        ],
    )
    names = sorted(Source.objects.values_list("name", flat=True))
    assert names[0] == "Harbour Wire" and len(names) == 2
    assert Article.objects.filter(outlet__name="Harbour Wire").count() == 3


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"articles": []}, "at least one"),
        ({"articles": {"body": BODY}}, "at least one"),
        ([{"body": BODY}], "at least one"),
        ({"articles": [{"body": f"{BODY} {k}"} for k in range(4)]}, "at most 3"),
    ],
)
def test_a_malformed_or_oversized_batch_is_refused_whole_and_stores_nothing(
    api: APIClient,
    settings,
    payload: object,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    settings.ARTICLE_BATCH_MAX_ITEMS = 3
    response = api.post("/api/v1/articles/batch", payload, format="json")
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert response.json()["error"]["field"] == "articles"
    assert Article.objects.count() == 0


def test_a_batch_over_the_request_size_limit_answers_413(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = api.post(
        "/api/v1/articles/batch",
        {"articles": [{"body": f"{BODY} {k}"} for k in range(40)]},
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert Article.objects.count() == 0


def test_a_batch_takes_the_same_number_of_queries_for_five_articles_or_fifty(
    api: APIClient,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_source

    make_source(name="Demo Wire", kind="outlet")
    # The client's user object is reused by every request, and it keeps its groups once read
    # (core.access.role_of): read them before counting, so both batches count alike.
    api.post("/api/v1/articles/batch", {"articles": []}, format="json")
    counts = []
    for n in (5, 50):
        items = [
            {"body": f"{BODY} Batch of {n}, item {k}.", "outlet": "Demo Wire"} for k in range(n)
        ]
        with (
            django_capture_on_commit_callbacks() as callbacks,
            CaptureQueriesContext(connection) as ctx,
        ):
            _batch(api, items)
        counts.append(len(ctx.captured_queries))
        assert len(callbacks) == 1  # one enqueue for the whole batch
    assert counts[0] == counts[1]
    assert Article.objects.count() == 55

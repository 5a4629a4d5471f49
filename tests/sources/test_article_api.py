from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sources.models import Article
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

BODY = "The defence ministry said on Friday that 300 troops had been moved to the border."


@pytest.fixture
def api(django_user_model) -> APIClient:  # type: ignore[no-untyped-def]
    # Submitting needs a signed-in user or a token (ALLOW_ANONYMOUS_SUBMISSIONS is off).
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create(username="submitter"))
    return client


def test_submitting_an_article_answers_202_with_its_status_url(api: APIClient) -> None:
    response = api.post(
        "/api/v1/articles",
        {"body": BODY, "title": "Troops", "outlet": "Demo Wire", "published_at": "2024-11-07"},
        format="json",
    )
    assert response.status_code == 202
    article = Article.objects.get()
    assert response.json()["status"] == "queued"
    assert response.json()["status_url"].endswith(f"/api/v1/articles/{article.pk}")
    assert response["Location"] == response.json()["status_url"]
    assert (
        article.published_at is not None and article.published_at.date().isoformat() == "2024-11-07"
    )


def test_resubmitting_the_same_text_answers_200_with_the_first_article(api: APIClient) -> None:
    first = api.post("/api/v1/articles", {"body": BODY}, format="json")
    again = api.post("/api/v1/articles", {"body": BODY}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_an_article_can_be_submitted_as_a_multipart_file(api: APIClient) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.txt", BODY.encode(), content_type="text/plain")
    response = api.post(
        "/api/v1/articles", {"file": upload, "title": "From a file"}, format="multipart"
    )
    assert response.status_code == 202
    assert Article.objects.get().body == BODY


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"body": "   "}, 400, "empty"),
        ({"body": "bad \x00 bytes"}, 400, "invalid"),
        ({"body": "bad \x01\x02 bytes"}, 400, "binary"),
        ({"body": BODY, "url": "ftp://example.org/x"}, 400, "invalid"),
        ({"body": BODY, "published_at": "yesterday-ish"}, 400, "invalid"),
    ],
)
def test_bad_submissions_get_a_clear_error_and_store_nothing(
    api: APIClient, payload: dict, status: int, code: str
) -> None:  # type: ignore[type-arg]
    response = api.post("/api/v1/articles", payload, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert Article.objects.count() == 0


def test_an_oversized_article_is_refused_with_413(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ARTICLE_MAX_BYTES = 500
    response = api.post("/api/v1/articles", {"body": "word " * 200}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_an_unknown_article_answers_404_in_the_error_shape(api: APIClient) -> None:
    response = api.get("/api/v1/articles/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_article_detail_lists_claims_with_their_chain_origin_first(api: APIClient) -> None:
    article = make_article(title="Chain")
    nis, yonhap = make_source(name="National Intelligence Service"), make_source(name="Yonhap")
    make_claim(article=article, sources=[nis, yonhap])
    body = api.get(f"/api/v1/articles/{article.pk}").json()
    assert body["status"] == "done"
    assert [s["name"] for s in body["claims"][0]["sources"]] == [
        "National Intelligence Service",
        "Yonhap",
    ]
    assert body["claims"][0]["figures"][0]["value"] == 100


def test_article_detail_runs_a_fixed_number_of_queries_whatever_the_number_of_claims(
    api: APIClient,
) -> None:
    article = make_article()
    source = make_source()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/api/v1/articles/{article.pk}").status_code == 200
        return len(ctx.captured_queries)

    make_claim(article=article, sources=[source])
    one = count()
    for _ in range(5):
        make_claim(article=article, sources=[source, make_source()], figures=2)
    assert count() == one


@pytest.mark.parametrize("outlet", ["Demo Wire", ""])
def test_every_article_operation_answers_its_status_the_same_way(
    api: APIClient, outlet: str
) -> None:
    payload = {
        "body": BODY,
        "title": "Troops",
        "outlet": outlet,
        "url": "https://example.org/t",
        "published_at": "2024-11-07T09:30:00+02:00",
    }
    created = api.post("/api/v1/articles", payload, format="json").json()
    again = api.post("/api/v1/articles", payload, format="json").json()
    article = Article.objects.get()
    assert created == {
        "id": article.pk,
        "title": "Troops",
        "outlet": outlet or None,
        "url": "https://example.org/t",
        "published_at": "2024-11-07T07:30:00Z",
        "status": article.status,
        "attempts": article.attempts,
        "error": "",
        "extractor_version": article.extractor_version,
        "submitted_at": article.submitted_at.isoformat().replace("+00:00", "Z"),
        "processed_at": None
        if article.processed_at is None
        else article.processed_at.isoformat().replace("+00:00", "Z"),
        "status_url": f"http://testserver/api/v1/articles/{article.pk}",
    }
    assert again == created
    assert api.get("/api/v1/articles").json()["results"] == [created]
    detail = api.get(f"/api/v1/articles/{article.pk}").json()
    assert {k: detail[k] for k in created} == created and list(detail)[-1] == "claims"


def test_submitting_a_new_article_does_not_look_for_a_copy_first(api: APIClient) -> None:
    # The unique index on the content hash finds a copy; a SELECT before every INSERT was a
    # tenth of a submission's CPU.
    api.post("/api/v1/articles", {"body": BODY + " First.", "outlet": "Demo Wire"}, format="json")
    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            "/api/v1/articles", {"body": BODY, "outlet": "Demo Wire"}, format="json"
        )
    assert response.status_code == 202
    assert [
        q["sql"].split()[0] for q in queries.captured_queries if "sources_article" in q["sql"]
    ] == ["INSERT"]

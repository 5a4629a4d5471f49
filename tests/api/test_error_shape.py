"""Every answer under /api/ that is an error has the API's one shape, whoever produced it:
an unknown path, a method a route does not have, the schema and docs views, Django's own
error handlers."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.access import Role
from core.api import handler400, handler403, handler500
from tests.editorial.conftest import make_user

pytestmark = pytest.mark.django_db


def _editor() -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(Role.EDITOR, "shape-editor"))
    return client


def _assert_error_shape(response, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = json.loads(response.content)["error"]
    assert error["code"] == code and error["message"]
    assert set(error) == {"code", "message", "field", "details"}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v2/claims", "/api/", "/api/v1/claims/12/nope"]
)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_an_unknown_path_under_api_answers_404_in_the_error_shape(path: str, method: str) -> None:
    response = getattr(_editor(), method)(path)
    assert response.status_code == 404
    _assert_error_shape(response, "not_found")


def test_an_unknown_path_elsewhere_is_still_the_html_page() -> None:
    response = APIClient().get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/claims"),
        ("put", "/api/v1/articles"),
        ("post", "/api/v1/review-queue"),
        ("post", "/api/v1/schema"),
        ("post", "/api/v1/docs"),
        ("delete", "/api/v1/redoc"),
    ],
)
def test_a_method_a_route_does_not_have_answers_405_in_the_error_shape(
    method: str, path: str
) -> None:
    response = getattr(_editor(), method)(path)
    assert response.status_code == 405
    _assert_error_shape(response, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/schema", "/api/v1/docs", "/api/v1/redoc"])
def test_the_schema_and_docs_views_refuse_an_anonymous_write_in_json(path: str) -> None:
    response = APIClient().post(path)
    assert response.status_code == 401
    _assert_error_shape(response, "not_authenticated")


@pytest.mark.parametrize(
    ("handler", "status", "code"),
    [
        (handler400, 400, "bad_request"),
        (handler403, 403, "permission_denied"),
        (handler500, 500, "server_error"),
    ],
)
def test_djangos_own_error_answers_are_json_under_api_and_pages_elsewhere(
    handler, status: int, code: str
) -> None:  # type: ignore[no-untyped-def]
    factory = RequestFactory()
    args = () if handler is handler500 else (Exception("x"),)
    api = handler(factory.get("/api/v1/claims"), *args)
    assert api.status_code == status
    _assert_error_shape(api, code)
    page = handler(factory.get("/claims/1"), *args)
    assert page.status_code == status
    assert not page["Content-Type"].startswith("application/json")

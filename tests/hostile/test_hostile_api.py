"""Hostile input through the article API: a clear 4xx, or a stored article rendered safely.

Never a 500, never markup that runs. Stored articles are extracted in-process and every page
and API answer that shows them is checked (tests/hostile/checks.py).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.access import Role
from sources.models import Article
from tests.editorial.conftest import make_user

from . import corpus
from .checks import assert_clear_refusal, assert_stored_and_safe

pytestmark = pytest.mark.django_db

# Found by this corpus, outside the files this suite may fix (reported): a number too large
# for a float is extracted as an infinite figure value, and every JSON answer that shows the
# figure fails ("Out of range float values are not JSON compliant"). The fix belongs where
# figures are stored (claims/services.py: keep a value only if math.isfinite) or parsed.
# Bugs found and not yet fixed, by case id (xfail). The two enormous-number cases once stored
# infinite figure values; the extractor no longer takes numbers that large (regression tests now).
KNOWN: dict[str, str] = {}


def _params(rows: list[tuple]) -> list:  # type: ignore[type-arg]
    return [
        pytest.param(
            *row,
            id=row[0],
            marks=[pytest.mark.xfail(reason=KNOWN[row[0]], strict=False)]
            if row[0] in KNOWN
            else [],
        )
        for row in rows
    ]


BODIES = corpus.bodies()
FIELDS = corpus.field_values()
RAW = corpus.raw_requests()
FILES = corpus.files()


def _submitter() -> APIClient:
    """A signed-in client: submitting needs one (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    client = APIClient()
    client.force_authenticate(make_user(Role.ANALYST, "hostile-submitter"))
    return client


def _check(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.content[:500]
    if response.status_code in (200, 202):
        assert_stored_and_safe(response.json()["id"])
    else:
        assert_clear_refusal(response)
        assert not Article.objects.exists()


@pytest.mark.parametrize(("name", "body"), _params(BODIES))
def test_a_hostile_article_body_is_refused_clearly_or_stored_and_rendered_as_text(
    name: str, body: str
) -> None:
    _check(_submitter().post("/api/v1/articles", {"body": body}, format="json"))


@pytest.mark.parametrize(("name", "field", "value"), _params(FIELDS))
def test_a_hostile_title_outlet_url_or_date_is_refused_clearly_or_stored_and_rendered_as_text(
    name: str, field: str, value: object
) -> None:
    payload = {"body": f"{corpus.LEAD} ({name})", field: value}
    _check(_submitter().post("/api/v1/articles", payload, format="json"))


@pytest.mark.parametrize(("name", "content_type", "raw"), _params(RAW))
def test_a_malformed_request_body_gets_a_clear_4xx(
    name: str, content_type: str, raw: bytes
) -> None:
    _check(_submitter().generic("POST", "/api/v1/articles", raw, content_type=content_type))


def test_json_nested_deeper_than_the_parser_can_follow_is_a_400_not_a_500() -> None:
    # Regression: DRF's JSONParser let RecursionError through (core.parsers.BoundedJSONParser).
    response = _submitter().generic(
        "POST", "/api/v1/articles", b"[" * 100_000 + b"]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]


def test_a_request_over_the_upload_limit_is_a_413_in_the_api_error_shape() -> None:
    # Regression: Django's RequestDataTooBig answered with its HTML 400 page.
    response = _submitter().generic(
        "POST",
        "/api/v1/articles",
        b'{"body": "' + b"a" * 2_500_000 + b'"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_the_corpus_has_at_least_200_hostile_inputs() -> None:
    assert len(BODIES) + len(FIELDS) + len(RAW) + len(FILES) >= 200


@pytest.mark.parametrize(("name", "filename", "content"), _params(FILES))
def test_a_hostile_upload_is_refused_clearly_or_stored_and_rendered_as_text(
    name: str, filename: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")
    _check(_submitter().post("/api/v1/articles", {"file": upload}, format="multipart"))

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


@pytest.fixture
def api(django_user_model) -> APIClient:  # type: ignore[no-untyped-def]
    """A signed-in REST client without a role (an analyst): reads as anyone does, and may
    submit articles, which anonymous clients may not (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create(username="api-client"))
    return client


@pytest.fixture
def queries(api: APIClient) -> Callable[[str], int]:
    """How many SQL queries a GET of `url` runs (asserting it answers 200)."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
            assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    return count


def follow_pages(api: APIClient, url: str) -> list[dict]:  # type: ignore[type-arg]
    """Every row of a paginated list, following `next` links to the end."""
    rows: list[dict] = []  # type: ignore[type-arg]
    next_url: str | None = url
    while next_url:
        response = api.get(next_url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        next_url = body["next"]
    return rows

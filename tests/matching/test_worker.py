"""Through a real Celery worker: two wire articles submitted through the API are extracted, and
the matching task that extraction enqueues after its commit links their claims."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from claims.models import ClaimLink
from core.access import Role
from tests.conftest import wait_for
from tests.editorial.conftest import make_user

from .wire import OUTLET_B, YONHAP

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _submitter() -> APIClient:
    """A signed-in client: submitting needs one (ALLOW_ANONYMOUS_SUBMISSIONS is off)."""
    client = APIClient()
    client.force_authenticate(make_user(Role.ANALYST, "worker-submitter"))
    return client


def test_the_worker_links_two_relays_of_one_statement_after_extracting_them(
    celery_worker_process,
) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for title, body in (("Yonhap", YONHAP), ("Outlet B", OUTLET_B)):
        response = _submitter().post(
            "/api/v1/articles",
            {"body": body, "title": title, "published_at": "2024-10-23"},
            format="json",
        )
        assert response.status_code == 202
        ids.append(response.json()["id"])
        # One after the other: the second article's matching must find the first one's claims.
        wait_for(
            lambda: (
                ClaimLink.objects.exists()
                or APIClient().get(f"/api/v1/articles/{ids[-1]}").json()["status"] == "done"
            ),
            timeout=90,
        )
    link = wait_for(
        lambda: ClaimLink.objects.filter(
            from_claim__article_id__in=ids, to_claim__article_id__in=ids
        ).first(),
        timeout=60,
    )
    assert link.kind == "same"
    assert link.from_claim.independent_origins == 1

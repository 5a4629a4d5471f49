from __future__ import annotations

import threading

import pytest
from django.db import connections

from claims.editorial import claim_set_verification
from claims.models import Claim
from core.access import Role
from core.editing import ConflictError
from tests.editorial.conftest import make_user
from tests.factories import make_claim

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_edits_of_one_version_one_wins_and_the_other_gets_a_conflict(
    attempt: int,
) -> None:
    claim = make_claim()
    editors = [make_user(Role.EDITOR, f"ed{attempt}a"), make_user(Role.EDITOR, f"ed{attempt}b")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(user, status: str) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            claim_set_verification(
                actor=user, claim_id=claim.pk, expected_version=1, status=status, reason="race"
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(user, status))
        for user, status in zip(editors, ("disputed", "confirmed"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Claim.objects.get(pk=claim.pk).version == 2

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from sources.models import IdempotencyKey
from sources.tasks import purge_idempotency_keys

pytestmark = pytest.mark.django_db


def test_the_purge_task_deletes_only_expired_idempotency_keys() -> None:
    from tests.factories import make_article

    article = make_article()
    base = {"article": article, "scope": "anonymous", "request_hash": "x" * 64, "status_code": 202}
    old = IdempotencyKey.objects.create(key="old", **base)
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    IdempotencyKey.objects.create(key="fresh", **base)
    assert purge_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_the_purge_runs_on_the_beat_schedule() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "sources.purge_idempotency_keys" in tasks

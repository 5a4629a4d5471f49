"""`manage.py ingest` with no broker (the `make run` default), as a user runs it: a separate
process against the database, extraction and matching in its own in-process worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from claims.models import ClaimLink
from sources.models import Article, ArticleStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RELAY = (
    "North Korea has sent about 3,000 troops to Russia to support its war against Ukraine, "
    "South Korea's National Intelligence Service said on Wednesday, according to {}."
)


def _ingest(database_url: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    env.pop("CELERY_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "ingest", *map(str, paths), "--published", "2024-10-23"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ingest_without_a_broker_extracts_and_matches_before_it_exits(
    test_database_url: str, tmp_path: Path
) -> None:
    for name, relay in [("a.txt", "Yonhap"), ("b.txt", "the Yonhap news agency")]:
        (tmp_path / name).write_text(RELAY.format(relay))
    (tmp_path / "c.txt").write_text("The ministry said 40 boats were seized near the port.")

    done = _ingest(test_database_url, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "3 created, 0 duplicate, 0 failed (3 files)" in done.stdout
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.DONE}
    (link,) = ClaimLink.objects.all()
    assert link.kind == "same"


def test_ingest_exits_1_naming_the_file_it_could_not_read(
    test_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text(RELAY.format("Yonhap"))
    unreadable = tmp_path / "locked.txt"
    unreadable.write_bytes(b"\xff\xfe\x00 not text \x00\x81")

    failed = _ingest(test_database_url, tmp_path)

    assert failed.returncode == 1
    assert "locked.txt" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert Article.objects.get().status == ArticleStatus.DONE

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.services import articles_reconcile
from sources.models import Article, ArticleStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(sent, settings):  # type: ignore[no-untyped-def]
    """The articles the reconciler hands to extraction (one task each, as with batches of one)."""
    settings.EXTRACTION_BATCH_SIZE = 1
    return lambda: [s.args[0] for s in sent if s.name == "claims.extract_article"]


def test_it_reenqueues_articles_left_queued_past_the_grace_period(enqueued, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RECONCILE_QUEUED_AFTER_SECONDS = 60
    old = make_article(
        status=ArticleStatus.QUEUED, enqueued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    fresh = make_article(status=ArticleStatus.QUEUED, enqueued_at=timezone.now())
    make_article(status=ArticleStatus.DONE)
    report = articles_reconcile()
    assert enqueued() == [old.pk]
    assert report.enqueued == 1
    assert fresh.pk not in enqueued()


def test_it_releases_expired_leases_and_reenqueues_those_articles(enqueued, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RECONCILE_QUEUED_AFTER_SECONDS = 0
    stuck = make_article(
        status=ArticleStatus.PROCESSING,
        lease_owner="dead-worker",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    live = make_article(
        status=ArticleStatus.PROCESSING,
        lease_owner="live-worker",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    report = articles_reconcile()
    assert report.requeued == 1
    assert enqueued() == [stuck.pk]
    assert Article.objects.get(pk=live.pk).status == ArticleStatus.PROCESSING


def test_the_reconcile_command_reports_what_it_did(enqueued, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("reconcile")
    assert "articles enqueued" in capsys.readouterr().out

"""SIGKILL the worker in the middle of extracting articles, again and again.

A private worker on the test database and the test broker (a Redis db of our own): each round
submits two large articles (over a second of extraction each), kills the worker at a random moment
(the pool process in even rounds, the whole worker in odd rounds), restarts what died, and lets
the reconciler find what the dead worker left. Every round checks the invariants: every article
ends `done`, with exactly the claims one extraction gives, and nothing else in the tables.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count

from articles.processing import get_extractor
from articles.services import article_submit, articles_reconcile
from claims.models import Attribution, Claim, ClaimDate, Figure
from sources.models import Article, ArticleStatus
from tests.conftest import SEED, broker_forget_queue

from .infra import Worker, app_env, wait_until

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(1500),
]

ROUNDS = int(os.environ.get("FAULTS_KILL_ROUNDS", "20"))
LEASE_SECONDS = 10


def _body(n: int) -> str:
    """A ~24 KB wire story: the seed article eight times, its figures made unique to the round.
    Changing digits keeps every sentence's parse, so every body yields the same claims."""
    seed = SEED.read_text(encoding="utf-8")
    return "\n\n".join(seed.replace("5,000", f"{5000 + n * 20 + i:,}") for i in range(8))


def _check_invariants(article_ids: list[int], expected_claims: int) -> None:
    statuses = Counter(Article.objects.filter(pk__in=article_ids).values_list("status", flat=True))
    assert statuses == {ArticleStatus.DONE: len(article_ids)}, statuses
    per_article = dict(
        Claim.objects.filter(article__in=article_ids)
        .values_list("article")
        .annotate(n=Count("id"))
        .values_list("article", "n")
    )
    assert per_article == {pk: expected_claims for pk in article_ids}, per_article
    # One set: no span stored twice (a second extraction run would duplicate every span).
    duplicated = (
        Claim.objects.filter(article__in=article_ids)
        .values("article", "start", "end")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicated.exists()
    # No orphans: nothing hangs off an article that is not done, or off no claim at all.
    assert not Claim.objects.exclude(article__status=ArticleStatus.DONE).exists()
    assert not Attribution.objects.filter(claim__isnull=True).exists()
    assert not Figure.objects.filter(claim__isnull=True).exists()
    assert not ClaimDate.objects.filter(claim__isnull=True).exists()
    assert not Article.objects.exclude(lease_owner="").exists()


def test_killing_the_worker_mid_extraction_loses_and_duplicates_nothing(
    test_database_url: str, broker_url: str, logs: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.RECONCILE_QUEUED_AFTER_SECONDS = 0
    broker_forget_queue(broker_url)  # this run's queue only: the Redis db is shared
    expected = len(get_extractor().extract(_body(0), published=None, outlet=None).claims)
    assert expected == len(get_extractor().extract(_body(7), published=None, outlet=None).claims)
    assert expected > 30

    # Matching (claims.match_articles, enqueued by the worker after each extraction) is not under
    # test here and takes seconds per article on these near-identical stories: the worker routes
    # it to a queue nobody consumes, so every round measures extraction alone.
    env = app_env(
        database_url=test_database_url,
        broker_url=broker_url,
        EXTRACTION_LEASE_SECONDS=str(LEASE_SECONDS),
        RECONCILE_QUEUED_AFTER_SECONDS="0",
        FAULTS_CELERY_CONF=json.dumps(
            {"task_routes": {"claims.match_articles": {"queue": "faults-parked"}}}
        ),
    )
    worker = Worker(env=env, log=logs / "kill-worker.log", name="kill")
    worker.start()
    rng = random.Random(int(os.environ.get("FAULTS_SEED", "10")))
    all_ids: list[int] = []
    kills = Counter()
    try:
        for n in range(ROUNDS):
            ids = [
                article_submit(body=_body(2 * n + k + 1), title=f"round {n}.{k}").article.pk
                for k in range(2)
            ]
            all_ids += ids
            # Wait until the worker has started on this round, then kill it at a random moment
            # within the few seconds the two extractions take.
            wait_until(
                lambda ids=ids: Article.objects.filter(
                    pk__in=ids, status=ArticleStatus.PROCESSING
                ).exists(),
                timeout=60,
                interval=0.05,
                what="extraction started",
            )
            time.sleep(rng.uniform(0.05, 2.5))
            if n % 2 == 0:
                worker.kill_child()
                kills["pool process"] += 1
            else:
                worker.kill_all()
                kills["whole worker"] += 1
                worker.start()

            def settled(ids: list[int] = ids) -> bool:
                # The reconciler (Celery beat in production) runs until the round is done: it
                # takes back leases the dead worker held and re-enqueues queued articles.
                articles_reconcile()
                return (
                    not Article.objects.filter(pk__in=ids)
                    .exclude(status=ArticleStatus.DONE)
                    .exists()
                )

            wait_until(
                settled, timeout=LEASE_SECONDS * 6 + 60, interval=1.0, what=f"round {n} done"
            )
            _check_invariants(all_ids, expected)
        # The stale deliveries of killed tasks may still arrive; none may change anything.
        before = set(Claim.objects.values_list("pk", flat=True))
        time.sleep(3)
        assert set(Claim.objects.values_list("pk", flat=True)) == before
        _check_invariants(all_ids, expected)
    finally:
        worker.stop()
    assert kills["pool process"] + kills["whole worker"] == ROUNDS
    print(
        f"\nkill rounds: {ROUNDS} ({dict(kills)}), articles: {len(all_ids)}, claims each: {expected}, "
        f"worker starts: {worker.starts}"
    )

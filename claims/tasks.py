"""Celery tasks of claims: matching. Thin: ids in, call one service."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from claims.links import claims_match_article
from core import queue

logger = logging.getLogger(__name__)


_MATCHING_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="claims.match_articles", **_MATCHING_TASK_OPTIONS)
def match_articles(
    article_ids: list[int], also_recompute: dict[str, list[int]] | None = None
) -> dict[str, int]:
    """Match each article, one after the other, as `claims.match_article` does one: what a
    batch of extraction enqueues (one message instead of one per article: publishing a task
    cost ~0.35 ms of the worker's CPU, bench/README.md). `also_recompute` maps str(article id)
    to the claims whose origin counts that article's re-extraction changed."""
    # Idempotent by construction, so a redelivery or a retry after a database error rematches
    # the articles already done harmlessly. One article failing does not keep the others from
    # being matched; the task still fails (and a database error retries it) at the end.
    recompute = also_recompute or {}
    totals = dict.fromkeys(("articles", "claims", "candidates", "created", "updated", "removed"), 0)
    failure: Exception | None = None
    for article_id in article_ids:
        try:
            report = claims_match_article(
                article_id=article_id, also_recompute=recompute.get(str(article_id), ())
            )
        except Exception as exc:
            logger.exception("Matching article %s failed", article_id)
            failure = failure or exc
            continue
        totals["articles"] += 1
        for name in ("claims", "candidates", "created", "updated", "removed"):
            totals[name] += getattr(report, name)
    # Watchlists alert on the new `contradicts` links (and re-check the claims, whose origin
    # counts matching has just recomputed) in a task of their own (watchlists.services).
    queue.send("watchlists.check", kwargs={"article_ids": list(article_ids), "links": True})
    if failure is not None:
        raise failure
    return totals


# The one-article task: extraction enqueues `claims.match_articles` now; this one stays
# registered for messages already queued when a worker is upgraded.
@shared_task(name="claims.match_article", **_MATCHING_TASK_OPTIONS)
def match_article(article_id: int, also_recompute: list[int] | None = None) -> dict[str, int]:
    report = claims_match_article(article_id=article_id, also_recompute=also_recompute or ())
    queue.send("watchlists.check", kwargs={"article_ids": [article_id], "links": True})
    return {
        "claims": report.claims,
        "candidates": report.candidates,
        "created": report.created,
        "updated": report.updated,
        "removed": report.removed,
    }

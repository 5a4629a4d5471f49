"""Which task takes an article next: the extraction and matching policy, sent through core.queue.

Every door calls these after its transaction commits. They name tasks, never import them.
"""

from __future__ import annotations

from django.conf import settings

from core import queue

EXTRACT_ARTICLE = "claims.extract_article"
EXTRACT_ARTICLES = "claims.extract_articles"
MATCH_ARTICLES = "claims.match_articles"
WATCHLISTS_CHECK = "watchlists.check"

# Batched extraction (EXTRACTION_BATCH_SIZE > 1): at most one `claims.extract_articles` task
# waits in the queue at a time. A worker fills its batch from the database (every committed
# `queued` article), so a submission that finds a task already waiting needs no task of its
# own; one task per submission would leave EXTRACTION_BATCH_SIZE - 1 no-op tasks per batch.
BATCH_WAITING = "extract-batch"


def extraction_enqueue(*, article_ids: list[int]) -> bool:
    """Hand these articles to the workers: one batch task for all of them when extraction is
    batched (the task takes the first and fills its batch with the oldest queued articles,
    these unless older ones wait), else a task each. False when the broker could not be reached
    (the reconciler re-enqueues what stays queued)."""
    # With no broker one thread runs the tasks in order: an article a task each, as submitted.
    if settings.EXTRACTION_BATCH_SIZE > 1 and not queue.in_process():
        return extraction_batch_enqueue(article_ids=article_ids[:1])
    return all([queue.send(EXTRACT_ARTICLE, args=[pk]) for pk in article_ids])


def extraction_batch_enqueue(*, article_ids: list[int]) -> bool:
    """Make sure a batch task will take these articles (and any other queued ones): send
    `claims.extract_articles` unless one is already waiting. False if the broker is down."""
    return queue.send(EXTRACT_ARTICLES, args=[article_ids], once=BATCH_WAITING)


def extraction_batch_started() -> None:
    """A batch task is about to fill its batch: the next submission must send a new one."""
    queue.release(BATCH_WAITING)


def matching_enqueue(*, articles: dict[int, list[int]]) -> bool:
    """Hand extracted articles to the matcher (`claims.match_articles`), as one task: the
    articles' ids, each with the claims whose origin counts its re-extraction changed.
    Returns False when the broker could not be reached.

    Losing it costs links, not data: the claims are committed, and re-running the matcher (or
    re-extracting the article) proposes them again.
    """
    if not articles:
        return True
    recompute = {str(pk): list(claims) for pk, claims in articles.items() if claims}
    # MATCHING_QUEUE: matching on workers of its own, so its backlog never delays extraction.
    return queue.send(
        MATCH_ARTICLES,
        args=[list(articles)],
        kwargs={"also_recompute": recompute},
        queue=settings.MATCHING_QUEUE or None,
    )


def watchlists_enqueue(*, article_ids: list[int]) -> bool:
    """Check the articles' new claims against the watchlists (`watchlists.check`); matching
    sends the check again with their links. False when the broker could not be reached (the
    alerts of these claims come from that second check, or not at all)."""
    if not article_ids:
        return True
    return queue.send(WATCHLISTS_CHECK, kwargs={"article_ids": list(article_ids), "links": False})

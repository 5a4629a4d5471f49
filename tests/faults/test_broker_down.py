"""Redis stops while 50 articles are submitted: every one is accepted, stored and, once Redis is
back, processed, because PostgreSQL, not Redis, says what is left to do."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .infra import PrivatePostgres, PrivateRedis, Server, Worker, app_env, http, manage, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

ARTICLES = 50


def _submit(base: str, n: int) -> tuple[int, object]:
    body = (
        f"The port authority said on Tuesday that {n + 3} ships left the harbour at dawn. "
        f"Officials said {n * 10 + 40} containers were inspected (dispatch {n})."
    )
    return http(
        "POST", f"{base}/api/v1/articles", body={"body": body, "outlet": "Fault Wire"}, timeout=60
    )


def test_articles_submitted_while_redis_is_down_are_all_accepted_and_processed_once_it_is_back(
    private_pg: PrivatePostgres, private_db: str, private_redis: PrivateRedis, logs: Path
) -> None:
    env = app_env(
        database_url=private_pg.url(private_db),
        broker_url=private_redis.url(),
        RECONCILE_QUEUED_AFTER_SECONDS="0",
    )
    server = Server(env=env, log=logs / "broker-down-gunicorn.log", workers=2, threads=4)
    worker = Worker(env=env, log=logs / "broker-down-worker.log", name="brokerdown")
    server.start()
    worker.start()
    try:
        private_redis.stop()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda n: _submit(server.base, n), range(ARTICLES)))
        assert [status for status, _ in answers] == [202] * ARTICLES, answers[:3]
        ids = sorted(body["id"] for _, body in answers)  # type: ignore[index]
        assert len(set(ids)) == ARTICLES
        stored = private_pg.execute(
            f"SELECT status, count(*) FROM sources_article WHERE id IN ({','.join(map(str, ids))}) GROUP BY 1",
            private_db,
        )
        assert stored == [("queued", ARTICLES)]

        private_redis.start()  # same port, empty: every task published before the outage is gone

        def all_done() -> bool:
            # What Celery beat does every minute in production.
            manage("reconcile", env=env, timeout=120)
            return (
                private_pg.execute(
                    "SELECT count(*) FROM sources_article WHERE status = 'done'", private_db
                )[0][0]
                == ARTICLES
            )

        wait_until(all_done, timeout=400, interval=3, what="all 50 articles done")
        assert worker.alive(), "the worker survived the outage without a restart"
        assert (
            private_pg.execute("SELECT count(DISTINCT article_id) FROM claims_claim", private_db)[
                0
            ][0]
            == ARTICLES
        )
    finally:
        worker.stop()
        server.stop()
    print(
        f"\nbroker down: {ARTICLES} submitted, {ARTICLES} answered 202, {ARTICLES} stored, "
        f"{ARTICLES} done after Redis returned"
    )

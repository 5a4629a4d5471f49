"""A task that outlives the broker's visibility timeout is not run twice in parallel.

Redis redelivers a message that was not acknowledged within `visibility_timeout`; with
`acks_late` an extraction longer than that is delivered to a second worker while the first still
runs it. Production avoids it by configuration (provenance/settings.py: the timeout is three
times the task's hard time limit, so the first run is dead before the message comes back); the
database lease in articles/processing.py is the second guard. Here a private Redis gets a visibility
timeout of one second, two workers share the queue, and one article takes several seconds.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from .infra import PrivatePostgres, PrivateRedis, Worker, app_env, manage, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

SUBMIT = """
from pathlib import Path
from articles.services import article_submit
seed = Path("demo/seed.txt").read_text()
body = "\\n\\n".join(seed.replace("5,000", f"{9000 + i:,}") for i in range(40))
print("ARTICLE", article_submit(body=body, title="slow").article.pk)
"""
TINY = {
    "broker_transport_options": {
        "visibility_timeout": 1,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
    "task_routes": {"claims.match_articles": {"queue": "faults-parked"}},
}


def _outcomes(logs: list[Path]) -> list[str]:
    """Outcomes of every extraction run, single (`'done'`) or batched (`{'7': 'done'}`)."""
    text = "".join(log.read_text(errors="replace") for log in logs)
    out: list[str] = []
    for result in re.findall(
        r"Task claims\.extract_articles?\[[^\]]+\] succeeded in [\d.]+s: (.+)", text
    ):
        value = ast.literal_eval(result.strip())
        out += list(value.values()) if isinstance(value, dict) else [value]
    return out


@pytest.mark.parametrize("batch", [1, 4], ids=["one-article-tasks", "batched-tasks"])
def test_a_redelivered_extraction_does_not_run_while_the_first_run_holds_the_lease(
    private_pg: PrivatePostgres,
    private_db: str,
    private_redis: PrivateRedis,
    logs: Path,
    batch: int,
) -> None:
    env = app_env(
        database_url=private_pg.url(private_db),
        broker_url=private_redis.url(),
        FAULTS_CELERY_CONF=json.dumps(TINY),
        EXTRACTION_BATCH_SIZE=str(batch),
    )
    paths = [logs / f"visibility-worker-{batch}-{k}.log" for k in range(2)]
    for path in paths:
        path.unlink(missing_ok=True)
    workers = [Worker(env=env, log=path, name=f"vis{k}") for k, path in enumerate(paths)]
    for worker in workers:
        worker.start()
    try:
        article_id = int(manage("shell", "-c", SUBMIT, env=env).split("ARTICLE")[-1])
        wait_until(
            lambda: (
                private_pg.execute(
                    f"SELECT status FROM sources_article WHERE id = {article_id}", private_db
                )[0][0]
                == "done"
            ),
            timeout=300,
            interval=0.5,
            what="article done",
        )
        # Let every redelivery of the message reach a worker and finish.
        wait_until(lambda: len(_outcomes(paths)) >= 2, timeout=60, what="the redelivery ran")
        [(attempts, claims, spans)] = private_pg.execute(
            "SELECT a.attempts, count(c.id), count(DISTINCT (c.start, c.end)) FROM sources_article a "
            f"JOIN claims_claim c ON c.article_id = a.id WHERE a.id = {article_id} GROUP BY a.id",
            private_db,
        )
    finally:
        for worker in workers:
            worker.stop()
    outcomes = _outcomes(paths)
    print(
        f"\nvisibility timeout 1 s, batch {batch}: {len(outcomes)} deliveries of one task, outcomes {outcomes}, "
        f"attempts {attempts}, claims {claims}"
    )
    # The message was delivered more than once, and exactly one delivery stored claims.
    assert len(outcomes) >= 2
    assert outcomes.count("done") == 1
    assert claims == spans > 0
    # The lease keeps every other delivery out: skipped, the extractor not run again.
    # Regression: a redelivered message keeps its task id, and the lease once belonged to the
    # task id, so the copy re-took it and ran in parallel (its write refused as 'lost_lease').
    # Lease tokens are now unique to each run of a task (claims.tasks._lease_owner).
    assert set(outcomes) == {"done", "skipped"}, outcomes
    assert attempts == 1

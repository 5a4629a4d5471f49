"""PostgreSQL restarts under a load of submissions and editor writes.

Every write a client saw acknowledged (2xx) must be in the database afterwards; writes during
the outage may fail, but with a clear 5xx/503 and not half-done. The same gunicorn and Celery
processes serve and work again without being restarted (CONN_HEALTH_CHECKS drops the dead
connections; the task retries on OperationalError).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from .infra import PrivatePostgres, PrivateRedis, Server, Worker, app_env, http, manage, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

SETUP = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from sources.models import Source
user = User.objects.create_user("fault-editor", password="fault-editor-pw-123")
user.groups.add(Group.objects.get_or_create(name="editor")[0])
source = Source.objects.create(name="Fault Ministry", kind="government", reliability="C")
print("SETUP", Token.objects.create(user=user).key, source.pk)
"""
RESTARTS = 3


def test_no_acknowledged_write_is_lost_when_postgresql_restarts_under_load(
    private_pg: PrivatePostgres, private_db: str, private_redis: PrivateRedis, logs: Path
) -> None:
    env = app_env(
        database_url=private_pg.url(private_db),
        broker_url=private_redis.url(),
        RECONCILE_QUEUED_AFTER_SECONDS="0",
        EXTRACTION_LEASE_SECONDS="10",
    )
    token, source_id = manage("shell", "-c", SETUP, env=env).split("SETUP")[-1].split()
    auth = {"Authorization": f"Token {token}"}
    server = Server(env=env, log=logs / "db-restart-gunicorn.log", workers=2, threads=4)
    worker = Worker(env=env, log=logs / "db-restart-worker.log", name="dbrestart")
    server.start()
    worker.start()
    server_pid, worker_pid = server.proc.pid, worker.pid  # type: ignore[union-attr]

    acked_articles: dict[int, str] = {}
    acked_aliases: set[str] = set()
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def submitter(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            text = f"The ministry said on Monday that {k * 100000 + n} people were evacuated (item {k}-{n})."
            status, body = http(
                "POST", f"{server.base}/api/v1/articles", body={"body": text}, timeout=20
            )
            with lock:
                statuses[f"article {status}"] += 1
                if status in (200, 202):
                    acked_articles[body["id"]] = text  # type: ignore[index]

    def editor(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            alias = f"FM-{k}-{n}"
            status, _ = http(
                "POST",
                f"{server.base}/api/v1/sources/{source_id}/aliases",
                body={"alias": alias, "reason": "fault test"},
                headers=auth,
                timeout=20,
            )
            with lock:
                statuses[f"alias {status}"] += 1
                if 200 <= status < 300:
                    acked_aliases.add(alias)

    threads = [threading.Thread(target=submitter, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=editor, args=(k,)) for k in range(2)]
    try:
        for t in threads:
            t.start()
        for _ in range(RESTARTS):
            time.sleep(3)
            private_pg.stop("fast")
            time.sleep(2)
            private_pg.start()
        time.sleep(5)  # keep writing after the last restart: the app must answer again
        stop.set()
        for t in threads:
            t.join(60)

        with lock:
            acked_after = len(acked_articles)
        # The live server answers without a restart of its own.
        assert http("GET", f"{server.base}/healthz")[0] == 200
        status, _ = http(
            "POST",
            f"{server.base}/api/v1/articles",
            body={"body": "Officials said 12 ferries resumed service after the outage."},
        )
        assert status == 202
        assert server.proc.pid == server_pid and server.proc.poll() is None  # type: ignore[union-attr]

        stored = dict(
            private_pg.execute(
                f"SELECT id, body FROM sources_article WHERE id IN ({','.join(map(str, acked_articles))})",
                private_db,
            )
        )
        assert {pk: stored.get(pk) for pk in acked_articles} == acked_articles
        aliases = {
            row[0]
            for row in private_pg.execute(
                f"SELECT alias FROM sources_sourcealias WHERE source_id = {int(source_id)}",
                private_db,
            )
        }
        assert acked_aliases <= aliases
        # Every alias acknowledged has its audit record: the write and its trail are one transaction.
        audited = private_pg.execute(
            "SELECT count(*) FROM audit_auditcontext WHERE action LIKE '%alias%'", private_db
        )[0][0]
        assert audited >= len(acked_aliases)

        def all_done() -> bool:
            manage("reconcile", env=env, timeout=120)
            left = private_pg.execute(
                "SELECT count(*) FROM sources_article WHERE status <> 'done'", private_db
            )[0][0]
            return left == 0

        wait_until(all_done, timeout=400, interval=5, what="every article done after the restarts")
        assert worker.alive() and worker.pid == worker_pid, "the worker recovered without a restart"
    finally:
        stop.set()
        worker.stop()
        server.stop()
    assert acked_after > 20 and len(acked_aliases) > 10, statuses
    unexpected = {
        k: v
        for k, v in statuses.items()
        if not k.endswith((" 200", " 201", " 202", " 500", " 503", " 0"))
    }
    assert not unexpected, statuses
    print(
        f"\ndb restart x{RESTARTS}: {len(acked_articles)} articles and {len(acked_aliases)} aliases "
        f"acknowledged, all stored; answers {dict(statuses)}"
    )

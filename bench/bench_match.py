"""Throughput of cross-article matching (`claims.links.claims_match_article`): milliseconds per
new article against 100k and 1M stored claims.

    .venv/bin/python bench/bench_match.py [--sizes 100000 1000000] [--articles 30]
        [--database-url postgres://postgres@127.0.0.1:5432/matchbench] [--out bench/results/match.json]

Each size has its own database (`<url>_<size>`, created and migrated if missing), filled by
`manage.py generate_synthetic` (about 10 claims per article, dates over five years). Then
articles picked at random are matched as if they had just been extracted: each run is rolled back, so every article is
measured against the same stored claims and the database is left as it was. Reported: median
and p95 of the whole service call, of the candidate query alone, and the claims and candidates
per article. The synthetic claims come from a few templates, so they resemble each other far
more than real claims do: the trigram index has more to recheck here than it would in production.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Rollback(Exception):
    pass


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
    import django

    django.setup()


def _ensure_database(database_url: str) -> None:
    import psycopg2

    base, name = database_url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "bench.support.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def _fill(database_url: str, size: int) -> int:
    from claims.models import Claim

    have = Claim.objects.count()
    if have < size:
        missing = size - have
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "bench.support.settings",
        }
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "generate_synthetic",
                "--claims",
                str(missing),
                "--articles",
                str(max(1, missing // 10)),
                "--sources",
                str(max(50, missing // 100)),
                "--no-progress",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"generated {missing} claims in {time.monotonic() - started:.0f}s", flush=True)
    # The generator writes claims without the day copied from their article (extraction sets it).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim c SET published_on = (a.published_at AT TIME ZONE 'UTC')::date "
            "FROM sources_article a WHERE a.id = c.article_id AND c.published_on IS NULL "
            "AND a.published_at IS NOT NULL"
        )
        if cursor.rowcount:
            cursor.execute("VACUUM ANALYZE claims_claim")
    return Claim.objects.count()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(n_articles: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from claims.links import claims_match_article
    from claims.matching import CANDIDATES_SQL, candidate_params

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id FROM sources_article a WHERE a.status = 'done' AND a.published_at IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM claims_claim c WHERE c.article_id = a.id) "
            "ORDER BY md5(a.id::text) LIMIT %s",
            [n_articles + 2],
        )
        ids = [row[0] for row in cursor.fetchall()]
    totals, candidate_ms, claims, candidates = [], [], [], []
    for i, article_id in enumerate(ids):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(CANDIDATES_SQL, candidate_params(article_id=article_id))
                    cursor.fetchall()
                    query_ms = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                report = claims_match_article(article_id=article_id)
                total_ms = (time.perf_counter() - started) * 1000
                raise _Rollback
        except _Rollback:
            pass
        if i < 2:
            continue  # warm-up: the first runs read the index from disk
        totals.append(total_ms)
        candidate_ms.append(query_ms)
        claims.append(report.claims)
        candidates.append(report.candidates)
    return {
        "articles": len(totals),
        "ms_per_article": {
            "median": round(statistics.median(totals), 1),
            "p95": round(_percentile(totals, 0.95), 1),
            "max": round(max(totals), 1),
        },
        "candidate_query_ms": {
            "median": round(statistics.median(candidate_ms), 1),
            "p95": round(_percentile(candidate_ms, 0.95), 1),
        },
        "claims_per_article": round(statistics.mean(claims), 1),
        "candidates_per_article": round(statistics.mean(candidates), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/matchbench",
        help="Each size gets its own database: this URL with _<size> appended.",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "match.json"))
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:  # a child run: one size, one database, one Django setup
        _ensure_database(args.database_url)
        _setup(args.database_url)
        stored = _fill(args.database_url, args.sizes[0])
        print(json.dumps({"stored_claims": stored, **measure(args.articles)}), flush=True)
        return
    results = []
    for size in sorted(args.sizes):
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                "--sizes",
                str(size),
                "--articles",
                str(args.articles),
                "--database-url",
                f"{args.database_url}_{size}",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps(result), flush=True)
        results.append(result)
    Path(args.out).write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

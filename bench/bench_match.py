"""Throughput and recall of cross-article matching (`claims.links.claims_match_article`):
milliseconds per new article against 100k and 1M stored claims.

    .venv/bin/python bench/bench_match.py [--sizes 100000 1000000] [--articles 60]
        [--text news|templates] [--database-url postgres://postgres@127.0.0.1:5432/matchbench]
        [--out bench/results/match.json]

Each size has its own database (`<url>_<size>`; `<url>_templates_<size>` for the template
text), created and migrated if missing, filled by `manage.py generate_synthetic` (about 10
claims per article, dates over five years, 1 source per 100 claims).

`--text news` (the default): news-like claims (bench/support/news.py: thousands of people,
places and organisations, Zipf-distributed words), 5% of the articles being follow-ups that
restate 2-5 claims of an article published up to three days before, in other words. The
articles measured are follow-ups, so besides the time the run reports the share of planted
pairs (restating claim, restated claim) that the candidate query returns (candidate recall)
and that become links (link recall). `--text templates`: the older six-sentence text, random
articles, no recall.

Each article is matched as if it had just been extracted, then rolled back, so every article
is measured against the same stored claims and the database is left as it was. Reported per
size: median and p95 of the whole service call, of the candidate query alone, claims and
candidates per article, recall; across sizes, the ratio of each size's median to the
smallest's, and for sizes up to 10M that were not measured, a power law through the two
largest sizes measured (labelled extrapolated).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.database import database_ready, synthetic_add  # noqa: E402  (after the path is set)


class _Rollback(Exception):
    pass


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
    import django

    django.setup()


def _fill(database_url: str, size: int, text: str) -> int:
    from bench.support.synthetic import EXTRACTOR_VERSION, NEWS_EXTRACTOR_VERSION
    from claims.models import Claim

    version = NEWS_EXTRACTOR_VERSION if text == "news" else EXTRACTOR_VERSION
    other = Claim.objects.exclude(extractor_version=version).values_list(
        "extractor_version", flat=True
    )
    if other.exists():
        raise SystemExit(
            f"{database_url} holds claims of another kind ({other.first()!r}, not {version!r}): "
            "drop that database (or pass another --database-url) and run again."
        )
    have = Claim.objects.count()
    if have < size:
        synthetic_add(database_url, size - have, text=text)
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


ARTICLES_SQL = """
SELECT a.id FROM sources_article a
 WHERE a.status = 'done' AND a.published_at IS NOT NULL
   AND EXISTS (SELECT 1 FROM claims_claim c WHERE c.article_id = a.id)
 ORDER BY md5(a.id::text) LIMIT %s
"""
# The news text's follow-ups: the articles holding planted pairs.
FOLLOW_UPS_SQL = """
SELECT a.id FROM sources_article a
 WHERE a.status = 'done' AND a.published_at IS NOT NULL
   AND EXISTS (SELECT 1 FROM bench_planted_pair p JOIN claims_claim c ON c.id = p.new_claim_id
                WHERE c.article_id = a.id)
 ORDER BY md5(a.id::text) LIMIT %s
"""


def _backend_cpu_s(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend on this machine: /proc's schedstat (nanoseconds on
    the CPU) where the kernel has it, else stat's user + system time (10 ms ticks)."""
    schedstat = Path(f"/proc/{pid}/schedstat")
    if schedstat.exists():
        return int(schedstat.read_text().split()[0]) / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(n_articles: int, text: str) -> dict[str, Any]:
    from django.db import connection, transaction

    from claims.links import claims_match_article
    from claims.matching import CANDIDATES_SQL, candidate_params
    from claims.models import ClaimLink

    with connection.cursor() as cursor:
        cursor.execute(FOLLOW_UPS_SQL if text == "news" else ARTICLES_SQL, [n_articles + 2])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # CPU time of this process and its backend: on a shared machine wall-clock times also
    # measure the other jobs, CPU time much less (None when the server is not local).
    local = Path(f"/proc/{backend}/stat").exists()
    totals, candidate_ms, claims, candidates, cpu_ms, query_cpu_ms = [], [], [], [], [], []
    load = [round(x, 2) for x in os.getloadavg()]
    planted = found = linked = 0
    for i, article_id in enumerate(ids):
        pairs: set[tuple[int, int]] = set()
        if text == "news":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT p.new_claim_id, p.old_claim_id FROM bench_planted_pair p "
                    "JOIN claims_claim c ON c.id = p.new_claim_id WHERE c.article_id = %s",
                    [article_id],
                )
                pairs = {(new, old) for new, old in cursor.fetchall()}
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    backend_cpu = _backend_cpu_s(backend) if local else 0.0
                    started = time.perf_counter()
                    cursor.execute(CANDIDATES_SQL, candidate_params(article_id=article_id))
                    rows = cursor.fetchall()
                    query_ms = (time.perf_counter() - started) * 1000
                    query_cpu = (_backend_cpu_s(backend) - backend_cpu) if local else 0.0
                started, cpu = time.perf_counter(), time.process_time()
                backend_cpu = _backend_cpu_s(backend) if local else 0.0
                report = claims_match_article(article_id=article_id)
                total_ms = (time.perf_counter() - started) * 1000
                used = time.process_time() - cpu
                used += (_backend_cpu_s(backend) - backend_cpu) if local else 0.0
                links = {
                    frozenset(ends)
                    for ends in ClaimLink.objects.filter(
                        from_claim__article_id=article_id
                    ).values_list("from_claim_id", "to_claim_id")
                } | {
                    frozenset(ends)
                    for ends in ClaimLink.objects.filter(
                        to_claim__article_id=article_id
                    ).values_list("from_claim_id", "to_claim_id")
                }
                raise _Rollback
        except _Rollback:
            pass
        if i < 2:
            continue  # warm-up: the first runs read the index from disk
        totals.append(total_ms)
        cpu_ms.append(used * 1000)
        query_cpu_ms.append(query_cpu * 1000)
        candidate_ms.append(query_ms)
        claims.append(report.claims)
        candidates.append(report.candidates)
        returned = {(new, old) for new, old, _, _ in rows}
        planted += len(pairs)
        found += len(pairs & returned)
        linked += sum(frozenset(pair) in links for pair in pairs)
    return {
        "articles": len(totals),
        "load_average_before": load,
        "ms_per_article": {
            "median": round(statistics.median(totals), 1),
            "p95": round(_percentile(totals, 0.95), 1),
            "max": round(max(totals), 1),
        },
        "cpu_ms_per_article": {
            "median": round(statistics.median(cpu_ms), 1) if local else None,
            "p95": round(_percentile(cpu_ms, 0.95), 1) if local else None,
        },
        "candidate_query_ms": {
            "median": round(statistics.median(candidate_ms), 1),
            "p95": round(_percentile(candidate_ms, 0.95), 1),
            "cpu_median": round(statistics.median(query_cpu_ms), 1) if local else None,
        },
        "claims_per_article": round(statistics.mean(claims), 1),
        "candidates_per_article": round(statistics.mean(candidates), 1),
        "planted_pairs": planted,
        "candidate_recall": round(found / planted, 3) if planted else None,
        "link_recall": round(linked / planted, 3) if planted else None,
    }


def server() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
            "current_setting('work_mem'), pg_size_pretty(pg_database_size(current_database()))"
        )
        version, shared_buffers, work_mem, size = cursor.fetchone()
    return {
        "postgresql": version,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
        "database_size": size,
    }


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            round(int(line.split()[1]) / 1024**2, 1)
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        # Other jobs on the machine show here: the times are wall-clock.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def curve(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Each size's median against the smallest's, and for the sizes up to 10M not measured a
    power law t = a * N^b through the two largest sizes measured: the local slope, since the
    curve need not be one power law (a per-word row cap makes small databases dear too)."""
    base = results[0]
    ratios = {
        str(r["stored_claims"]): {
            "median": round(r["ms_per_article"]["median"] / base["ms_per_article"]["median"], 2),
            "p95": round(r["ms_per_article"]["p95"] / base["ms_per_article"]["p95"], 2),
            "candidate_query": round(
                r["candidate_query_ms"]["median"] / base["candidate_query_ms"]["median"], 2
            ),
        }
        for r in results[1:]
    }
    out: dict[str, Any] = {"ratio_to_" + str(base["stored_claims"]): ratios}
    if len(results) < 2:
        return out
    (n0, r0), (n1, r1) = ((r["stored_claims"], r) for r in results[-2:])
    series: dict[str, Callable[[dict[str, Any]], float]] = {
        "median": lambda r: r["ms_per_article"]["median"],
        "p95": lambda r: r["ms_per_article"]["p95"],
        "cpu_median": lambda r: r["cpu_ms_per_article"]["median"],
    }
    slopes = {
        key: math.log(get(r1) / get(r0)) / math.log(n1 / n0)
        for key, get in series.items()
        if get(r0) and get(r1)
    }
    out["exponent"] = {key: round(b, 3) for key, b in slopes.items()}
    out["extrapolated"] = {
        str(n): {key: round(series[key](r1) * (n / n1) ** b, 1) for key, b in slopes.items()}
        for n in (1_000_000, 3_000_000, 10_000_000)
        if n > n1
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--text", choices=("news", "templates"), default="news")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/matchbench",
        help="Each size gets its own database: this URL with _<size> appended.",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "match.json"))
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:  # a child run: one size, one database, one Django setup
        database_ready(args.database_url)
        _setup(args.database_url)
        stored = _fill(args.database_url, args.sizes[0], args.text)
        result = {"stored_claims": stored, **measure(args.articles, args.text), **server()}
        print(json.dumps(result), flush=True)
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
                "--text",
                args.text,
                "--database-url",
                f"{args.database_url}{'_templates' if args.text == 'templates' else ''}_{size}",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps(result), flush=True)
        results.append(result)
    scaling = curve(results)
    print(
        f"\n{'claims':>10} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'CPU p95':>8} "
        f"{'query ms':>9} {'query CPU':>9} {'candidates':>10} {'recall':>7} {'linked':>7}"
    )
    for r in results:
        print(
            f"{r['stored_claims']:>10} {r['ms_per_article']['median']:>10} "
            f"{r['ms_per_article']['p95']:>8} {r['cpu_ms_per_article']['median']!s:>7} "
            f"{r['cpu_ms_per_article']['p95']!s:>8} {r['candidate_query_ms']['median']:>9} "
            f"{r['candidate_query_ms']['cpu_median']!s:>9} "
            f"{r['candidates_per_article']:>10} {r['candidate_recall']!s:>7} "
            f"{r['link_recall']!s:>7}"
        )
    for n, fit in scaling.get("extrapolated", {}).items():
        print(
            f"{n:>10} {fit['median']:>10} {fit['p95']:>8} {fit.get('cpu_median')!s:>7}"
            "  (extrapolated from the two largest sizes, not measured)"
        )
    print(json.dumps(scaling))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {
                "text": args.text,
                "machine": {**machine(), "postgresql": results[0]["postgresql"]},
                "results": results,
                "scaling": scaling,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

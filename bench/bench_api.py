"""API latency at scale (`make bench-api`).

Creates (once) a PostgreSQL database filled by `manage.py generate_synthetic` (1,000,000 claims,
100,000 articles, 10,000 sources by default), serves it with gunicorn (2 workers, DEBUG=0,
persistent connections) on 127.0.0.1, and measures, with one keep-alive client, p50/p95/p99 of
the claims list under each main filter, a deep cursor page, full-text search, claim detail,
claim graph depth 2 and the source pages, next to a bare `.values()` + orjson endpoint that
answers the same list page (the floor). `--scaling` repeats the list and graph at 10k and 100k
claims (databases `<name>_10k`, `<name>_100k`) for one table.

    .venv/bin/python bench/bench_api.py [--requests 300] [--scaling] [--out bench/results/api.json]

The databases are kept between runs (generation takes minutes); `--regenerate` rebuilds them,
`--drop` drops them at the end. Migrations are applied on every run, so new indexes count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = "postgres://postgres@127.0.0.1:5432"

# Targets at 1,000,000 claims (p99, milliseconds).
LIST_P99_MS = 25.0
LIST_OVER_BARE = 2.0
SEARCH_P99_MS = 100.0
GRAPH_P99_MS = 30.0

SEARCH_WORDS = [
    "ceasefire",
    "Kherson",
    "troops",
    "refugees",
    "hostages",
    "Gaza",
    "drones",
    "grain",
    "evacuated",
    "Mosul",
    "sanctions",
    "Kandahar",
    "missiles",
    "Aleppo",
]
SEARCH_QUERIES = [
    '"grain exports" Odesa',
    "ceasefire -Gaza",
    "troops deployed Kharkiv",
    "hostages OR prisoners",
    '"unconfirmed reports" militia',
    "drones Zaporizhzhia",
    "refugees crossed",
    "talks resume Herat",
]


def pg_exec(
    dbname: str, sql: str, params: tuple[Any, ...] = (), *, fetch: bool = True
) -> list[tuple[Any, ...]]:
    conn = psycopg2.connect(f"{PG}/{dbname}")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if fetch and cur.description else []
    finally:
        conn.close()


def db_exists(name: str) -> bool:
    return bool(pg_exec("template1", "SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def manage(dbname: str, *args: str) -> None:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"{PG}/{dbname}",
        "CELERY_BROKER_URL": "",
        # generate_synthetic is installed by the bench settings only.
        "DJANGO_SETTINGS_MODULE": "bench.support.settings",
    }
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def ensure_database(
    name: str, claims: int, articles: int, sources: int, *, regenerate: bool
) -> float | None:
    """The database with this many synthetic claims, migrated. Returns the generation time if
    it had to generate."""
    if regenerate and db_exists(name):
        pg_exec("template1", f'DROP DATABASE "{name}"', fetch=False)
    fresh = not db_exists(name)
    if fresh:
        pg_exec("template1", f'CREATE DATABASE "{name}"', fetch=False)
    manage(name, "migrate", "--no-input", "-v0")
    have = pg_exec(name, "SELECT count(*) FROM claims_claim")[0][0]
    if have == claims:
        return None
    if have:
        sys.exit(f"{name} holds {have} claims, not {claims}: rerun with --regenerate.")
    t0 = time.monotonic()
    manage(
        name,
        "generate_synthetic",
        "--claims",
        str(claims),
        "--articles",
        str(articles),
        "--sources",
        str(sources),
    )
    return time.monotonic() - t0


class Server:
    """gunicorn on 127.0.0.1 serving one database, as production would (DEBUG off)."""

    def __init__(self, dbname: str, port: int, workers: int) -> None:
        self.port = port
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"{PG}/{dbname}",
            "DB_CONN_MAX_AGE": "600",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "bench.support.settings",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "SECURE_COOKIES": "0",
        }
        self.log = open(ROOT / "var" / f"bench-api-gunicorn-{port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "provenance.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--keep-alive",
                "30",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"gunicorn exited; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit("gunicorn did not answer /healthz within 60s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects if the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[float, int, bytes]:
        for attempt in (1, 2):
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers={"Accept": "application/json"})
                response = self.conn.getresponse()
                body = response.read()
                return (time.perf_counter() - t0) * 1000, response.status, body
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": statistics.median(ordered),
        "p95": q[94],
        "p99": q[98],
        "max": ordered[-1],
        "n": len(ordered),
    }


def cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system) these processes have used, in milliseconds (Linux /proc)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def serving_pids(master: int, dbname: str) -> list[int]:
    """gunicorn's workers and their PostgreSQL backends: what a request costs in CPU, whatever
    else the (shared) machine is doing."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                workers.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    backends = pg_exec(
        dbname,
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'",
        (dbname,),
    )
    return workers + [r[0] for r in backends]


def measure(
    client: Client,
    paths: Callable[[], Iterator[str]],
    n: int,
    warmup: int,
    budget: float,
    pids: Callable[[], list[int]] = list,
) -> dict[str, Any]:
    """`n` requests after `warmup`, or fewer if `budget` seconds run out (a slow endpoint is
    reported with the requests it got, `cut` set)."""
    it = paths()
    stop_at = time.monotonic() + budget
    for _ in range(warmup):
        client.get(next(it))
        if time.monotonic() > stop_at:
            break
    times, errors, first_error = [], 0, None
    stop_at = time.monotonic() + budget
    watched = pids()
    cpu_before = cpu_ms(watched)
    for _ in range(n):
        if len(times) >= 5 and time.monotonic() > stop_at:
            break
        ms, status, body = client.get(next(it))
        times.append(ms)
        if status != 200:
            errors += 1
            first_error = first_error or f"{status} {body[:200]!r}"
    return {
        **percentiles(times),
        "errors": errors,
        "first_error": first_error,
        "cut": len(times) < n,
        "cpu_ms_per_request": (cpu_ms(watched) - cpu_before) / len(times),
    }


def measure_deep(
    client: Client, pages: int, chains: int, pids: Callable[[], list[int]] = list
) -> dict[str, Any]:
    """Follow `next` `pages` times from the first page, `chains` times over."""
    times, last, errors = [], [], 0
    watched = pids()
    cpu_before = cpu_ms(watched)
    for _ in range(chains):
        path: str | None = "/api/v1/claims"
        for page in range(pages + 1):
            assert path is not None
            ms, status, body = client.get(path)
            if status != 200:
                errors += 1
                break
            if page:
                times.append(ms)
            if page == pages:
                last.append(ms)
            nxt = json.loads(body)["next"]
            if nxt is None:
                break
            parts = urlsplit(nxt)
            path = parts.path + "?" + parts.query
    out = {**percentiles(times), "errors": errors, "first_error": None, "cut": False}
    out["cpu_ms_per_request"] = (cpu_ms(watched) - cpu_before) / max(1, len(times) + chains)
    out["last_page_p50"] = statistics.median(last) if last else None
    return out


def cycle(items: list[str]) -> Callable[[], Iterator[str]]:
    def gen() -> Iterator[str]:
        while True:
            yield from items

    return gen


def samples(dbname: str, seed: int = 11) -> dict[str, list[int]]:
    """Ids to ask for: random claims; sources as users meet them (weighted by how often they
    appear in chains, so prolific origins and rare ones both come up)."""
    rng = random.Random(seed)
    claim_max = pg_exec(dbname, "SELECT max(id) FROM claims_claim")[0][0]
    claim_min = pg_exec(dbname, "SELECT min(id) FROM claims_claim")[0][0]
    claims = [rng.randint(claim_min, claim_max) for _ in range(400)]
    in_chains = [
        r[0]
        for r in pg_exec(
            dbname,
            "SELECT source_id FROM claims_attribution TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 2000",
        )
    ]
    rng.shuffle(in_chains)
    # Three disjoint draws of the same distribution: the source list, the source claims page
    # and their floor each meet their sources' pages for the first time, none warmed by another.
    groups = [in_chains[i * 400 : (i + 1) * 400] or [1] for i in range(3)]
    return {"claims": claims, "sources": groups[0], "sources_b": groups[1], "sources_c": groups[2]}


def endpoints(ids: dict[str, list[int]]) -> list[tuple[str, str, Callable[[], Iterator[str]]]]:
    """(name, target kind, path generator)."""
    c, s = ids["claims"], ids["sources"]
    s_b, s_c = ids.get("sources_b", s), ids.get("sources_c", s)
    return [
        ("bare list page (floor)", "floor", cycle(["/api/v1/bench/claims-bare"])),
        (
            "bare source page (floor)",
            "floor",
            cycle([f"/api/v1/bench/claims-bare?source={x}" for x in s_c]),
        ),
        ("claims list", "list", cycle(["/api/v1/claims"])),
        ("list min_reliability=B", "list", cycle(["/api/v1/claims?min_reliability=B"])),
        ("list min_reliability=C", "list", cycle(["/api/v1/claims?min_reliability=C"])),
        ("list source=<id>", "list", cycle([f"/api/v1/claims?source={x}" for x in s])),
        ("list hedged=true", "list", cycle(["/api/v1/claims?hedged=true"])),
        (
            "list search=<word>",
            "search",
            cycle([f"/api/v1/claims?search={quote(w)}" for w in SEARCH_WORDS]),
        ),
        (
            "full-text search (websearch)",
            "search",
            cycle([f"/api/v1/claims?search={quote(q)}" for q in SEARCH_QUERIES]),
        ),
        ("claim detail", "list", cycle([f"/api/v1/claims/{x}" for x in c])),
        ("claim graph depth 2", "graph", cycle([f"/api/v1/claims/{x}/graph?depth=2" for x in c])),
        ("source detail", "list", cycle([f"/api/v1/sources/{x}" for x in s])),
        ("source claims", "list", cycle([f"/api/v1/sources/{x}/claims" for x in s_b])),
        ("sources list", "page", cycle(["/api/v1/sources"])),
    ]


def run_size(
    dbname: str, args: argparse.Namespace, *, names: set[str] | None = None
) -> dict[str, Any]:
    ids = samples(dbname)
    server = Server(dbname, args.port, args.workers)
    results: dict[str, Any] = {}
    try:
        client = Client(args.port)
        for name, kind, paths in endpoints(ids):
            if names is not None and name not in names:
                continue
            results[name] = {
                "kind": kind,
                **measure(
                    client,
                    paths,
                    args.requests,
                    args.warmup,
                    args.budget,
                    lambda: serving_pids(server.proc.pid, dbname),
                ),
            }
            print(
                f"  {name:<32} p50 {results[name]['p50']:7.1f}  p99 {results[name]['p99']:7.1f} ms",
                file=sys.stderr,
            )
        if names is None or "deep page" in names:
            results["deep page (next x50)"] = {
                "kind": "list",
                **measure_deep(
                    client, 50, args.deep_chains, lambda: serving_pids(server.proc.pid, dbname)
                ),
            }
    finally:
        server.stop()
    return results


# The floor each list is held to: a source's claims are spread over the table, so its page reads
# ~500 scattered pages where the default page's are side by side; its floor reads the same.
SOURCE_FLOOR = "bare source page (floor)"
FLOORED_BY_SOURCE = {"list source=<id>", "source claims"}


def floor_of(name: str, results: dict[str, Any]) -> dict[str, Any]:
    floor = (
        SOURCE_FLOOR
        if name in FLOORED_BY_SOURCE and SOURCE_FLOOR in results
        else "bare list page (floor)"
    )
    return results.get(floor, {})


def verdict(name: str, r: dict[str, Any], bare_p99: float | None) -> tuple[str, str]:
    kind = r["kind"]
    if r["errors"]:
        return "0 errors", "MISSED"
    if kind == "floor":
        return "-", ""
    if kind == "search":
        return f"p99 <= {SEARCH_P99_MS:.0f}", "ok" if r["p99"] <= SEARCH_P99_MS else "MISSED"
    if kind == "graph":
        return f"p99 <= {GRAPH_P99_MS:.0f}", "ok" if r["p99"] <= GRAPH_P99_MS else "MISSED"
    if kind == "page":  # not a claims list: the bare claims page is no floor for it
        return f"p99 <= {LIST_P99_MS:.0f}", "ok" if r["p99"] <= LIST_P99_MS else "MISSED"
    within = bare_p99 is None or r["p99"] <= LIST_OVER_BARE * bare_p99
    ok = r["p99"] <= LIST_P99_MS and within
    return f"p99 <= {LIST_P99_MS:.0f}, <= 2x bare", "ok" if ok else "MISSED"


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; PostgreSQL {m['postgres']}",
        f"database {result['database']}: {result['counts']}",
        "",
    ]
    main = result["results"]
    lines.append(
        f"{'endpoint (1 client, keep-alive)':<34}{'p50':>8}{'p95':>8}{'p99':>8}{'x bare':>11}"
        f"{'CPU ms':>8}{'n':>5}{'errors':>7}  {'target':<26}"
    )
    for name, r in main.items():
        bare, bare50 = floor_of(name, main).get("p99"), floor_of(name, main).get("p50")
        target, ok = verdict(name, r, bare)
        ratio = (
            f"{r['p50'] / bare50:.1f}/{r['p99'] / bare:.1f}" if bare and r["kind"] == "list" else ""
        )
        lines.append(
            f"{name:<34}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['p99']:>8.1f}{ratio:>11}"
            f"{r.get('cpu_ms_per_request', 0):>8.1f}{r['n']:>5}{r['errors']:>7}  {target:<26}{ok}"
        )
    lines.append(
        "(milliseconds; 'x bare' = p50/p99 over the bare endpoint's p50/p99, the source page's "
        "for the source lists; CPU ms = CPU time "
        "of the gunicorn workers and their PostgreSQL backends per request, which other load on "
        "the machine does not inflate; n = requests measured, fewer than asked when the "
        "per-endpoint time budget ran out)"
    )
    if result.get("scaling"):
        lines += ["", "scaling (p50 / p99 ms):"]
        sizes = list(result["scaling"])
        lines.append(f"{'endpoint':<26}" + "".join(f"{s:>18}" for s in sizes))
        names = list(next(iter(result["scaling"].values())))
        for name in names:
            row = f"{name:<26}"
            for size in sizes:
                r = result["scaling"][size].get(name)
                row += f"{r['p50']:>9.1f} /{r['p99']:>6.1f}" if r else f"{'-':>18}"
            lines.append(row)
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = (
        subprocess.run(["free", "-h"], capture_output=True, text=True)
        .stdout.splitlines()[1]
        .split()[1]
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": f"{mem} RAM",
        "python": platform.python_version(),
        "postgres": pg_exec("template1", "SHOW server_version")[0][0],
    }


def counts(dbname: str) -> dict[str, int]:
    tables = [
        "claims_claim",
        "sources_article",
        "sources_source",
        "claims_attribution",
        "claims_figure",
        "claims_claimdate",
        "claims_claimlink",
    ]
    return {
        t.split("_", 1)[1]: pg_exec(dbname, f"SELECT count(*) FROM {t}")[0][0]  # noqa: S608
        for t in tables
    }


SCALING_ENDPOINTS = {
    "bare list page (floor)",
    "bare source page (floor)",
    "claims list",
    "list hedged=true",
    "list source=<id>",
    "claim detail",
    "claim graph depth 2",
    "deep page",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="benchapi", help="database name (created if missing)")
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--sources", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument(
        "--budget",
        type=float,
        default=40,
        help="seconds at most per endpoint (then fewer requests)",
    )
    ap.add_argument("--deep-chains", type=int, default=4, help="walks of 50 `next` pages")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scaling", action="store_true", help="also 10k and 100k claims")
    ap.add_argument(
        "--only",
        help="comma-separated endpoint names to measure (the bare floor is always measured)",
    )
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--drop", action="store_true", help="drop the databases at the end")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    args = ap.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    # A SIGTERM (timeout, Ctrl-C from make) still runs the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    only = None
    if args.only:
        only = {name.strip() for name in args.only.split(",")} | {
            "bare list page (floor)",
            SOURCE_FLOOR,
        }
        unknown = (
            only
            - {name for name, _, _ in endpoints({"claims": [1], "sources": [1]})}
            - {"deep page"}
        )
        if unknown:
            ap.error(f"unknown endpoint names: {', '.join(sorted(unknown))}")
    generated = ensure_database(
        args.db, args.claims, args.articles, args.sources, regenerate=args.regenerate
    )
    print(f"measuring {args.db} ({args.claims:,} claims)", file=sys.stderr)
    result: dict[str, Any] = {
        "machine": machine(),
        "database": args.db,
        "counts": counts(args.db),
        "generation_s": generated,
        "requests": args.requests,
        "results": run_size(args.db, args, names=only),
    }
    dbs = [args.db]
    if args.scaling:
        result["scaling"] = {}
        for claims, suffix in ((10_000, "10k"), (100_000, "100k")):
            name = f"{args.db}_{suffix}"
            dbs.append(name)
            ensure_database(
                name,
                claims,
                max(1, claims // 10),
                max(10, claims // 100),
                regenerate=args.regenerate,
            )
            print(f"measuring {name}", file=sys.stderr)
            result["scaling"][f"{claims:,} claims"] = run_size(name, args, names=SCALING_ENDPOINTS)
        result["scaling"][f"{args.claims:,} claims"] = {
            k: v
            for k, v in result["results"].items()
            if k in SCALING_ENDPOINTS or k.startswith("deep page")
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str), "utf-8")
    print(render(result))
    if args.drop:
        for name in dbs:
            pg_exec("template1", f'DROP DATABASE IF EXISTS "{name}"', fetch=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""End-to-end ingestion throughput (`make bench-ingest`).

N articles (default 1,000, all different) are POSTed to `/api/v1/articles` on a gunicorn
started here on 127.0.0.1, over a fresh migrated PostgreSQL database (registry loaded) and real
Redis, with 1 and then 2 Celery worker processes (`--concurrency=1` each), until every article
is `done`. The figure to beat is plain `nlp.pipe` over the same texts, run in the same number of
independent single-process shards, measured in the same run: the ratio says what the platform
(HTTP, queue, leases, database writes, matching) costs on top of the model. Each worker count is
run with one article per task (`EXTRACTION_BATCH_SIZE=1`, the `claims.extract_article` path) and
with batches (`claims.extract_articles`), side by side; then, with batches, the same articles
sent 50 per request to `/api/v1/articles/batch`, as a wire or feed client sends them.

    .venv/bin/python bench/bench_ingest.py [--articles 1000] [--batch-sizes 1,16] [--workers 1,2]
        [--submit-batches 1,50]

Corpus: sentences of demo/*.txt and the dev articles, recombined, with figures re-drawn, plus
wire-style templates with varied names, places, figures and dates; every article is unique.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import celery
import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import bench_extract  # noqa: E402  (the plain nlp.pipe measurement, shared)
from bench_api import cpu_ms  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
PG = "postgres://postgres@127.0.0.1:5432"
BROKER = "redis://127.0.0.1:6379/11"
TARGET_RATIO = 0.75
DEV = ROOT / ".." / "shared" / "data" / "dev" / "articles"

# ------------------------------------------------------------------------------ corpus

PEOPLE = [
    "Olena Kovalenko",
    "Ahmed Al-Masri",
    "Kim Jong-su",
    "Maria Santos",
    "Dmitri Volkov",
    "Fatima Yusuf",
    "Lee Min-ho",
    "Jean-Paul Mbeki",
    "Sara Haddad",
    "Tomasz Nowak",
    "Amina Diallo",
    "Hassan Rahimi",
    "Ana Petrova",
    "Rafael Ortega",
    "Nguyen Van Long",
]
TITLES = [
    "Defence Minister",
    "military spokesman",
    "regional governor",
    "Foreign Minister",
    "army chief of staff",
    "UN envoy",
    "police chief",
    "deputy prime minister",
]
BODIES = [
    "the Defence Ministry",
    "the General Staff",
    "the Interior Ministry",
    "the UN refugee agency",
    "the International Committee of the Red Cross",
    "the State Emergency Service",
    "the coast guard",
    "the presidential office",
    "the National Intelligence Service",
    "Amnesty International",
    "the World Food Programme",
    "NATO officials",
]
AGENCIES = [
    "Reuters",
    "the Associated Press",
    "AFP",
    "Yonhap",
    "TASS",
    "Xinhua",
    "Anadolu",
    "Kyodo",
    "Interfax",
    "Ukrinform",
]
PLACES = [
    "Kherson",
    "Odesa",
    "Kharkiv",
    "Gaza City",
    "Rafah",
    "Aleppo",
    "Idlib",
    "Mosul",
    "Sanaa",
    "Hodeidah",
    "Tripoli",
    "Khartoum",
    "El Fasher",
    "Goma",
    "Mogadishu",
    "Bamako",
    "Kabul",
    "Pyongyang",
    "Kaesong",
    "Taipei",
    "Yangon",
    "Port-au-Prince",
    "Juba",
    "Beirut",
]
UNITS = [
    "troops",
    "civilians",
    "soldiers",
    "refugees",
    "tanks",
    "drones",
    "missiles",
    "trucks of aid",
    "fighters",
    "people",
    "tonnes of grain",
    "artillery shells",
]
EVENTS = ["killed", "wounded", "evacuated", "detained", "deployed", "displaced", "captured"]
TOPICS = [
    "a ceasefire",
    "grain exports",
    "a prisoner exchange",
    "sanctions relief",
    "humanitarian corridors",
    "the withdrawal of foreign forces",
    "the release of hostages",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
HEADLINES = [
    "{place}: {n} {unit} {event}, {body} says",
    "Talks on {topic} to resume, {agency} reports",
    "{person} denies strike on {place}",
    "Officials report {n} {unit} near {place}",
    "{agency}: {topic} deal expected within weeks",
]
TEMPLATES = [
    "{body_c} said on {day} that {n} {unit} had been {event} near {place}.",
    "At least {n} {unit} were {event} in {place} on {day}, according to {body}.",
    "{person}, the {title}, told {agency} that {topic} would be discussed on {date}.",
    '{body_c} denied that its forces had shelled {place}, calling the reports "fabricated".',
    "{agency} reported, citing {body}, that about {n} {unit} were {event} overnight.",
    "Unconfirmed reports said {place} had been hit by {m} {unit2} on {day}.",
    "The {title} {person} alleged that {n} {unit} had crossed into {place}.",
    "{body_c} is expected to publish a report on {topic} by {date}.",
    "{person} said more than {n} {unit} had been {event} since {month}.",
    "Local officials, cited by {agency}, said {m} {unit2} were {event} in {place}.",
    '{agency} quoted {person} as saying that {topic} remained "the priority".',
    "According to {body}, roughly {n} {unit} have been {event} in {place} since {date}.",
]


def _pool() -> list[str]:
    """Sentences of the demo and dev articles (headlines and datelines left out)."""
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "demo").glob("*.txt"))]
    texts += [p.read_text("utf-8") for p in sorted(DEV.glob("*.txt"))]
    sentences: list[str] = []
    for text in texts:
        for line in text.splitlines()[1:]:
            sentences += [
                s
                for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", line.strip())
                if len(s.split()) >= 6
            ]
    return sentences


def make_corpus(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    pool = _pool()
    seen: set[str] = set()
    articles: list[dict[str, Any]] = []

    def fill(template: str) -> str:
        body = rng.choice(BODIES)
        return template.format(
            body=body,
            body_c=body[0].upper() + body[1:],
            person=rng.choice(PEOPLE),
            title=rng.choice(TITLES),
            agency=rng.choice(AGENCIES),
            place=rng.choice(PLACES),
            n=f"{rng.choice([rng.randint(2, 99), rng.randint(100, 9999), rng.randint(10, 99) * 1000]):,}",
            m=rng.randint(2, 40),
            unit=rng.choice(UNITS),
            unit2=rng.choice(["missiles", "drones", "shells"]),
            event=rng.choice(EVENTS),
            topic=rng.choice(TOPICS),
            day=rng.choice(DAYS),
            month=rng.choice(MONTHS),
            date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}",
        )

    def redraw(sentence: str) -> str:
        # Re-draw the figures so recombined sentences differ from their source.
        return re.sub(
            r"\b\d[\d,]*\b",
            lambda m: f"{rng.randint(2, 5000):,}" if rng.random() < 0.7 else m.group(),
            sentence,
        )

    while len(articles) < n:
        sentences = [
            fill(rng.choice(TEMPLATES)) if rng.random() < 0.5 else redraw(rng.choice(pool))
            for _ in range(rng.randint(6, 12))
        ]
        paragraphs = [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]
        body = fill(rng.choice(HEADLINES)) + "\n\n" + "\n\n".join(paragraphs) + "\n"
        if body in seen:
            continue
        seen.add(body)
        articles.append(
            {
                "body": body,
                "outlet": rng.choice(
                    [
                        "Demo Wire",
                        "Voice of America",
                        "Reuters",
                        "Yonhap News Agency",
                        "Kyiv Independent",
                    ]
                ),
                "published_at": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return articles


def n_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


# ------------------------------------------------------------------------------ processes


def pg(dbname: str, sql: str, *, fetch: bool = True) -> list[tuple[Any, ...]]:
    conn = psycopg2.connect(f"{PG}/{dbname}")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if fetch and cur.description else []
    finally:
        conn.close()


def fresh_database(name: str, template: str | None) -> None:
    pg("template1", f'DROP DATABASE IF EXISTS "{name}"', fetch=False)
    if template:
        pg("template1", f'CREATE DATABASE "{name}" TEMPLATE "{template}"', fetch=False)
        return
    pg("template1", f'CREATE DATABASE "{name}"', fetch=False)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"{PG}/{name}", "CELERY_BROKER_URL": ""}
    subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "load_registry"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def service_env(dbname: str, batch_size: int) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"{PG}/{dbname}",
        "DB_CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": BROKER,
        "LOG_LEVEL": "WARNING",
        "SECURE_COOKIES": "0",
        "EXTRACTION_BATCH_SIZE": str(batch_size),
        "RECONCILE_QUEUED_AFTER_SECONDS": "3600",
        # Redis may be shared: a queue of our own, so no other worker takes our tasks.
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "MATCHING_QUEUE": MATCHING,
        # The benchmark's client submits anonymously, as fast as it can.
        "ALLOW_ANONYMOUS_SUBMISSIONS": "1",
        "THROTTLE_WRITE_ANON": "off",
    }


SECRET = secrets.token_urlsafe(48)
POLL_APP = "bench-ingest-poll"  # the polling connection, not counted
QUEUE = f"bench-ingest-{os.getpid()}"
MATCHING = f"{QUEUE}-matching"


def start_workers(
    n: int, env: dict[str, str], tag: str, queues: str | None = None
) -> list[tuple[subprocess.Popen[bytes], Path]]:
    procs = []
    for i in range(n):
        log = ROOT / "var" / f"bench-ingest-worker-{tag}-{i}.log"
        log.write_bytes(b"")
        proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "provenance",
                "worker",
                "--concurrency=1",
                "--pool=prefork",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"bench-{tag}-{i}-{os.getpid()}@%h",
                *(["-Q", queues] if queues else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        procs.append((proc, log))
    deadline = time.monotonic() + 120
    for proc, log in procs:
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                stop([p for p, _ in procs])
                sys.exit(f"a Celery worker did not start; see {log}")
            time.sleep(0.2)
    return procs


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "provenance.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "var" / "bench-ingest-gunicorn.log").open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop([proc])
    sys.exit("gunicorn did not answer /healthz")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()


# ------------------------------------------------------------------------------ one run


def run_pipeline(
    corpus: list[dict[str, Any]],
    *,
    workers: int,
    batch_size: int,
    template: str,
    port: int,
    timeout: float,
    matching_wait: float,
    submitted_first: bool = False,
    submit_batch: int = 1,
) -> dict[str, Any]:
    """One end-to-end run. With `submitted_first`, every article is POSTed before any worker
    runs, and the clock and CPU count start when the workers start on the full queue: the
    extraction side alone, without the web tier on the same cores (a diagnostic, not the target).
    With `submit_batch` > 1 the articles go `submit_batch` at a time to /api/v1/articles/batch,
    as a wire or feed client sends them, instead of one POST each."""
    dbname = (
        f"benchingest_w{workers}_b{batch_size}_s{submit_batch}{'_first' if submitted_first else ''}"
    )
    fresh_database(dbname, template)
    forget_queues()
    env = service_env(dbname, batch_size)
    postmaster = postmaster_pid(dbname)
    web = start_gunicorn(env, port)
    tag = f"w{workers}b{batch_size}s{submit_batch}{'-first' if submitted_first else ''}"
    procs = [] if submitted_first else start_workers(workers, env, tag)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        submit_ms: list[float] = []
        errors = 0
        roots = {"web": [web.pid], "workers": [p.pid for p, _ in procs]}
        cpu_start = {
            pid: cpu_ms([pid]) for pids in pipeline_pids(roots, dbname).values() for pid in pids
        }
        exited_start = exited_children_cpu_ms(postmaster)
        sessions_start = db_sessions(dbname)
        load_start = os.getloadavg()[0]
        t0 = time.perf_counter()
        for i in range(0, len(corpus), submit_batch):
            chunk = corpus[i : i + submit_batch]
            t = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/articles" if submit_batch == 1 else "/api/v1/articles/batch",
                body=json.dumps(chunk[0] if submit_batch == 1 else {"articles": chunk}),
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            answer = response.read()
            submit_ms.append((time.perf_counter() - t) * 1000)
            if submit_batch == 1:
                errors += response.status != 202
            elif response.status != 200:
                errors += len(chunk)
            else:
                errors += sum(r["status"] != 202 for r in json.loads(answer)["results"])
        submitted = time.perf_counter() - t0
        if submitted_first:
            stop([web])
            forget_queues()  # the one batch task the first POST queued: sent again below
            redis.Redis.from_url(BROKER).delete(f"provenance:extract-batch-pending:{QUEUE}")
            procs = start_workers(workers, env, tag)
            roots = {"web": [], "workers": [p.pid for p, _ in procs]}
            cpu_start = {
                pid: cpu_ms([pid]) for pids in pipeline_pids(roots, dbname).values() for pid in pids
            }
            exited_start = exited_children_cpu_ms(postmaster)
            sessions_start = db_sessions(dbname)
            t0 = time.perf_counter()
            # A full batch hands the rest of the queue to the next task, so one task starts it.
            celery.Celery(broker=BROKER).send_task(
                "claims.extract_articles", args=[[]], queue=QUEUE
            )
        deadline = time.monotonic() + timeout
        # One connection for the polling: a new one every 0.1 s would add a backend's start-up
        # to the CPU counted for exited backends below.
        poll = psycopg2.connect(f"{PG}/{dbname}", application_name=POLL_APP)
        poll.autocommit = True
        with poll.cursor() as cur:
            while True:
                cur.execute(
                    "SELECT count(*) FILTER (WHERE status IN ('queued', 'processing')), "
                    "count(*) FILTER (WHERE status = 'failed') FROM sources_article"
                )
                ((left, failed),) = cur.fetchall()
                if not left or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        poll.close()
        elapsed = time.perf_counter() - t0
        load_end = os.getloadavg()[0]
        # CPU of everything that served the pipeline (web, workers, their PostgreSQL backends)
        # from the first POST to the last `done`: other load on the machine does not count.
        cpu_by_role = {
            role: sum(cpu_ms([pid]) - cpu_start.get(pid, 0) for pid in pids) / 1000
            for role, pids in pipeline_pids(roots, dbname).items()
        }
        # Backends that exited during the run (Celery closes a task's connection when it ends)
        # are gone from /proc; PostgreSQL's postmaster reaped them, so their CPU is in its
        # children's time. That also holds any other backend of the server that exited meanwhile
        # (other databases' short connections, autovacuum): counted, so the ratio errs low.
        cpu_by_role["exited_db"] = (exited_children_cpu_ms(postmaster) - exited_start) / 1000
        cpu_s = sum(cpu_by_role.values())
        sessions = db_sessions(dbname) - sessions_start
        # Matching (claims.match_articles, one task per extracted batch) waits on a queue of
        # its own (MATCHING_QUEUE) that the workers above do not read: on the same workers its
        # tasks, queued behind each batch, would decide when the last article is `done`.
        # With --matching-wait, one worker then drains it and the rate is reported apart.
        matched_s = None
        if matching_wait:
            stop([p for p, _ in procs])
            procs = start_workers(1, env, f"w{workers}b{batch_size}-match", MATCHING)
            t_match = time.perf_counter()
            match_deadline = time.monotonic() + matching_wait
            log = procs[0][1]
            while time.monotonic() < match_deadline:
                if matched_articles(log.read_text(errors="replace")) >= done_count(dbname):
                    matched_s = time.perf_counter() - t_match
                    break
                time.sleep(0.2)
    finally:
        stop([web] + [p for p, _ in procs])
        forget_queues()  # matching tasks left undrained, kombu's bindings
    ((done, claims),) = pg(
        dbname,
        "SELECT count(*) FILTER (WHERE status = 'done'), "
        "(SELECT count(*) FROM claims_claim) FROM sources_article",
    )
    pg("template1", f'DROP DATABASE IF EXISTS "{dbname}"', fetch=False)
    words = n_words([a["body"] for a in corpus])
    return {
        "workers": workers,
        "batch_size": batch_size,
        "submit_batch": submit_batch,
        "articles": len(corpus),
        "done": done,
        "failed": failed,
        "unfinished": left,
        "submit_errors": errors,
        "claims": claims,
        "elapsed_s": elapsed,
        "submit_s": submitted,
        "submit_p50_ms": statistics.median(submit_ms),
        "articles_per_s": done / elapsed,
        "words_per_s": words * done / len(corpus) / elapsed,
        "cpu_s": cpu_s,
        # web / workers: the processes and their children; *_db: their PostgreSQL backends.
        "cpu_s_by_role": cpu_by_role,
        "load_average_1min": [load_start, load_end],
        # Connections opened to the database during the run (Celery's Django fix-up closes a
        # task's connection before and after every task).
        "db_sessions": sessions,
        "words_per_cpu_s": words * done / len(corpus) / cpu_s if cpu_s else None,
        "matching_s": matched_s,
        "submitted_first": submitted_first,
        "matching_articles_per_s": done / matched_s if matched_s else None,
    }


def matched_articles(log: str) -> int:
    """Articles matched so far, from a worker's log: each `claims.match_articles` task logs
    its totals when it succeeds."""
    return sum(
        int(n)
        for n in re.findall(
            r"claims\.match_articles\[[^\]]+\] succeeded in [^:]+: "
            r"\{'articles': (\d+)",
            log,
        )
    )


def forget_queues() -> None:
    """Drop this run's queues and kombu's bindings for them from the benchmark's Redis db."""
    names = [QUEUE, MATCHING]
    keys = [k for q in names for k in (q, f"_kombu.binding.{q}", f"_kombu.binding_permanent.{q}")]
    redis.Redis.from_url(BROKER).delete(*keys)


def pipeline_pids(roots: dict[str, list[int]], dbname: str) -> dict[str, list[int]]:
    """These processes with their children (gunicorn's and Celery's pool workers), by role, and
    the PostgreSQL backends connected to the database, each under the role of its client
    (`web_db`, `workers_db`; matched by the client's TCP port)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    groups = {
        role: list(pids) + [c for c, parent in parents.items() if parent in pids]
        for role, pids in roots.items()
    }
    port_of_inode = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            port_of_inode[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    role_of_port = {}
    for role, pids in groups.items():
        for pid in pids:
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:
                continue
            for link in links:
                if link.startswith("socket:[") and link[8:-1] in port_of_inode:
                    role_of_port[port_of_inode[link[8:-1]]] = role
    backends = pg(
        dbname,
        "SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
        "AND application_name <> 'bench-ingest-poll'",
    )
    out = {**groups, **{f"{role}_db": [] for role in groups}, "other_db": []}
    for pid, port in backends:
        role = role_of_port.get(port)
        out[f"{role}_db" if role else "other_db"].append(pid)
    return out


def postmaster_pid(dbname: str) -> int:
    """The parent of a backend (read while the backend still runs)."""
    conn = psycopg2.connect(f"{PG}/{dbname}")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            ((backend,),) = cur.fetchall()
            return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    finally:
        conn.close()


def db_sessions(dbname: str) -> int:
    ((n,),) = pg(dbname, "SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
    return int(n)


def exited_children_cpu_ms(pid: int) -> float:
    """CPU time of the children this process has reaped (cutime + cstime), in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) * 1000 / os.sysconf("SC_CLK_TCK")


def done_count(dbname: str) -> int:
    return int(pg(dbname, "SELECT count(*) FROM sources_article WHERE status = 'done'")[0][0])


def plain_baseline(texts: list[str], procs: int, runs: int) -> dict[str, Any]:
    from extraction import pipeline

    shipped = {
        "batch_size": pipeline.DEFAULT_BATCH_SIZE,
        "ops": "numpy-blas" if pipeline.USE_NUMPY_BLAS else "default",
        "blas_threads": pipeline.BLAS_THREADS if pipeline.USE_NUMPY_BLAS else None,
        "disable": list(pipeline.UNUSED_COMPONENTS),
    }
    r = bench_extract.measure(shipped, texts, runs, procs, ["plain"])
    return {
        "processes": procs,
        "words_per_cpu_s": r["plain"].get("words_per_cpu_s"),
        "words_per_s": r["plain"]["words_per_s"],
        "articles_per_s": len(texts) / r["plain"]["median_s"],
        "runs_s": r["plain"]["runs_s"],
        "cpu_runs_s": r["plain"]["cpu_runs_s"],
    }


def bracket(
    before: dict[str, Any], after: dict[str, Any], articles: int, words: int
) -> dict[str, Any]:
    """The baseline of a pipeline run: plain's runs just before and just after it, pooled."""
    runs = before["runs_s"] + after["runs_s"]
    cpu = before["cpu_runs_s"] + after["cpu_runs_s"]
    return {
        "processes": before["processes"],
        "runs_s": runs,
        "cpu_runs_s": cpu,
        "words_per_s": words / statistics.median(runs),
        "words_per_cpu_s": words / statistics.median(cpu),
        "articles_per_s": articles / statistics.median(runs),
    }


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"machine: {m['cpu']} ({m['cores']} cores, {m['memory']}); corpus: "
        f"{result['articles']} articles, {result['words']:,} words",
        "",
        f"{'workers':>7} {'batch':>5} {'POST':>4} {'articles/s':>10} {'words/s':>8} {'plain w/s':>9}"
        f" {'ratio':>5} {'target':>7}        {'CPU ratio':>9}  done/failed  submit p50"
        f"  matching a/s",
    ]
    for r in result["runs"]:
        plain = r["plain"]
        ratio = r["words_per_s"] / plain["words_per_s"]
        ok = "ok" if ratio >= TARGET_RATIO and not r["failed"] and not r["unfinished"] else "MISSED"
        if r.get("submitted_first"):
            ok = "first"  # submitted before the workers ran: a diagnostic, not the target
        cpu_ratio = (
            r["words_per_cpu_s"] / plain["words_per_cpu_s"]
            if r.get("words_per_cpu_s") and plain.get("words_per_cpu_s")
            else 0
        )
        lines.append(
            f"{r['workers']:>7} {r['batch_size']:>5} {r.get('submit_batch', 1):>4} {r['articles_per_s']:>10.1f} "
            f"{r['words_per_s']:>8,.0f} {plain['words_per_s']:>9,.0f} {ratio:>5.2f} {'>= 0.75':>7}"
            f" {ok:<6} {cpu_ratio:>9.2f}  {r['done']:>5}/{r['failed']:<5} "
            f"{r['submit_p50_ms']:>7.1f} ms  {r['matching_articles_per_s'] or 0:>10.1f}"
        )
    for r in result["runs"]:
        roles = r.get("cpu_s_by_role") or {}
        ms = {role: 1000 * cpu / max(r["done"], 1) for role, cpu in roles.items()}
        lines.append(
            f"CPU ms per article, {r['workers']} worker(s), batch {r['batch_size']}"
            + (f", {r['submit_batch']} per POST" if r.get("submit_batch", 1) > 1 else "")
            + (" (all submitted first)" if r.get("submitted_first") else "")
            + ": "
            + ", ".join(f"{role} {v:.1f}" for role, v in ms.items())
            + f"; {r.get('db_sessions', '?')} connections opened"
            + f"; load average {r['load_average_1min'][0]:.1f} -> {r['load_average_1min'][1]:.1f}"
            + f"; plain nlp.pipe {1000 * result['words'] / result['articles'] / (r['plain']['words_per_cpu_s'] or 1):.1f}"
            + " (runs before/after: "
            + " ".join(f"{t:.1f}" for t in r["plain"]["runs_s"])
            + " s)"
        )
    lines.append(
        "(end to end: first POST to the last article `done`; POST: articles per request (1: "
        "POST /api/v1/articles each; more: POST /api/v1/articles/batch); submit p50 per request; plain = nlp.pipe over the same "
        "texts in as many independent processes, model loaded, measured right before and right after "
        "each run and pooled; CPU ratio "
        "= words per CPU-second of everything serving the pipeline (gunicorn, Celery workers, "
        "their PostgreSQL backends) over plain nlp.pipe's words per CPU-second, which other "
        "load on the machine does not move; target 'first': every article POSTed before the workers started, clock and CPU from their start (--submitted-first, a diagnostic); matching a/s: claims.match_articles tasks (queued "
        "apart, see --matching-wait) drained by one worker afterwards, 0 = not measured)"
    )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    info = bench_extract.machine()
    mem = (
        subprocess.run(["free", "-h"], capture_output=True, text=True)
        .stdout.splitlines()[1]
        .split()[1]
    )
    return {**info, "memory": f"{mem} RAM"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", default="1,2", help="worker process counts, comma-separated")
    ap.add_argument("--batch-sizes", default="1,16", help="EXTRACTION_BATCH_SIZE values to compare")
    ap.add_argument(
        "--submit-batches",
        default="1,50",
        help="articles per POST, comma-separated: 1 = POST /api/v1/articles each (every batch "
        "size); more = POST /api/v1/articles/batch (with the largest batch size only)",
    )
    ap.add_argument("--plain-runs", type=int, default=3)
    ap.add_argument(
        "--matching-wait",
        type=float,
        default=0,
        help="seconds to also wait for matching to drain after the last `done` (0: do not)",
    )
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds to wait for one run")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    ap.add_argument(
        "--submitted-first",
        action="store_true",
        help="also run each case with every article POSTed before the workers start (a "
        "diagnostic: the extraction side without the web tier beside it)",
    )
    args = ap.parse_args()
    modes = [False, True] if args.submitted_first else [False]
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")

    corpus = make_corpus(args.articles)
    texts = [a["body"] for a in corpus]
    workers = [int(x) for x in args.workers.split(",")]
    batches = [int(x) for x in args.batch_sizes.split(",")]
    submits = [int(x) for x in args.submit_batches.split(",")]
    cases = [(b, 1) for b in batches if 1 in submits] + [
        (max(batches), s) for s in submits if s > 1
    ]
    template = "benchingest_template"
    fresh_database(template, None)
    result: dict[str, Any] = {
        "machine": machine(),
        "articles": len(corpus),
        "words": n_words(texts),
        "plain": {},
        "runs": [],
    }
    try:
        for w in workers:
            # Plain nlp.pipe right before and right after every pipeline run (the block after
            # one run is the block before the next): this host's speed was seen to drift by up
            # to half within minutes, so a baseline measured once, minutes away from a run,
            # moved its ratio by more than any change to the pipeline did.
            print(f"plain nlp.pipe, {w} process(es)", file=sys.stderr)
            before = plain_baseline(texts, w, args.plain_runs)
            result["plain"][str(w)] = [before]
            for (b, sb), first in [(case, first) for case in cases for first in modes]:
                label = (f", {sb} per POST" if sb > 1 else "") + (
                    " (all submitted first)" if first else ""
                )
                print(f"pipeline: {w} worker(s), batch {b}{label}", file=sys.stderr)
                run = run_pipeline(
                    corpus,
                    workers=w,
                    batch_size=b,
                    template=template,
                    port=args.port,
                    timeout=args.timeout,
                    matching_wait=args.matching_wait,
                    submitted_first=first,
                    submit_batch=sb,
                )
                print(
                    f"  {run['articles_per_s']:.1f} articles/s; plain nlp.pipe again",
                    file=sys.stderr,
                )
                after = plain_baseline(texts, w, args.plain_runs)
                result["plain"][str(w)].append(after)
                run["plain"] = bracket(before, after, len(texts), result["words"])
                result["runs"].append(run)
                before = after
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(json.dumps(result, indent=1), "utf-8")
    finally:
        pg("template1", f'DROP DATABASE IF EXISTS "{template}"', fetch=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), "utf-8")
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Memory and first byte of the streaming CSV export (`GET /api/v1/claims?format=csv`).

    .venv/bin/python bench/bench_export.py [--sizes 100000 1000000] [--format csv|jsonl]
        [--database-url postgres://postgres@127.0.0.1:5432/exportbench] [--out bench/results/export.json]

Each size has its own database (`<url>_<size>`, created and migrated if missing, kept between
runs), filled by `manage.py generate_synthetic` (about 10 claims per article, as
bench/bench_match.py fills its own). gunicorn serves it as docker-compose does (a gthread
worker with 4 threads, `--timeout 60`, DEBUG off; one worker here), and one HTTP client
reads the whole export, counting rows. Reported per size: the worker's resident memory when
idle (after a warm-up request that loads every module the export uses), its peak during the
export (VmHWM, reset before the request through /proc/PID/clear_refs, and the largest of
VmRSS sampled every 10 ms), the difference, the time to the first byte of the body (the CSV
header, sent before the query runs), to the first row and to the last, rows and bytes. The
goal (issue 21): at 1,000,000 claims, peak within 50 MB of idle and the first byte within a
second; it is checked here on the first row, the stricter of the two.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.database import database_ready, synthetic_add  # noqa: E402  # needs ROOT on sys.path

PEAK_OVER_IDLE_MB = 50.0
FIRST_BYTE_S = 1.0


def _claims(database_url: str) -> int:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM claims_claim")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def fill(database_url: str, size: int) -> int:
    """The database, migrated and holding at least `size` claims; how many it holds."""
    database_ready(database_url)
    have = _claims(database_url)
    if have < size:
        synthetic_add(database_url, size - have)
    return _claims(database_url)


class Server:
    """gunicorn with one worker on 127.0.0.1, DEBUG off, as production runs the web tier."""

    def __init__(self, database_url: str, port: int, *, timeout: int, threads: int) -> None:
        self.port = port
        (ROOT / "var").mkdir(exist_ok=True)
        self.log = open(ROOT / "var" / f"bench-export-gunicorn-{port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "provenance.wsgi",
                "-w",
                "1",
                "--threads",
                str(threads),
                "--timeout",
                str(timeout),
                "-b",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(48),
                "DATABASE_URL": database_url,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CELERY_BROKER_URL": "",
                "LOG_LEVEL": "WARNING",
                "SECURE_COOKIES": "0",
            },
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

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        if len(children) != 1:
            sys.exit(f"expected one gunicorn worker, found {children}")
        return int(children[0])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


class RssSampler(threading.Thread):
    """The largest VmRSS of a process, sampled every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                self.peak_kb = max(self.peak_kb, _status_kb(self.pid, "VmRSS"))
            except (OSError, RuntimeError):  # the worker is gone (killed by its --timeout)
                return
            time.sleep(self.interval)


def fetch(port: int, path: str, *, header_lines: int = 0) -> dict[str, Any]:
    """GET `path`, reading the body in 64 kB pieces: status, seconds to the first byte, to the
    first row (the first line after `header_lines`) and to the end, bytes and lines."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    first_byte = first_row = None
    size = lines = 0
    complete = True
    while True:
        try:
            piece = response.read1(65536)
        except http.client.IncompleteRead:  # the worker died mid-stream
            complete = False
            break
        if not piece:
            break
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(piece)
        lines += piece.count(b"\n")
        if first_row is None and lines > header_lines:
            first_row = time.perf_counter() - started
    total = time.perf_counter() - started
    conn.close()
    return {
        "status": response.status,
        "stream_complete": complete,
        "first_byte_s": first_byte,
        "first_row_s": first_row,
        "total_s": total,
        "bytes": size,
        "lines": lines,
    }


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def measure(database_url: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    stored = fill(database_url, size)
    # CSV rows may hold line breaks inside quotes; the synthetic claims' texts have none, and
    # JSON Lines escapes them, so lines count rows (minus the CSV header).
    header = 1 if args.format == "csv" else 0
    server = Server(database_url, args.port, timeout=args.timeout, threads=args.threads)
    try:
        pid = server.worker_pid()
        # Warm-up: a page and a small export load every module and open the connection.
        fetch(args.port, "/api/v1/claims")
        fetch(args.port, f"/api/v1/claims?format={args.format}&article=1")
        time.sleep(0.5)
        idle_kb = _status_kb(pid, "VmRSS")
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        sampler = RssSampler(pid)
        sampler.start()
        result = fetch(args.port, f"/api/v1/claims?format={args.format}", header_lines=header)
        sampler.done.set()
        sampler.join()
        try:
            hwm_kb: int | None = _status_kb(pid, "VmHWM")
            alive = True
        except (OSError, RuntimeError):  # killed, or a zombie with no memory left
            hwm_kb, alive = None, False
    finally:
        server.stop()
    peak_kb = max(sampler.peak_kb, hwm_kb or 0)
    rows = result["lines"] - header
    return {
        "size": size,
        "stored_claims": stored,
        "format": args.format,
        "status": result["status"],
        "rows": rows,
        "complete": rows == stored and result["stream_complete"],
        "worker_survived": alive,
        "bytes": result["bytes"],
        "idle_rss_mb": round(idle_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_over_idle_mb": round((peak_kb - idle_kb) / 1024, 1),
        "first_byte_s": _round(result["first_byte_s"]),
        "first_row_s": _round(result["first_row_s"]),
        "total_s": round(result["total_s"], 1),
        "rows_per_s": round(rows / result["total_s"]) if result["total_s"] else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/exportbench",
        help="Each size gets its own database: this URL with _<size> appended.",
    )
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--timeout", type=int, default=60, help="gunicorn --timeout (docker-compose: 60)."
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="gunicorn --threads (docker-compose: 4, a gthread worker; 1 is a sync worker, "
        "which is killed when an export outlasts --timeout).",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "export.json"))
    args = parser.parse_args()

    results = []
    print(
        "size | rows | complete | idle RSS MB | peak RSS MB | peak - idle MB | first byte s "
        "| first row s | total s | rows/s | goal",
        flush=True,
    )
    for size in sorted(args.sizes):
        r = measure(f"{args.database_url}_{size}", size, args)
        ok = (
            r["complete"]
            and r["peak_over_idle_mb"] <= PEAK_OVER_IDLE_MB
            and r["first_row_s"] is not None
            and r["first_row_s"] <= FIRST_BYTE_S
        )
        print(
            f"{size:,} | {r['rows']:,} | {r['complete']} | {r['idle_rss_mb']} | {r['peak_rss_mb']} "
            f"| {r['peak_over_idle_mb']} | {r['first_byte_s']} | {r['first_row_s']} | {r['total_s']} "
            f"| {r['rows_per_s']} "
            f"| {'ok' if ok else 'MISSED'}",
            flush=True,
        )
        results.append({**r, "goal_met": ok})
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load_average": os.getloadavg(),
                },
                "goal": {"peak_over_idle_mb": PEAK_OVER_IDLE_MB, "first_byte_s": FIRST_BYTE_S},
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

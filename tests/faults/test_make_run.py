"""`make run` stopped every way a supervisor, a terminal or a crash stops it, and started again.

Each start runs the real `make run` (migrate, load_demo, reconcile, runserver) in a process
group of its own, on a free port, with its own var/ (so its own embedded PostgreSQL), and with
no DATABASE_URL or broker, as on a bare machine. After each stop no process of the group is
left, and the embedded server is either stopped or found and reused by the next start, which
serves the home page within 60 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from .infra import ROOT, free_port, wait_until

NEXT_START_SECONDS = 60
# The first start also creates the cluster and migrates an empty database.
FIRST_START_SECONDS = 240


class MakeRun:
    def __init__(self, var: Path, log: Path) -> None:
        self.var = var
        self.pgdata = var / "pgdata"
        self.log = log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "XDG_RUNTIME_DIR", "SECRET_KEY"}
        }
        self.env["PROVENANCE_VAR_DIR"] = str(var)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, *, within: float) -> float:
        """Start `make run` and wait for the home page; return the seconds it took."""
        began = time.monotonic()
        with open(self.log, "ab") as log:
            # -o: the dependencies are installed (this test runs in the venv), so make does not
            # look at the install stamp, which a checkout's newer lock file would make it redo.
            self.proc = subprocess.Popen(
                [
                    "make",
                    "--no-print-directory",
                    "-o",
                    ".venv/.installed",
                    "run",
                    f"PORT={self.port}",
                    "HOST=127.0.0.1",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self.home_page_ok, timeout=within, interval=0.5, what="the home page")
        return time.monotonic() - began

    def home_page_ok(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"make run exited with {self.proc.returncode}; see {self.log}")
        try:
            with urllib.request.urlopen(self.url, timeout=10) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def group(self) -> list[psutil.Process]:
        """The live processes of make run's process group."""
        assert self.proc is not None
        found = []
        for process in psutil.process_iter():
            try:
                if os.getpgid(process.pid) == self.proc.pid and process.status() != "zombie":
                    found.append(process)
            except (ProcessLookupError, psutil.NoSuchProcess):
                continue
        return found

    def web_process(self) -> psutil.Process:
        (web,) = [p for p in self.group() if "runserver" in " ".join(p.cmdline())]
        return web

    def postgres(self) -> list[psutil.Process]:
        """The embedded server's processes (in a session of their own, not in the group)."""
        found = []
        for process in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            if process.info["name"] == "postgres" and str(self.pgdata) in cmdline:
                found.append(process)
        return found

    def postmasters(self) -> list[int]:
        processes = self.postgres()
        pids = {p.pid for p in processes}
        return [p.pid for p in processes if p.ppid() not in pids]

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def wait_stopped(self) -> None:
        """make has exited and no process of its group is left."""
        assert self.proc is not None
        self.proc.wait(timeout=60)
        wait_until(lambda: not self.group(), timeout=30, what="no process left in the group")

    def kill_everything(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            for process in self.group():
                process.kill()
            self.proc.wait(timeout=10)
        for process in self.postgres():
            process.kill()


@pytest.fixture
def make_run(logs: Path) -> Iterator[MakeRun]:
    var = Path(tempfile.mkdtemp(prefix="provenance-run-")) / "var"
    run = MakeRun(var, logs / f"make-run-{os.getpid()}.log")
    try:
        yield run
    finally:
        run.kill_everything()
        shutil.rmtree(var.parent, ignore_errors=True)


def test_make_run_starts_again_after_sigterm_sighup_and_crashes(make_run: MakeRun) -> None:
    make_run.start(within=FIRST_START_SECONDS)

    # A supervisor, `docker stop`, `kill -TERM -PGID`: the whole group. The server is stopped.
    os.killpg(make_run.proc.pid, signal.SIGTERM)  # type: ignore[union-attr]
    make_run.wait_stopped()
    wait_until(lambda: not make_run.postgres(), timeout=30, what="embedded PostgreSQL stopped")
    assert make_run.start(within=NEXT_START_SECONDS) < NEXT_START_SECONDS

    # A closed terminal.
    os.killpg(make_run.proc.pid, signal.SIGHUP)  # type: ignore[union-attr]
    make_run.wait_stopped()
    wait_until(lambda: not make_run.postgres(), timeout=30, what="embedded PostgreSQL stopped")
    make_run.start(within=NEXT_START_SECONDS)

    # The web process crashes: nothing runs its exit hooks, so the server keeps running and the
    # dead pid stays in the handle file. The next start finds the server and reuses it (its
    # first command, migrate, joins it and, as the last user, stops it on exit): one server.
    postmaster = make_run.postmaster_pid()
    make_run.web_process().kill()
    make_run.wait_stopped()
    assert make_run.postmasters() == [postmaster]
    make_run.start(within=NEXT_START_SECONDS)
    assert make_run.postmasters() == [make_run.postmaster_pid()]
    postmaster = make_run.postmaster_pid()

    # The embedded server crashes under the running web process: the next connection starts it
    # again, and the pages come back without restarting make run.
    os.kill(postmaster, signal.SIGKILL)  # type: ignore[arg-type]
    wait_until(make_run.home_page_ok, timeout=NEXT_START_SECONDS, what="the home page again")
    assert make_run.postmaster_pid() not in (None, postmaster)

    # A handle file a crash left damaged (today's empty file made every start die with
    # JSONDecodeError), with a stale pid in it.
    os.killpg(make_run.proc.pid, signal.SIGTERM)  # type: ignore[union-attr]
    make_run.wait_stopped()
    wait_until(lambda: not make_run.postgres(), timeout=30, what="embedded PostgreSQL stopped")
    for damaged in ("", "[4194301, ", "{}"):
        (make_run.pgdata / ".handle_pids.json").write_text(damaged)
        make_run.start(within=NEXT_START_SECONDS)
        os.killpg(make_run.proc.pid, signal.SIGINT)  # type: ignore[union-attr]
        make_run.wait_stopped()

    # Ctrl-C at the end: nothing at all is left behind.
    wait_until(lambda: not make_run.postgres(), timeout=30, what="embedded PostgreSQL stopped")

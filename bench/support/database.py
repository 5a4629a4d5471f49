"""The benchmarks' databases: created on the server the URL names if missing, then migrated."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]


def database_ready(database_url: str) -> None:
    """Create the database `database_url` names if it does not exist, and migrate it (in a
    subprocess: the caller may not have set Django up yet, or for another database)."""
    base, name = database_url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    _manage(database_url, "migrate", "-v", "0")


def synthetic_add(database_url: str, claims: int, *, text: str | None = None) -> None:
    """Add `claims` synthetic claims (about 10 per article, 1 source per 100 claims) to the
    database with `manage.py generate_synthetic`; `text` is its --text (default: its own)."""
    started = time.monotonic()
    _manage(
        database_url,
        "generate_synthetic",
        "--claims",
        str(claims),
        "--articles",
        str(max(1, claims // 10)),
        "--sources",
        str(max(50, claims // 100)),
        *(["--text", text] if text else []),
        "--no-progress",
    )
    print(f"generated {claims} claims in {time.monotonic() - started:.0f}s", flush=True)


def _manage(database_url: str, *command: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "bench.support.settings",
    }
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .infra import PrivatePostgres, PrivateRedis, app_env, manage

LOGS = Path(__file__).resolve().parent.parent.parent / "var" / "faults"
_names = itertools.count()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def logs() -> Path:
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL with a migrated template database `faults_template`."""
    pg = PrivatePostgres()
    try:
        pg.init()
        pg.start()
        pg.execute("CREATE DATABASE faults_template")
        manage(
            "migrate",
            "--no-input",
            env=app_env(database_url=pg.url("faults_template"), broker_url=""),
        )
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def private_db(private_pg: PrivatePostgres) -> str:
    """A fresh, migrated database on the private server; returns its name."""
    name = f"faults_{os.getpid()}_{next(_names)}"
    private_pg.execute(f"CREATE DATABASE {name} TEMPLATE faults_template")
    return name


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()

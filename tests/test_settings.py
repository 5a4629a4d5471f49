from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "provenance.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = _django_setup(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_gunicorn_and_celery_start_with_debug_off_so_they_refuse_no_secret_key() -> None:
    # Not through manage.py (the WSGI app, Celery): DEBUG unset means production.
    result = _django_setup()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_from_a_checkout_gives_development_defaults() -> None:
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True"


def test_manage_py_with_debug_off_as_production_sets_it_still_refuses_no_secret_key() -> None:
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_with_a_real_secret_key_and_debug_off() -> None:
    result = _django_setup(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe'"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"},
            "DATABASE_URL must point to PostgreSQL",
        ),
        ({"DEBUG": "1", "EXTRACTION_LEASE_SECONDS": "soon"}, "EXTRACTION_LEASE_SECONDS='soon'"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY must be a real secret"),
    ],
)
def test_bad_settings_fail_loudly_with_the_variable_name(env: dict[str, str], named: str) -> None:
    result = _django_setup(**env)
    assert result.returncode != 0
    assert named in result.stderr


def test_a_database_outage_answers_503_with_retry_after_in_the_error_shape() -> None:
    from django.db import OperationalError

    from core.api import exception_handler

    response = exception_handler(OperationalError("server closed the connection"), {})
    assert response is not None and response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["error"]["code"] == "database_unavailable"


def test_an_oversized_request_to_any_endpoint_answers_413_in_the_error_shape(
    client, settings, db
) -> None:  # type: ignore[no-untyped-def]
    from core.access import Role
    from tests.editorial.conftest import make_user

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(make_user(Role.EDITOR))
    response = client.post("/api/v1/urls", data="x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


@pytest.mark.django_db
def test_database_sessions_plan_without_parallel_workers_unless_asked() -> None:
    # Parallel workers cost ~10 ms to start for queries that take 1 ms (bench/README.md).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS']['options'])",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "provenance.settings",
            "DB_PARALLEL_WORKERS": "2",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "-c max_parallel_workers_per_gather=2", result.stderr

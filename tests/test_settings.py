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
        cwd=ROOT, env={**base, "DJANGO_SETTINGS_MODULE": "provenance.settings", **env},
        capture_output=True, text=True, timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = _django_setup(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_starts_with_a_real_secret_key_and_debug_off() -> None:
    result = _django_setup(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe'"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point to PostgreSQL"),
        ({"DEBUG": "1", "EXTRACTION_LEASE_SECONDS": "soon"}, "EXTRACTION_LEASE_SECONDS='soon'"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY must be a real secret"),
    ],
)
def test_bad_settings_fail_loudly_with_the_variable_name(env: dict[str, str], named: str) -> None:
    result = _django_setup(**env)
    assert result.returncode != 0
    assert named in result.stderr

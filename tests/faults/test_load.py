"""A short run of bench/load.py (`make load` runs it longer): mixed reads and submissions
against gunicorn on loopback, with zero 5xx, zero failed requests and zero lost submissions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .infra import ROOT, app_env

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]


def test_mixed_load_gets_no_5xx_and_loses_no_submission(logs: Path) -> None:
    out = logs / "load.json"
    done = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--seconds",
            "20",
            "--clients",
            "12",
            "--claims",
            "3000",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=app_env(database_url="", broker_url=""),
        capture_output=True,
        text=True,
        timeout=800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["ok"] and report["server_errors"] == 0 and report["failed"] == 0
    assert report["submissions_acknowledged"] > 50 and report["submissions_lost"] == 0
    print(
        f"\nload: {report['requests']} requests in {report['seconds']} s, {report['rps']} req/s, "
        f"p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, {report['submissions_acknowledged']} "
        f"submissions, 0 lost, 0 5xx"
    )

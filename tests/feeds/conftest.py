"""A local HTTP server for the feed and URL tests: the only thing they ever fetch from."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rest_framework.test import APIClient

# The session's Celery worker process (tests/conftest.py) is started later from a copy of this
# environment; the integration tests here need it to fetch from their local server too.
os.environ.setdefault("FETCH_ALLOWED_HOSTS", "127.0.0.1")


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # seconds between bytes of the body


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path, Route(b"not found", 404))
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if "Content-Length" not in route.headers:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    if route.drip:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout or size cap under test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        drip: float = 0.0,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(
            data, status, {"Content-Type": content_type, **(headers or {})}, delay, drip
        )
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()
    local.thread.join(5)


@pytest.fixture
def tls_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:  # type: ignore[no-untyped-def]
    """The local server over HTTPS with a self-signed certificate for news.test (trusted here)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make a test certificate: apt-get install openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setattr("certifi.where", lambda: str(cert))
    local = LocalServer()
    local.httpd.socket = context.wrap_socket(local.httpd.socket, server_side=True)
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()
    local.thread.join(5)


@pytest.fixture(autouse=True)
def _fetch_settings(settings) -> None:  # type: ignore[no-untyped-def]
    # The local server is on loopback, which feeds.fetch refuses unless the host is allowed.
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FETCH_TIMEOUT_SECONDS = 5


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Record what would be handed to a worker instead of sending it to the broker."""
    calls: dict[str, list[int]] = {"articles": [], "feeds": [], "urls": []}
    kinds = {
        "claims.extract_article": "articles",
        "feeds.poll_feed": "feeds",
        "feeds.fetch_url_submission": "urls",
    }

    def send(name: str, *, args=(), kwargs=None, queue=None, once=None) -> bool:  # type: ignore[no-untyped-def]
        calls[kinds[name]].extend(args)
        return True

    monkeypatch.setattr("core.queue.send", send)
    # One task per article, as with no broker: what each door submitted, one id at a time.
    monkeypatch.setattr("core.queue.in_process", lambda: True)
    return calls


@pytest.fixture
def editor_api(db) -> APIClient:  # type: ignore[no-untyped-def]
    """Registering and editing feeds is an editor's work (feeds.access)."""
    from core.access import Role
    from tests.editorial.conftest import client_for

    return client_for(Role.EDITOR)


@pytest.fixture
def client(db):  # type: ignore[no-untyped-def]
    """The page tests act as a signed-in editor."""
    from django.test import Client

    from core.access import Role
    from tests.editorial.conftest import make_user

    browser = Client()
    browser.force_login(make_user(Role.EDITOR, "feed-editor"))
    return browser

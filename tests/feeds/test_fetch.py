"""feeds.fetch: the one outbound HTTP function. No traffic ever goes to a refused address: the
resolver is patched, and opening a connection is made to fail the test."""

from __future__ import annotations

import socket
import time

import pytest

from core.errors import ApplicationError
from feeds import fetch as fetch_module
from feeds.fetch import address_refusal, fetch

_real_getaddrinfo = socket.getaddrinfo


def _resolve_as(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> list[str]:
    """Make these host names resolve to these addresses; return the log of names looked up."""
    asked: list[str] = []

    def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(host)
        if host in names:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in names[host]
            ]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was opened to a refused address")

    monkeypatch.setattr(fetch_module, "_pool", refuse)


def _error(url: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        fetch(url)
    return info.value


def test_it_fetches_a_page_from_an_allowed_local_server(server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/a", "<p>hello</p>", headers={"ETag": '"v1"'})
    result = fetch(url)
    assert result.status == 200
    assert result.body == b"<p>hello</p>"
    assert result.content_type == "text/html" and result.charset == "utf-8"
    assert result.headers["etag"] == '"v1"'


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/feed.xml",
        "file:///etc/passwd",
        "gopher://example.org/",
        "javascript:alert(1)",
    ],
)
def test_it_refuses_schemes_other_than_http_and_https(url: str, no_connections: None) -> None:
    error = _error(url)
    assert error.code == "fetch_refused"
    assert "only http and https" in error.message


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.20", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "reserved"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("2002:a00:1::", "private"),
        ("100.64.0.1", "not a public address"),
    ],
)
def test_a_host_resolving_to_a_non_public_address_is_refused_without_connecting(
    address: str,
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    no_connections: None,
) -> None:
    _resolve_as(monkeypatch, {"news.example": [address]})
    error = _error("https://news.example/feed.xml")
    assert error.code == "fetch_refused"
    assert reason in error.message
    assert address in error.message and "FETCH_ALLOWED_HOSTS" in error.message
    assert error.details["retryable"] is False


def test_a_host_is_refused_when_any_one_of_its_addresses_is_private(
    monkeypatch: pytest.MonkeyPatch,
    no_connections: None,
) -> None:
    _resolve_as(monkeypatch, {"news.example": ["93.184.216.34", "10.0.0.7"]})
    error = _error("http://news.example/")
    assert error.code == "fetch_refused" and "10.0.0.7" in error.message


def test_a_literal_metadata_address_is_refused(no_connections: None) -> None:
    assert _error("http://169.254.169.254/latest/meta-data/").code == "fetch_refused"
    assert _error("http://[fd00:ec2::254]/latest/meta-data/").code == "fetch_refused"


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888"])
def test_public_addresses_pass_the_check(address: str) -> None:
    assert address_refusal(address) is None


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("192.0.0.8", "IPv4 dummy address (RFC 7600), public to Python 3.11"),
        ("192.0.0.170", "NAT64/DNS64 discovery (RFC 7050)"),
        ("192.88.99.1", "retired 6to4 relay anycast (RFC 7526), public to Python 3.11"),
        ("3fff::1", "IPv6 documentation (RFC 9637), public to Python 3.11"),
        ("5f00::1", "SRv6 SIDs (RFC 9602), public to Python 3.11"),
        ("64:ff9b:1::1", "local-use IPv4/IPv6 translation (RFC 8215), public to Python 3.11"),
        ("100.64.0.1", "shared address space, carrier-grade NAT (RFC 6598)"),
        ("198.18.0.1", "benchmarking (RFC 2544)"),
        ("240.0.0.1", "reserved for future use (RFC 1112)"),
        ("255.255.255.255", "limited broadcast"),
        ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
        ("2001:db8::1", "IPv6 documentation (RFC 3849)"),
        ("192.0.2.1", "TEST-NET-1 (RFC 5737)"),
        ("169.254.169.254", "cloud metadata, link-local"),
        ("0.0.0.0", "this host on this network"),
        ("::", "IPv6 unspecified"),
        ("100::1", "IPv6 discard-only (RFC 6666)"),
        ("fc00::1", "IPv6 unique local (RFC 4193)"),
    ],
)
def test_special_purpose_addresses_are_refused(address: str, name: str) -> None:
    assert address_refusal(address) is not None, f"{address} ({name}) was let through"


def test_a_host_resolving_to_a_special_purpose_address_python_3_11_calls_global_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    no_connections: None,
) -> None:
    _resolve_as(monkeypatch, {"news.example": ["192.0.0.8"]})
    error = _error("https://news.example/feed.xml")
    assert error.code == "fetch_refused"
    assert "192.0.0.8, not a public address" in error.message


def test_a_host_listed_in_fetch_allowed_hosts_may_resolve_to_a_special_purpose_address(
    settings,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The operator's explicit exception (an intranet feed; the tests' local server) still holds.
    settings.FETCH_ALLOWED_HOSTS = ["intranet.example"]
    _resolve_as(monkeypatch, {"intranet.example": ["192.0.0.8"]})
    assert fetch_module._checked_addresses("http://intranet.example/", "intranet.example", 80) == [
        "192.0.0.8"
    ]


def test_it_connects_to_the_address_it_checked_and_resolves_the_name_only_once(
    server,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # A rebinding DNS server answers the check with one address and the connection with
    # another; resolving once and connecting to that IP leaves it no second answer to give.
    settings.FETCH_ALLOWED_HOSTS = ["intranet.example"]
    asked = _resolve_as(monkeypatch, {"intranet.example": ["127.0.0.1"]})
    server.route("/feed", "ok", content_type="text/plain")
    result = fetch(f"http://intranet.example:{server.port}/feed")
    assert result.body == b"ok"
    assert asked.count("intranet.example") == 1
    path, headers = server.requests[-1]
    assert headers["Host"] == f"intranet.example:{server.port}"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://metadata.example/",
        "http://localhost:{port}/secret",
        "http://[::1]:{port}/secret",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_refused_address_is_refused(
    target: str,
    server,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    _resolve_as(monkeypatch, {"metadata.example": ["169.254.169.254"]})
    server.route("/secret", "the secret")
    start = server.route(
        "/go", "", status=302, headers={"Location": target.format(port=server.port)}
    )
    error = _error(start)
    assert error.code == "fetch_refused"
    assert server.hits("/go") == 1 and server.hits("/secret") == 0


def test_redirects_are_followed_to_the_final_page(server) -> None:  # type: ignore[no-untyped-def]
    server.route("/end", "done", content_type="text/plain")
    server.route("/middle", status=301, headers={"Location": "/end"})
    start = server.route("/start", status=307, headers={"Location": server.url("/middle")})
    result = fetch(start)
    assert result.body == b"done"
    assert result.url == server.url("/end")


def test_too_many_redirects_are_refused(server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_MAX_REDIRECTS = 2
    server.route("/loop", status=302, headers={"Location": "/loop"})
    error = _error(server.url("/loop"))
    assert error.code == "fetch_too_many_redirects"
    assert server.hits("/loop") == 3


@pytest.mark.parametrize("declared", [True, False])
def test_a_response_larger_than_the_cap_is_refused(server, settings, declared: bool) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_MAX_BYTES = 2048
    headers = {} if declared else {"Content-Length": "", "Connection": "close"}
    server.route("/big", b"x" * 10_000, headers=headers)
    error = _error(server.url("/big"))
    assert error.code == "fetch_too_large"
    assert "FETCH_MAX_BYTES" in error.message


def test_a_slow_server_times_out_with_a_retryable_error(server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_TIMEOUT_SECONDS = 1
    server.route("/slow", "late", delay=2.5)
    error = _error(server.url("/slow"))
    assert error.code == "fetch_timeout"
    assert error.details["retryable"] is True


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (429, True), (404, False), (403, False)]
)
def test_an_error_status_is_reported_and_says_whether_to_retry(
    server, status: int, retryable: bool
) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/x", "nope", status=status)
    error = _error(url)
    assert error.code == "fetch_http_status"
    assert f"HTTP {status}" in error.message and url in error.message
    assert error.details["retryable"] is retryable


def test_a_host_that_does_not_resolve_is_a_retryable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    error = _error("https://no-such-host.example/feed")
    assert error.code == "fetch_dns" and error.details["retryable"] is True


def test_urls_with_credentials_are_refused(no_connections: None) -> None:
    assert _error("http://user:pw@example.org/").code == "fetch_refused"


def test_a_server_dripping_its_body_is_cut_off_at_the_deadline(server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_TIMEOUT_SECONDS = 1
    server.route("/drip", b"x" * 40, drip=0.1)
    started = time.monotonic()
    error = _error(server.url("/drip"))
    assert error.code == "fetch_timeout"
    assert time.monotonic() - started < 2.5


def test_https_connects_to_the_checked_address_and_verifies_the_certificate_for_the_host_name(
    tls_server,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    settings.FETCH_ALLOWED_HOSTS = ["news.test"]
    asked = _resolve_as(monkeypatch, {"news.test": ["127.0.0.1"]})
    tls_server.route("/feed", "secure", content_type="text/plain")
    result = fetch(f"https://news.test:{tls_server.port}/feed")
    assert result.body == b"secure"
    assert asked.count("news.test") == 1
    assert tls_server.requests[-1][1]["Host"] == f"news.test:{tls_server.port}"


def test_https_refuses_a_certificate_for_another_name(
    tls_server, settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings.FETCH_ALLOWED_HOSTS = ["other.test"]
    _resolve_as(monkeypatch, {"other.test": ["127.0.0.1"]})
    tls_server.route("/feed", "secure", content_type="text/plain")
    error = _error(f"https://other.test:{tls_server.port}/feed")
    assert error.code == "fetch_tls"

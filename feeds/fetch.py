"""Fetching a URL from the internet without letting it reach into our own network.

The one outbound HTTP function of the project; the feed poller and the URL door both use it.
A URL typed by an editor (or a redirect chosen by a remote server) must not make the worker
request http://169.254.169.254/ (cloud credentials), http://localhost:6379/ (our Redis) or a
machine on the private network. So, for the first request and for every redirect:

1. only http and https;
2. the host name is resolved once with socket.getaddrinfo and EVERY address is checked: one
   private address among public ones refuses the whole host;
3. the connection goes to the checked IP address (the host name travels only in the Host header
   and in TLS SNI/certificate checks), so a DNS server answering differently the second time
   (DNS rebinding) cannot swap in another address after the check.

Redirects are followed by hand for that reason; a timeout (whole request), a size cap and a
redirect limit come from settings. Every failure is an ApplicationError whose message names the
URL and the reason; `details["retryable"]` says whether trying again later may help.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from core.errors import ApplicationError
from feeds.extract import ExtractedPage, page_extract

_METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IANA's special-purpose address registries, the ranges not globally reachable (or deprecated),
# for the Python releases whose `is_global` still takes them for public: 3.11's misses
# 192.0.0.0/24 (192.0.0.8, the IPv4 dummy address), 192.88.99.0/24 (the retired 6to4 relay
# anycast), 3fff::/20 (documentation, RFC 9637), 5f00::/16 (SRv6 SIDs) and 64:ff9b:1::/48 (local
# NAT64). The ranges every release gets right are listed too, so the rule reads in one place.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
        "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 2xx, or 304 for a conditional request
    content_type: str  # lower-cased media type without parameters, "" when absent
    charset: str | None
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name in the Content-Type header
            return self.body.decode("utf-8", errors="replace")


def _fail(message: str, *, code: str, retryable: bool, **details: object) -> ApplicationError:
    return ApplicationError(
        message, code=code, field="url", details={"retryable": retryable, **details}
    )


def is_retryable(exc: ApplicationError) -> bool:
    return bool(exc.details.get("retryable"))


def address_refusal(address: str) -> str | None:
    """Why a request to this IP address is refused, or None when it is a public address."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1, 2002:7f00:1::, Teredo and NAT64 (64:ff9b::10.0.0.1) wrap an IPv4
        # address that may route inside.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = address_refusal(str(embedded))
            if reason:
                return reason
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    # Everything that is not globally reachable is refused, whatever this Python knows of it.
    if not ip.is_global or any(ip in net for net in _NOT_GLOBAL):
        return "not a public address"
    return None


def _host_allowed(host: str) -> bool:
    allowed = {h.strip().lower().rstrip(".") for h in settings.FETCH_ALLOWED_HOSTS}
    return host.lower().rstrip(".") in allowed


def _checked_addresses(url: str, host: str, port: int) -> list[str]:
    """Resolve the host once and return its addresses, refusing it if any is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise _fail(
            f"Could not resolve the host {host!r} of {url}: {exc}.",
            code="fetch_dns",
            retryable=True,
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise _fail(f"The host {host!r} of {url} has no address.", code="fetch_dns", retryable=True)
    if _host_allowed(host):
        return addresses
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            where = (
                f"{host} is {reason}"
                if host == address
                else f"{host} resolves to {address}, {reason}"
            )
            raise _fail(
                f"Refused to fetch {url}: {where}. Only public "
                "addresses are fetched; an operator can allow this host with FETCH_ALLOWED_HOSTS.",
                code="fetch_refused",
                retryable=False,
                address=address,
            )
    return addresses


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # IDNA-encoded, lower case, no brackets
    port: int
    path: str  # path and query, never the fragment
    host_header: str


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _fail(
            f"{url[:200]!r} is not a valid URL: {exc}.", code="fetch_invalid_url", retryable=False
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _fail(
            f"Refused to fetch {url[:200]!r}: only http and https URLs are fetched.",
            code="fetch_refused",
            retryable=False,
        )
    if parts.username is not None or parts.password is not None:
        raise _fail(
            f"Refused to fetch {url[:200]!r}: URLs with a user name or password are not fetched.",
            code="fetch_refused",
            retryable=False,
        )
    if not parts.hostname:
        raise _fail(f"{url[:200]!r} has no host name.", code="fetch_invalid_url", retryable=False)
    try:
        host = (
            parts.hostname.encode("idna").decode("ascii")
            if not _is_ip(parts.hostname)
            else parts.hostname
        )
    except UnicodeError:
        raise _fail(
            f"{url[:200]!r} has an invalid host name.", code="fetch_invalid_url", retryable=False
        ) from None
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == default_port else f"{shown}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(scheme=scheme, host=host, port=port, path=path, host_header=host_header)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _pool(target: _Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    # The pool connects to the checked address; TLS still verifies the certificate against
    # the host name (server_hostname for SNI, assert_hostname for the check).
    pool_timeout = urllib3.Timeout(connect=min(timeout, 10.0), read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=pool_timeout,
            maxsize=1,
            retries=False,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(
        address, target.port, timeout=pool_timeout, maxsize=1, retries=False
    )


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _fail(
            f"Fetching {url} took longer than {settings.FETCH_TIMEOUT_SECONDS} seconds.",
            code="fetch_timeout",
            retryable=True,
        )
    return left


def _open(
    url: str,
    target: _Target,
    headers: dict[str, str],
    deadline: float,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    addresses = _checked_addresses(url, target.host, target.port)
    last_error: Exception | None = None
    for address in addresses:
        pool = _pool(target, address, _remaining(deadline, url))
        try:
            response = pool.urlopen(
                method,
                target.path,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
        except (NewConnectionError, ConnectTimeoutError) as exc:
            # This address does not answer; the host's next (equally checked) one may.
            pool.close()
            last_error = exc
            continue
        except ReadTimeoutError:
            pool.close()
            raise _fail(
                f"Fetching {url} took longer than {settings.FETCH_TIMEOUT_SECONDS} seconds.",
                code="fetch_timeout",
                retryable=True,
            ) from None
        except SSLError as exc:
            pool.close()
            raise _fail(
                f"The TLS connection to {url} failed: {exc}.", code="fetch_tls", retryable=False
            ) from None
        except HTTPError as exc:
            pool.close()
            raise _fail(
                f"Fetching {url} failed: {exc}.", code="fetch_failed", retryable=True
            ) from None
        return pool, response
    raise _fail(
        f"Could not connect to {url}: {last_error}.", code="fetch_unreachable", retryable=True
    )


def _read_body(url: str, response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    limit = settings.FETCH_MAX_BYTES
    too_large = _fail(
        f"The response from {url} is larger than the {limit:,}-byte limit (FETCH_MAX_BYTES).",
        code="fetch_too_large",
        retryable=False,
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        # read1 returns whatever one socket read brings (read(n) would wait for all n bytes), so
        # the deadline is checked between reads: the socket timeout bounds each read, this the
        # whole download, and a server dripping a byte a second cannot hold a worker for hours.
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise too_large
            _remaining(deadline, url)
            chunks.append(chunk)
    except ReadTimeoutError:
        raise _fail(
            f"Fetching {url} took longer than {settings.FETCH_TIMEOUT_SECONDS} seconds.",
            code="fetch_timeout",
            retryable=True,
        ) from None
    except HTTPError as exc:
        raise _fail(
            f"Reading the response from {url} failed: {exc}.", code="fetch_failed", retryable=True
        ) from None
    return b"".join(chunks)


def _content_type(value: str) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = value or "application/octet-stream"
    charset = message.get_content_charset()
    return (message.get_content_type() if value else ""), charset


def fetch(
    url: str,
    *,
    accept: str = "*/*",
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> FetchResult:
    """GET a public http(s) URL, following redirects by hand; see the module docstring.

    `headers` may carry If-None-Match / If-Modified-Since: a 304 answer is returned (empty body)
    rather than raised. Any other non-2xx final answer raises ApplicationError.

    `method="POST"` with a `body` (the watchlists' webhooks) goes through the same address
    checks; a redirect answer to a POST is an error, not followed (a redirected POST turns into
    a GET or repeats the body to a host nobody configured).
    """
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS
    request_headers = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": accept,
        # Compressed bodies are decoded by urllib3 within the size cap, but asking for none
        # keeps the cap meaningful for what crosses the wire too.
        "Accept-Encoding": "identity",
        **(headers or {}),
    }
    current = url.strip()
    for _ in range(settings.FETCH_MAX_REDIRECTS + 1):
        target = _target(current)
        pool, response = _open(current, target, request_headers, deadline, method=method, body=body)
        try:
            if response.status in _REDIRECT_STATUSES and method != "GET":
                raise _fail(
                    f"{current} answered {response.status} (a redirect) to a {method}; "
                    "give the final URL.",
                    code="fetch_http_status",
                    retryable=False,
                    status=response.status,
                )
            if response.status in _REDIRECT_STATUSES:
                location = response.headers.get("Location", "").strip()
                if not location:
                    raise _fail(
                        f"{current} answered {response.status} without a Location header.",
                        code="fetch_failed",
                        retryable=False,
                    )
                current = urljoin(current, location)
                continue
            if response.status == 304:
                body = b""
            elif 200 <= response.status < 300:
                body = _read_body(current, response, deadline)
            else:
                retryable = response.status >= 500 or response.status in (408, 429)
                raise _fail(
                    f"{current} answered HTTP {response.status} {response.reason or ''}".rstrip()
                    + ".",
                    code="fetch_http_status",
                    retryable=retryable,
                    status=response.status,
                )
            content_type, charset = _content_type(response.headers.get("Content-Type", ""))
            kept = {
                k.lower(): v
                for k, v in response.headers.items()
                if k.lower() in ("etag", "last-modified", "content-type")
            }
            return FetchResult(
                url=current,
                status=response.status,
                content_type=content_type,
                charset=charset,
                body=body,
                headers=kept,
            )
        finally:
            # close() and not release_conn(): an unread body (a redirect, a refused size) must
            # not go back to a pool for reuse, and its socket file must be closed, not leaked.
            response.close()
            pool.close()
    raise _fail(
        f"{url} redirected more than {settings.FETCH_MAX_REDIRECTS} times (FETCH_MAX_REDIRECTS).",
        code="fetch_too_many_redirects",
        retryable=False,
    )


PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5"


_HTML_TYPES = {"text/html", "application/xhtml+xml"}


def page_fetch_extract(*, url: str) -> tuple[ExtractedPage, str]:
    """Fetch an article page and extract its main text; returns (page, URL after redirects)."""
    result = fetch(url, accept=PAGE_ACCEPT)
    if result.content_type in _HTML_TYPES or not result.content_type:
        html: str | bytes = result.text() if result.charset else result.body
        return page_extract(html=html, url=result.url), result.url
    if result.content_type == "text/plain":
        return ExtractedPage(text=result.text(), title="", published=None, outlet=""), result.url
    raise ApplicationError(
        f"{result.url} is not a web page (its content type is {result.content_type}). "
        "Submit the URL of an HTML article page.",
        code="unsupported_type",
        field="url",
    )

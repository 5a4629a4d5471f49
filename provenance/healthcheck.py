"""The container health probe: `python -m provenance.healthcheck` exits 0 when /healthz answers 200.

Used by the image's HEALTHCHECK and docker-compose's web service. It asks gunicorn on loopback
with a Host header taken from ALLOWED_HOSTS, so a deployment that allows only its public name
(ALLOWED_HOSTS=news.example.org) is not reported unhealthy for a 400 on 127.0.0.1. Standard
library only, and no Django: a probe must not load the app it checks.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def probe_host(allowed_hosts: str) -> str:
    """A Host header that Django's ALLOWED_HOSTS check accepts: the first entry (`.example.org`
    allows example.org itself; `*` allows anything)."""
    for entry in allowed_hosts.split(","):
        host = entry.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz",  # the image's gunicorn bind
        headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        sys.stderr.write(f"unhealthy: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())

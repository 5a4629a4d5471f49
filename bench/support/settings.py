"""The product's settings plus the benchmark scaffolding: `generate_synthetic` and the floor
endpoint `/api/v1/bench/claims-bare`. Used by bench/*.py and by tests of the scaffolding only;
never by a deployment."""

from __future__ import annotations

from provenance.settings import *  # noqa: F403
from provenance.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.support"]
ROOT_URLCONF = "bench.support.urls"

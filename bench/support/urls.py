"""The product's routes plus the bench floor endpoint that bench/bench_api.py compares the
claims list against."""

from __future__ import annotations

from django.urls import path

from bench.support.endpoints import claims_bare
from provenance.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("api/v1/bench/claims-bare", claims_bare, name="bench-claims-bare"),
    *product_urlpatterns,
]

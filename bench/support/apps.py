from __future__ import annotations

from django.apps import AppConfig


class BenchSupportConfig(AppConfig):
    name = "bench.support"
    label = "bench_support"
    verbose_name = "Benchmark scaffolding"

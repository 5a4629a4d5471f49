"""Benchmark scaffolding: the synthetic knowledge base and the floor endpoint.

Never part of the product: installed and routed only by `bench.support.settings`
(DJANGO_SETTINGS_MODULE=bench.support.settings), and left out of the image (.dockerignore).
"""

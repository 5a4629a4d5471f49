"""Periodic housekeeping for sources and articles."""

from __future__ import annotations

from celery import shared_task

from sources.idempotency import idempotency_keys_purge


@shared_task(name="sources.purge_idempotency_keys", acks_late=True)
def purge_idempotency_keys() -> int:
    # Lookups already ignore expired keys; this only keeps the table small.
    return idempotency_keys_purge()

"""`Idempotency-Key` for article submission: a retried request returns the first result.

Clients on flaky networks retry a POST whose answer they never saw. Content-hash dedup already
keeps the article single, but the retry would answer 200 (duplicate) where the first answered
202; with a key, the retry answers exactly what the first request did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from sources.models import Article, IdempotencyKey

IDEMPOTENCY_KEY_TTL = dt.timedelta(hours=24)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as HTTP header values allow


@dataclass(frozen=True)
class IdempotentResult:
    article: Article
    status_code: int


def idempotency_request_hash(*, payload: dict[str, object], content: bytes) -> str:
    """A fingerprint of what was submitted: the text (or file bytes) and the metadata."""
    digest = hashlib.sha256(content)
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def idempotency_key_validate(key: str) -> str:
    if not _KEY_RE.match(key):
        raise ApplicationError(
            "The Idempotency-Key header must be 1 to 255 visible ASCII characters, such as a UUID.",
            field="Idempotency-Key",
        )
    return key


def idempotency_key_lookup(*, scope: str, key: str, request_hash: str) -> IdempotentResult | None:
    """The first result for this key, or None when the key is new (or expired)."""
    cutoff = timezone.now() - IDEMPOTENCY_KEY_TTL
    row = (
        IdempotencyKey.objects.select_related("article", "article__outlet")
        .filter(scope=scope, key=key, created_at__gte=cutoff)
        .first()
    )
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise ApplicationError(
            "This Idempotency-Key was already used for a different submission in the last 24 "
            "hours; send a new key for a new article.",
            code="idempotency_key_reused",
            status_code=422,
            field="Idempotency-Key",
        )
    return IdempotentResult(article=row.article, status_code=row.status_code)


def idempotency_key_store(
    *, scope: str, key: str, request_hash: str, article: Article, status_code: int
) -> None:
    """Remember the result for this key. An expired row with the same key is replaced."""
    cutoff = timezone.now() - IDEMPOTENCY_KEY_TTL
    try:
        with transaction.atomic():
            IdempotencyKey.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
            IdempotencyKey.objects.create(
                scope=scope,
                key=key,
                request_hash=request_hash,
                article=article,
                status_code=status_code,
            )
    except IntegrityError:
        # A concurrent retry with the same key stored it first; both point at the same article
        # because the same text dedups to one article.
        pass


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete expired keys (for a periodic task); lookups ignore them either way."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEY_TTL
    deleted: int
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted

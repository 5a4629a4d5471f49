"""Shared rules of editorial writes: a reason is required, and optimistic concurrency."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model, QuerySet

from core.errors import ApplicationError


class ConflictError(ApplicationError):
    status_code = 412


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(f"Say why you {what}: a reason is required.", field="reason")
    return reason


def bump_version(
    qs: QuerySet[Any],
    *,
    pk: int,
    expected_version: int | None,
    label: str,
    current: dict[str, Any],
    **fields: Any,
) -> None:
    """Update one row if it is still at `expected_version`, and move its version on.

    The check and the write are one conditional UPDATE, so of two editors who both loaded
    version 3, exactly one succeeds; the other gets a ConflictError (412) carrying the newer
    values of `current`'s fields. `expected_version=None` skips the check (the caller did not
    send one: forms always do, the API requires If-Match).
    """
    rows = qs.filter(pk=pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1, **fields) == 1:
        return
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ApplicationError(f"There is no {label} {pk}.", code="not_found", status_code=404)
    raise ConflictError(
        f"This {label} was changed by someone else (now version {obj.version}, you edited version "
        f"{expected_version}). Reload it, check the newer values, and apply your change again.",
        code="conflict",
        details={"version": obj.version, "current": {k: _plain(getattr(obj, k)) for k in current}},
    )


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value

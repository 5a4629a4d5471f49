"""Keyset pagination for HTML pages: a deep page costs the same as the first.

The cursor is the ordering values of the last row shown, signed so a user cannot forge a cursor
that smuggles arbitrary values into the query.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet

from core.errors import ApplicationError

M = TypeVar("M", bound=Model)
_SALT = "core.paging"


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    next_cursor: str | None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return dt.datetime.fromisoformat(value["dt"])
    return value


def keyset_page(
    qs: QuerySet[M], *, ordering: tuple[str, ...], cursor: str | None, size: int
) -> Page[M]:
    """Rows after `cursor` in `ordering` (field names, '-' for descending, ending in a unique one)."""
    fields = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
    if cursor:
        try:
            values = [_decode(v) for v in json.loads(signing.loads(cursor, salt=_SALT))]
        except (signing.BadSignature, ValueError, TypeError):
            raise ApplicationError(
                "This page link is no longer valid; start again from the first page.",
                code="bad_cursor",
                field="cursor",
            ) from None
        if len(values) != len(fields):
            raise ApplicationError(
                "This page link does not match the sort order; start again.",
                code="bad_cursor",
                field="cursor",
            )
        # (a, b, c) after (x, y, z): a beyond x, or a = x and b beyond y, or ...
        after = Q()
        for i, (name, desc) in enumerate(fields):
            step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
            for j in range(i):
                step &= Q(**{fields[j][0]: values[j]})
            after |= step
        qs = qs.filter(after)
    rows = list(qs.order_by(*ordering)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = signing.dumps(
            json.dumps([_encode(getattr(last, name)) for name, _ in fields]), salt=_SALT
        )
    return Page(rows=rows, next_cursor=next_cursor)

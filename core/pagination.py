"""The one pagination: keyset (seek) pages, for the API's lists and the HTML pages alike.

A page number is an OFFSET: the database reads and throws away every row before the page. DRF's
CursorPagination keys on the first ordering field only and skips ties with an OFFSET, which
breaks down when that field has few distinct values (six reliability grades). Here the cursor
holds the values of *every* ordering field of the row a page stops at, and the next page is
`WHERE (f1, f2, ..., id) > (v1, v2, ..., id)` spelt out per field direction, so a deep page costs
the same as the first and no row is skipped or repeated. The queryset's ordering must end in a
unique column and its fields must never be NULL (selectors coalesce them); each field is a model
field or an annotation (no `related__field` paths).

Cursors are signed, with the model and the ordering in the salt: a client cannot forge one that
puts values of its choosing into the query, and a cursor from another list or another sort order
is refused with a clear message instead of comparing a column with a value of another type.

- `keyset_paginate`: the core, a page of rows after (or before) a cursor.
- `KeysetPagination`: the API's adapter, a DRF pagination class (`?cursor=`, `?page_size=`,
  `next`/`previous` links, the page object in the OpenAPI schema).
- `keyset_page`: the HTML pages' adapter (query strings for the pager's links; a bad cursor is a
  message above the first page, never an error page).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.errors import ApplicationError

T = TypeVar("T")
_SALT = "core.pagination"


class InvalidCursor(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            "The cursor is not valid; follow the `next` and `previous` links "
            "as given, or drop `cursor` to start again.",
            field="cursor",
            code="invalid_cursor",
        )


# ------------------------------------------------------------------------------------ the core


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_cursor: str | None  # None on the last page
    previous_cursor: str | None
    # True with no previous_cursor: the page before is the list's first (a cursor past the end).
    has_previous: bool


class _Keyset:
    """A queryset's ordering and the cursors into it."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        ordering = queryset.query.order_by
        if not ordering or not all(isinstance(o, str) for o in ordering):
            raise RuntimeError(
                "Keyset pagination needs a queryset ordered by field names (order_by), "
                f"ending in a unique one; got {ordering!r}."
            )
        self.queryset = queryset
        self.ordering: tuple[str, ...] = tuple(ordering)
        self.fields = [name.lstrip("-") for name in self.ordering]
        self.signer = signing.Signer(
            salt=f"{_SALT}:{queryset.model._meta.label}:{','.join(self.ordering)}"
        )

    def reversed(self) -> list[str]:
        return [o[1:] if o.startswith("-") else f"-{o}" for o in self.ordering]

    def values_of(self, row: Any) -> list[Any]:
        return [getattr(row, name) for name in self.fields]

    def encode(self, values: Sequence[Any], *, reverse: bool) -> str:
        return str(self.signer.sign_object({"v": [_jsonable(v) for v in values], "r": reverse}))

    def decode(self, raw: str) -> tuple[list[Any], bool]:
        """(the ordering values, whether to go backwards); InvalidCursor if it is not ours."""
        try:
            data = self.signer.unsign_object(raw)
            values, reverse = data["v"], data["r"]
        except (signing.BadSignature, ValueError, TypeError, KeyError, UnicodeError):
            raise InvalidCursor() from None
        if not isinstance(values, list) or len(values) != len(self.fields):
            raise InvalidCursor()
        # Signed, so these are values we wrote; they are still parsed by the field as a query
        # parameter would be, which turns ISO text back into datetimes.
        parsed = [self._parse(name, value) for name, value in zip(self.fields, values, strict=True)]
        return parsed, reverse is True

    def _parse(self, name: str, value: Any) -> Any:
        if not isinstance(value, str | int | float | bool):
            raise InvalidCursor()
        field = self._field(name)
        try:
            python = field.to_python(value)
            field.get_prep_value(python)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise InvalidCursor() from None
        if python is None or (isinstance(python, dt.datetime) and python.tzinfo is None):
            raise InvalidCursor()
        return python

    def _field(self, name: str) -> Any:
        annotation = self.queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        meta = self.queryset.model._meta
        try:
            return meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            raise RuntimeError(f"Cannot paginate on {name!r}: not a field or annotation.") from None

    def after(self, values: list[Any], *, reverse: bool) -> Q:
        """Rows strictly after `values` in the (possibly reversed) ordering.

        Led by a plain bound on the first key (`k1 <= v1`), which the OR that follows implies:
        PostgreSQL turns that into where the index walk starts, where the OR alone is only a
        filter on rows read from the beginning of the index.
        """
        condition = Q()
        equal_so_far = Q()
        for name, value in zip(self.ordering, values, strict=True):
            field = name.lstrip("-")
            descending = name.startswith("-") != reverse
            condition |= equal_so_far & Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
            equal_so_far &= Q(**{field: value})
        descending = self.ordering[0].startswith("-") != reverse
        return Q(**{f"{self.fields[0]}__{'lte' if descending else 'gte'}": values[0]}) & condition


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def keyset_paginate(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    size: int,
    narrow_first: bool = False,
    load: Callable[[list[Any]], list[Any]] | None = None,
) -> Page[Any]:
    """The page of `size` rows after `cursor` (or the first page), in the queryset's ordering.

    With `narrow_first`, `load` (if given) turns the page's primary keys into its rows (plain
    data, in that order) instead of model instances. Raises InvalidCursor for a cursor that this
    list did not make.
    """
    keyset = _Keyset(queryset)
    values, reverse = keyset.decode(cursor) if cursor else (None, False)
    qs = queryset.order_by(*keyset.reversed()) if reverse else queryset
    if values is not None:
        qs = qs.filter(keyset.after(values, reverse=reverse))
    # One row more than the page tells whether there is a next page, without a COUNT.
    if narrow_first:
        # Find the page's ids with a narrow query (ids and sort keys only), then load the
        # full rows for those ids: sorting a whole table's wide rows, joins and all, is what
        # costs on an ordering no index serves. One more query per page, a fixed number.
        # The sort keys come along, so the cursors need nothing from the loaded rows.
        keyed = list(qs.prefetch_related(None).values_list("pk", *keyset.fields)[: size + 1])
        has_more = len(keyed) > size
        keyed = keyed[:size][::-1] if reverse else keyed[:size]
        ids = [k[0] for k in keyed]
        keys = [list(k[1:]) for k in keyed]
        if load is not None:
            rows = load(ids)
        else:
            by_id = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
            rows = [by_id[pk] for pk in ids if pk in by_id]
    else:
        rows = list(qs[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size][::-1] if reverse else rows[:size]
        keys = [keyset.values_of(row) for row in rows]
    # Going backwards, the page we came from is the next one; going forwards, the previous.
    came_from_cursor = values is not None
    has_next = came_from_cursor if reverse else has_more
    has_previous = has_more if reverse else came_from_cursor
    return Page(
        rows=rows,
        next_cursor=keyset.encode(keys[-1], reverse=False) if has_next and keys else None,
        previous_cursor=keyset.encode(keys[0], reverse=True) if has_previous and keys else None,
        has_previous=has_previous,
    )


# ------------------------------------------------------------------------------------- the API


class KeysetPagination(BasePagination):  # type: ignore[misc]  # DRF ships no type hints
    """The API's lists: `?cursor=` and `?page_size=` in, {next, previous, results} out."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def __init__(self, *, narrow_first: bool = False) -> None:
        self.narrow_first = narrow_first
        self.page: Page[Any] | None = None

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        request: Request,
        view: Any = None,
        *,
        load: Callable[[list[Any]], list[Any]] | None = None,
    ) -> list[Any]:
        """The page's rows. With `narrow_first`, `load` (if given) turns the page's primary keys
        into its rows (plain data in that order) instead of model instances."""
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self._page_size(request)
        self.page = keyset_paginate(
            queryset,
            cursor=request.query_params.get(self.cursor_query_param),
            size=self.page_size,
            narrow_first=self.narrow_first,
            load=load,
        )
        return self.page.rows

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ApplicationError(
                f"page_size must be a whole number from 1 to {self.max_page_size}.",
                field="page_size",
            ) from None
        if not 1 <= size <= self.max_page_size:
            raise ApplicationError(
                f"page_size must be from 1 to {self.max_page_size}.", field="page_size"
            )
        return size

    def get_next_link(self) -> str | None:
        if self.page is None or self.page.next_cursor is None:
            return None
        return str(
            replace_query_param(self.base_url, self.cursor_query_param, self.page.next_cursor)
        )

    def get_previous_link(self) -> str | None:
        if self.page is None or not self.page.has_previous:
            return None
        if self.page.previous_cursor is None:
            return str(remove_query_param(self.base_url, self.cursor_query_param))
        return str(
            replace_query_param(self.base_url, self.cursor_query_param, self.page.previous_cursor)
        )

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page, or null on the first page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position in the list: follow the `next`/`previous` links.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


# ----------------------------------------------------------------------------------- the pages


@dataclass(frozen=True)
class HtmlPage(Generic[T]):
    rows: list[T]
    next_query: str | None  # the request's query string with the next page's cursor
    previous_query: str | None
    is_first: bool
    error: str | None  # why the first page is shown instead of the one asked for


def keyset_page(
    request: HttpRequest, queryset: QuerySet[Any], *, ordering: Sequence[str], size: int
) -> HtmlPage[Any]:
    """The page `?cursor=` asks for, in `ordering` (field names, '-' for descending, ending in a
    unique one); the pager's links keep every other query parameter (filters, sort)."""
    qs = queryset.order_by(*ordering)
    cursor = request.GET.get("cursor") or None
    error = None
    try:
        page = keyset_paginate(qs, cursor=cursor, size=size)
    except InvalidCursor:
        # A stale bookmark or an edited URL: the first page, and a word on why.
        error = "This page link is no longer valid; start again from the first page."
        cursor = None
        page = keyset_paginate(qs, cursor=None, size=size)
    return HtmlPage(
        rows=page.rows,
        next_query=_query(request, page.next_cursor) if page.next_cursor else None,
        previous_query=_query(request, page.previous_cursor) if page.has_previous else None,
        is_first=cursor is None,
        error=error,
    )


def _query(request: HttpRequest, cursor: str | None) -> str:
    params = request.GET.copy()
    if cursor is None:
        params.pop("cursor", None)
    else:
        params["cursor"] = cursor
    return str(params.urlencode())

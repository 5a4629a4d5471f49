"""Pieces every API module uses: keyset pagination, query fields, the error schema.

Keyset (seek) pagination over any total ordering, for the API's lists.

DRF's CursorPagination keys on the first ordering field only and skips ties with an OFFSET,
which breaks down when that field has few distinct values (six reliability grades) or NULLs.
Here the cursor holds the values of *every* ordering field of the row it stops at, and the next
page is `WHERE (f1, f2, ..., id) > (v1, v2, ..., id)` spelt out per field direction, so a deep
page costs the same as the first and no row is skipped or repeated. The queryset's ordering
must end in a unique column and its fields must never be NULL (selectors coalesce them).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import orjson
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import encoders
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from core.errors import ApplicationError


def _invalid_cursor() -> ApplicationError:
    return ApplicationError(
        "The cursor is not valid; follow the `next` and `previous` links "
        "as given, or drop `cursor` to start again.",
        field="cursor",
        code="invalid_cursor",
    )


class KeysetPagination(BasePagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def __init__(self, *, narrow_first: bool = False) -> None:
        self.narrow_first = narrow_first
        self.cursor_values: dict[Any, list[Any]] = {}

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
        self.cursor_values = {}
        self.base_url = request.build_absolute_uri()
        self.page_size = self._page_size(request)
        ordering = [str(o) for o in queryset.query.order_by]
        if not ordering:
            raise RuntimeError(
                "KeysetPagination needs an ordered queryset ending in a unique column."
            )
        self.ordering = ordering
        values, reverse = self._decode(request.query_params.get(self.cursor_query_param), queryset)
        qs = queryset
        if reverse:
            qs = qs.order_by(*[o[1:] if o.startswith("-") else f"-{o}" for o in ordering])
        if values is not None:
            qs = qs.filter(self._after(values, reverse=reverse))
        if self.narrow_first:
            # Find the page's ids with a narrow query (ids and sort keys only), then load the
            # full rows for those ids: sorting a whole table's wide rows, joins and all, is what
            # costs on an ordering no index serves. One more query per page, a fixed number.
            # The sort keys come along, so the cursor needs nothing from the loaded rows.
            keyed = list(
                qs.prefetch_related(None).values_list("pk", *[o.lstrip("-") for o in ordering])[
                    : self.page_size + 1
                ]
            )
            has_more = len(keyed) > self.page_size
            keyed = keyed[: self.page_size]
            self.cursor_values = {k[0]: list(k[1:]) for k in keyed}
            ids = [k[0] for k in keyed]
            if load is not None:
                rows = load(ids)
            else:
                by_id = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
                rows = [by_id[pk] for pk in ids if pk in by_id]
        else:
            rows = list(qs[: self.page_size + 1])
            has_more = len(rows) > self.page_size
            rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
        came_from_cursor = values is not None
        self.has_next = has_more if not reverse else came_from_cursor
        self.has_previous = came_from_cursor if not reverse else has_more
        self.rows = rows
        return rows

    # --- cursor ------------------------------------------------------------------------------

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

    def _field(self, queryset: QuerySet[Any], name: str) -> Any:
        annotation = queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        try:
            return queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            raise RuntimeError(f"Cannot paginate on {name!r}: not a field or annotation.") from None

    def _decode(self, raw: str | None, queryset: QuerySet[Any]) -> tuple[list[Any] | None, bool]:
        if not raw:
            return None, False
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
            values, reverse = data["v"], bool(data.get("r", False))
        except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
            raise _invalid_cursor() from None
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise _invalid_cursor()
        parsed = []
        for name, value in zip(self.ordering, values, strict=True):
            field = self._field(queryset, name.lstrip("-"))
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise _invalid_cursor()
            try:
                python = field.to_python(value)
                field.get_prep_value(python)
            except (ValidationError, ValueError, TypeError, OverflowError):
                raise _invalid_cursor() from None
            if python is None or (isinstance(python, dt.datetime) and python.tzinfo is None):
                raise _invalid_cursor()
            parsed.append(python)
        return parsed, reverse

    def _encode(self, row: Model | dict[str, Any], *, reverse: bool) -> str:
        pk = row["id"] if isinstance(row, dict) else row.pk
        keys = self.cursor_values.get(pk) if self.cursor_values else None
        values = []
        for i, name in enumerate(self.ordering):
            value = keys[i] if keys is not None else getattr(row, name.lstrip("-"))
            values.append(value.isoformat() if isinstance(value, dt.datetime | dt.date) else value)
        data = json.dumps({"v": values, "r": reverse}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")

    def _after(self, values: list[Any], *, reverse: bool) -> Q:
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
            step = Q(**{f"{field}__lt" if descending else f"{field}__gt": value})
            condition |= equal_so_far & step
            equal_so_far &= Q(**{field: value})
        first = self.ordering[0]
        descending = first.startswith("-") != reverse
        return (
            Q(
                **{
                    f"{first.lstrip('-')}__lte"
                    if descending
                    else f"{first.lstrip('-')}__gte": values[0]
                }
            )
            & condition
        )

    # --- links -------------------------------------------------------------------------------

    def _link(self, row: Model | None, *, reverse: bool) -> str | None:
        if row is None:
            return None
        return replace_query_param(
            self.base_url, self.cursor_query_param, self._encode(row, reverse=reverse)
        )

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.rows:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(self.rows[0], reverse=True)

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


# --- input fields -------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


class _SurrogateCheck(ProhibitSurrogateCharactersValidator):
    """DRF's check, by a regular expression: DRF's walks the text in Python, a character at a
    time (~0.1 ms for a short article, ~60 ms at the 1 MB limit). Same message and code."""

    def __call__(self, value: Any) -> None:
        found = _SURROGATE.search(str(value))
        if found is not None:
            raise serializers.ValidationError(
                self.message.format(code_point=ord(found.group())), code=self.code
            )


class LongTextField(serializers.CharField):
    """A CharField for long text (an article's body), its surrogate check run in C."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            _SurrogateCheck() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
            for v in self.validators
        ]


# --- query parameter fields --------------------------------------------------------------------

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id in a filter would be a database error


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdOrNameField(serializers.CharField):
    """`12` (an id) or `Yonhap` (a name or alias, any case). Validates to int or str."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        text = super().run_validation(data)  # length and NUL checks run on the text
        if not isinstance(text, str):
            return text
        text = text.strip()
        if text.isascii() and text.isdigit():
            value = int(text)
            if not 1 <= value <= MAX_ID:
                raise serializers.ValidationError("An id must be from 1 to 2^63-1.")
            return value
        if not text:
            raise serializers.ValidationError("Give an id or a name.")
        return text


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):  # type: ignore[type-arg]
    """`2024-11-07` (a whole day) or `2024-11-07T12:00:00Z` (an instant; naive means UTC)."""

    default_error_messages = {
        "invalid": "Use a date (2024-11-07) or an ISO 8601 date-time (2024-11-07T12:00:00Z).",
    }

    def to_internal_value(self, data: Any) -> dt.date:
        if not isinstance(data, str):
            self.fail("invalid")
        text = data.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                # A day is widened to its whole span (and a day's margin for time zones),
                # which must stay inside the calendar.
                if not dt.date(1, 1, 2) <= day <= dt.date(9999, 12, 30):
                    self.fail("invalid")
                return day
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            self.fail("invalid")
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        if (
            not dt.datetime(1, 1, 2, tzinfo=dt.UTC)
            <= value
            <= dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
        ):
            self.fail("invalid")
        return value

    def to_representation(self, value: dt.date) -> str:
        return value.isoformat()


def split_id_or_name(value: int | str | None) -> tuple[int | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, int):
        return value, None
    return None, value


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    """Validate query parameters; unknown ones are ignored, bad ones answer 400."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def check_path_id(value: int, what: str) -> int:
    if value > MAX_ID:
        raise ApplicationError(f"There is no {what} {value}.", code="not_found", status_code=404)
    return value


# --- the error shape, for the schema ------------------------------------------------------------


class ErrorDetailOutput(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="Stable machine-readable code: invalid, not_found, ...")
    message = serializers.CharField(help_text="What went wrong and how to fix it.")
    field = serializers.CharField(allow_null=True, help_text="The parameter at fault, if one.")
    details = serializers.DictField(help_text="Extra context, e.g. every field's errors.")


class ErrorOutput(serializers.Serializer):  # type: ignore[type-arg]
    error = ErrorDetailOutput()


class FastJSONRenderer(JSONRenderer):
    """The API's JSON renderer: orjson (about 5x faster than the standard library on a page of
    claims); what orjson should not write itself (datetimes, lazy strings, Decimals) goes
    through DRF's own encoder, so the JSON is JSONRenderer's: compact, UTF-8."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if indent:
            return super().render(data, accepted_media_type, renderer_context)
        # Datetimes go through DRF's encoder too, which writes UTC as `Z` as DRF always has;
        # validation errors of list items are keyed by their index (an int).
        return orjson.dumps(
            data,
            default=_encoder.default,
            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
        )


_encoder = encoders.JSONEncoder()

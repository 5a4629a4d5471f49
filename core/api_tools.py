"""Pieces every API module uses: query fields, the error schema, the JSON renderer.

The API's pagination lives in core/pagination.py (one pagination for the API and the pages);
`KeysetPagination` is imported here too, as the list endpoints in claims/apis.py import it.

DRF ships no type hints, so its classes are `Any` to mypy: each subclass of one says
`type: ignore[misc]` (strict mode refuses subclassing `Any`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import orjson
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.utils import encoders
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from core.errors import ApplicationError
from core.pagination import KeysetPagination as KeysetPagination

# --- input fields -------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


class _SurrogateCheck(ProhibitSurrogateCharactersValidator):  # type: ignore[misc]
    """DRF's check, by a regular expression: DRF's walks the text in Python, a character at a
    time (~0.1 ms for a short article, ~60 ms at the 1 MB limit). Same message and code."""

    def __call__(self, value: Any) -> None:
        found = _SURROGATE.search(str(value))
        if found is not None:
            raise serializers.ValidationError(
                self.message.format(code_point=ord(found.group())), code=self.code
            )


class LongTextField(serializers.CharField):  # type: ignore[misc]
    """A CharField for long text (an article's body), its surrogate check run in C."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators: list[Any] = [
            _SurrogateCheck() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
            for v in self.validators
        ]


# --- query parameter fields --------------------------------------------------------------------

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id in a filter would be a database error


class IdField(serializers.IntegerField):  # type: ignore[misc]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdOrNameField(serializers.CharField):  # type: ignore[misc]
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
class DateOrDateTimeField(serializers.Field):  # type: ignore[misc]
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


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validate query parameters; unknown ones are ignored, bad ones answer 400."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def check_path_id(value: int, what: str) -> int:
    if value > MAX_ID:
        raise ApplicationError(f"There is no {what} {value}.", code="not_found", status_code=404)
    return value


# --- the error shape, for the schema ------------------------------------------------------------


class ErrorDetailOutput(serializers.Serializer):  # type: ignore[misc]
    code = serializers.CharField(help_text="Stable machine-readable code: invalid, not_found, ...")
    message = serializers.CharField(help_text="What went wrong and how to fix it.")
    field = serializers.CharField(allow_null=True, help_text="The parameter at fault, if one.")
    details = serializers.DictField(help_text="Extra context, e.g. every field's errors.")


class ErrorOutput(serializers.Serializer):  # type: ignore[misc]
    error = ErrorDetailOutput()


class FastJSONRenderer(JSONRenderer):  # type: ignore[misc]
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
            rendered: bytes = super().render(data, accepted_media_type, renderer_context)
            return rendered
        # Datetimes go through DRF's encoder too, which writes UTC as `Z` as DRF always has;
        # validation errors of list items are keyed by their index (an int).
        return orjson.dumps(
            data,
            default=_encoder.default,
            option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
        )


_encoder = encoders.JSONEncoder()


class JSONFormatRenderer(FastJSONRenderer):
    """A format written as JSON under its own media type (STIX's application/stix+json,
    JSON-LD's application/ld+json). An error is the API's JSON error shape, so it goes out as
    application/json: a STIX or JSON-LD reader must not take it for a document."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json"
        return super().render(data, accepted_media_type, renderer_context)

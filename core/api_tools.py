"""Pieces every API module uses: query fields, the error schema, the JSON renderer.

The API's pagination lives in core/pagination.py (one pagination for the API and the pages);
`KeysetPagination` is imported here too, as the list endpoints in claims/apis.py import it.

DRF ships no type hints, so its classes are `Any` to mypy: each subclass of one says
`type: ignore[misc]` (strict mode refuses subclassing `Any`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

import orjson
from django.http import QueryDict
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


# Parameters every GET of the API takes besides its own: the pagination's and DRF's `format`.
COMMON_PARAMS = frozenset({"cursor", "page_size", "format"})


def query_check(
    serializer_class: type[serializers.Serializer],
    params: QueryDict,
    *,
    also: Iterable[str] = COMMON_PARAMS,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate query parameters: (the values of the good ones, a message per bad one).

    A parameter is bad when the serializer has no field of its name (a typo like
    `min_reliabilty` would otherwise be ignored and answer more than was asked for), when it
    is given more than once (which one counts would be a guess), or when its value does not
    validate. An empty value is the parameter left out, as a form's empty field sends it. The
    good ones are validated again without the bad ones, so a caller that tolerates a bad
    parameter (a page that shows the error beside its field) still applies the rest.
    """
    fields = serializer_class().fields
    known = set(fields) | set(also)
    problems: dict[str, str] = {}
    data: dict[str, str] = {}
    for name, values in params.lists():
        given = [value for value in values if value != ""]
        if name not in known:
            close = difflib.get_close_matches(name, sorted(fields), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            problems[name] = (
                f"Unknown parameter.{hint} The parameters here are: {', '.join(sorted(known))}."
            )
        elif len(given) > 1:
            problems[name] = "Given more than once; give it once."
        elif given and name in fields:
            data[name] = given[0]
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        for name, errors in serializer.errors.items():
            first = errors[0] if isinstance(errors, list) and errors else errors
            problems[name] = str(first)
        data = {name: value for name, value in data.items() if name not in problems}
        serializer = serializer_class(data=data)
        if not serializer.is_valid():  # a check across fields (`validate`) still refuses
            return {}, problems
    return dict(serializer.validated_data), problems


def query_error(problems: dict[str, str]) -> ApplicationError:
    """The API's 400 for bad query parameters: the first one named in `field` and the message,
    every one in `details.fields` (as DRF's validation errors are)."""
    name, message = next(iter(problems.items()))
    field = None if name == "non_field_errors" else name
    return ApplicationError(
        f"{name}: {message}" if field else message,
        field=field,
        details={"fields": {n: [m] for n, m in problems.items()}},
    )


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Validate query parameters; an unknown, repeated or bad one answers 400 naming it."""
    values, problems = query_check(serializer_class, request.query_params)
    if problems:
        raise query_error(problems)
    return values


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

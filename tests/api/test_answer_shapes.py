"""core.openapi turns a TypedDict (an answer's shape) into the component drf-spectacular writes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, NotRequired, TypedDict

import pytest
from rest_framework import serializers

from core.openapi import openapi_component, shape_serializer
from core.shapes import Choices, Doc, DocumentedBy, IsoDate, IsoDateTime

# ------------------------------------------------------------------------------ the helper


class _Inner(TypedDict):
    name: str


class _Shape(TypedDict):
    id: int
    score: Annotated[float, Doc("How sure.")]
    note: str | None
    when: IsoDateTime | None
    day: IsoDate
    at: dt.datetime
    side: Literal["out", "in"]
    grade: Annotated[str, Choices([("A", "Best"), ("F", "Unknown")])]
    tags: list[str]
    inner: _Inner | None
    inners: Annotated[list[_Inner], Doc("Many.")]
    extra: NotRequired[int]
    anything: Any
    mapping: dict[str, Any]
    error: NotRequired[Annotated[dict[str, Any], DocumentedBy(serializers.DictField)]]


def test_a_typeddict_becomes_a_serializer_named_as_it_with_its_fields_in_order() -> None:
    made = shape_serializer(_Shape)
    fields = made().fields
    assert made.__name__ == "_Shape" and list(fields) == list(_Shape.__annotations__)
    assert isinstance(fields["id"], serializers.IntegerField) and fields["id"].required
    assert fields["score"].help_text == "How sure."
    assert fields["note"].allow_null and not fields["id"].allow_null
    assert isinstance(fields["when"], serializers.DateTimeField) and fields["when"].allow_null
    assert isinstance(fields["day"], serializers.DateField)
    assert isinstance(fields["at"], serializers.DateTimeField)
    assert list(fields["side"].choices) == ["out", "in"]
    assert fields["grade"].choices == {"A": "Best", "F": "Unknown"}
    assert isinstance(fields["tags"].child, serializers.CharField)
    assert type(fields["inner"]) is shape_serializer(_Inner) and fields["inner"].allow_null
    assert fields["inners"].many and fields["inners"].help_text == "Many."
    assert not fields["extra"].required and not fields["error"].required
    assert isinstance(fields["anything"], serializers.JSONField)
    assert isinstance(fields["mapping"], serializers.DictField)
    assert type(fields["error"]) is serializers.DictField


def test_one_typeddict_is_one_serializer_class() -> None:
    # drf-spectacular tells components apart by class: two classes would be two components.
    assert shape_serializer(_Shape) is shape_serializer(_Shape)
    assert type(openapi_component(_Shape)) is shape_serializer(_Shape)
    assert openapi_component(_Shape, many=True).many


def test_a_type_the_schema_cannot_say_is_refused_with_what_to_do() -> None:
    class Odd(TypedDict):
        pair: tuple[int, int]

    with pytest.raises(TypeError, match="core.shapes"):
        shape_serializer(Odd)
    with pytest.raises(TypeError, match="not a TypedDict"):
        shape_serializer(dict)

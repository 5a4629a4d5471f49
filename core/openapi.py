"""The OpenAPI schema's own pieces.

The component of an answer declared as a TypedDict (see `core.shapes`): drf-spectacular
documents serializers, so the TypedDict is turned into one: a serializer class named as the
TypedDict (the component's name), one field per key, in the TypedDict's order. Only the schema
generator reads it; the answer is the plain data the TypedDict types.

`RoleAwareAutoSchema` (the API's schema class) states what the permission and the throttles
answer, from the same rules that answer it (core.access.required_role, the view's throttles):
the role each operation needs, its 401/403/429 and their headers, and whether it may be called
without credentials.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import (
    Annotated,
    Any,
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from core.access import Role, RolePermission, required_role
from core.api_tools import ErrorOutput
from core.shapes import Choices, Doc, DocumentedBy, Format

_SERIALIZERS: dict[type, type[serializers.Serializer]] = {}
_FORMATS: dict[str, type[serializers.Field]] = {
    "date-time": serializers.DateTimeField,
    "date": serializers.DateField,
}
_SCALARS: dict[Any, type[serializers.Field]] = {
    bool: serializers.BooleanField,
    int: serializers.IntegerField,
    float: serializers.FloatField,
    str: serializers.CharField,
    dt.datetime: serializers.DateTimeField,
    dt.date: serializers.DateField,
    Any: serializers.JSONField,
    object: serializers.JSONField,
}


def openapi_component(shape: type, *, many: bool = False) -> serializers.Serializer:
    """The schema of `shape` (a TypedDict), for `extend_schema(responses=...)`; `many` for a
    list of them (a paginated view's page)."""
    return shape_serializer(shape)(many=many)


def shape_serializer(shape: type) -> type[serializers.Serializer]:
    """The serializer class documenting `shape`, made once per TypedDict (the schema generator
    tells components apart by class, so one shape must be one class)."""
    if not is_typeddict(shape):
        raise TypeError(f"{shape!r} is not a TypedDict: declare the answer's shape as one.")
    made = _SERIALIZERS.get(shape)
    if made is None:
        hints = get_type_hints(shape, include_extras=True)
        fields = {
            name: _field(hint, required=_required(shape, name, hint))
            for name, hint in hints.items()
        }
        # No docstring: the schema generator would publish it as the component's description.
        attrs = {**fields, "__module__": shape.__module__, "__doc__": None}
        made = type(shape.__name__, (serializers.Serializer,), attrs)
        _SERIALIZERS[shape] = made
    return made


def _required(shape: type, name: str, hint: Any) -> bool:
    # Python 3.11's TypedDict cannot see `NotRequired[...]` in an annotation left as a string
    # (`from __future__ import annotations`) and counts every key of a total TypedDict as
    # required, so the resolved hint decides.
    if get_origin(hint) is NotRequired:
        return False
    if get_origin(hint) is Required:
        return True
    # A TypedDict class has __required_keys__ at run time; typing's stub does not say so.
    return name in shape.__required_keys__  # type: ignore[attr-defined]


def _field(hint: Any, *, required: bool) -> serializers.Field:
    hint, meta = _unwrap(hint)
    nullable = False
    if get_origin(hint) in (Union, types.UnionType):
        members = [m for m in get_args(hint) if m is not type(None)]
        nullable = len(members) < len(get_args(hint))
        if len(members) != 1:
            raise TypeError(f"{hint!r}: a field is one type, or one type or None.")
        hint, more = _unwrap(members[0])
        meta += more
    kwargs: dict[str, Any] = {"required": required}
    if nullable:
        kwargs["allow_null"] = True
    for m in meta:
        if isinstance(m, Doc):
            kwargs["help_text"] = m.text
    for m in meta:
        if isinstance(m, DocumentedBy):
            return m.serializer(**kwargs)
        if isinstance(m, Choices):
            return serializers.ChoiceField(choices=m.choices, **kwargs)
        if isinstance(m, Format):
            return _FORMATS[m.name](**kwargs)
    origin = get_origin(hint)
    if is_typeddict(hint):
        return shape_serializer(hint)(**kwargs)
    if origin is list:
        (item,) = get_args(hint)
        if is_typeddict(item):
            return shape_serializer(item)(many=True, **kwargs)
        return serializers.ListField(child=_field(item, required=True), **kwargs)
    if origin is dict:
        return serializers.DictField(**kwargs)
    if origin is Literal:
        return serializers.ChoiceField(choices=list(get_args(hint)), **kwargs)
    if hint in _SCALARS:
        return _SCALARS[hint](**kwargs)
    raise TypeError(f"{hint!r} has no OpenAPI form here; see core.shapes for the types understood.")


def _unwrap(hint: Any) -> tuple[Any, list[Any]]:
    """`Annotated[T, *meta]` -> (T, meta); any other hint -> (hint, []). `NotRequired[T]` and
    `Required[T]` are T (the TypedDict's `__required_keys__` say which keys are required)."""
    while get_origin(hint) in (NotRequired, Required):
        (hint,) = get_args(hint)
    if get_origin(hint) is Annotated:
        base, *meta = get_args(hint)
        return base, list(meta)
    return hint, []


_WHO = {
    Role.ANALYST: "any signed-in user (a session or a token)",
    Role.EDITOR: "an editor (a session or a token)",
    Role.ADMIN: "an administrator",
}


class RoleAwareAutoSchema(AutoSchema):
    def _role(self) -> Role:
        if any(isinstance(p, RolePermission) for p in self.view.get_permissions()):
            return required_role(self.view, self.method)
        return Role.ANONYMOUS

    def _throttled(self) -> bool:
        return self.method not in SAFE_METHODS and bool(self.view.get_throttles())

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is not None:
            role = self._role()
            operation["x-required-role"] = role.name.lower()
            if role > Role.ANONYMOUS:
                # Here, not in get_description: an extend_schema description replaces that.
                text = f"{operation.get('description', '')}\n\nNeeds {_WHO[role]}.".strip()
                operation["description"] = text
        return operation

    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        if self._role() == Role.ANONYMOUS and {} not in auths:
            auths.append({})  # callable without credentials
        return auths

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        role = self._role()
        added: list[tuple[str, str, dict[str, Any]]] = []
        if role > Role.ANONYMOUS:
            added.append(
                (
                    "401",
                    f"Not signed in: needs {_WHO[role]}.",
                    {"WWW-Authenticate": "The scheme to authenticate with: `Token`."},
                )
            )
        if role > Role.ANALYST:
            added.append(("403", f"Signed in without the role: needs {_WHO[role]}.", {}))
        if self._throttled():
            added.append(
                (
                    "429",
                    "Too many writes from this user or address (THROTTLE_WRITE_USER, "
                    "THROTTLE_WRITE_ANON).",
                    {"Retry-After": "Seconds to wait before trying again."},
                )
            )
        for code, description, headers in added:
            response = responses.get(code) or self._get_response_for_code(  # type: ignore[no-untyped-call]
                OpenApiResponse(ErrorOutput, description=description), code, direction=direction
            )
            if headers and "headers" not in response:
                response["headers"] = {
                    name: {"schema": {"type": "string"}, "description": text}
                    for name, text in headers.items()
                }
            responses[code] = response
        return responses

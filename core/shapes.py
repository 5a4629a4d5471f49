"""What a field of an answer's shape means, for the OpenAPI schema. PURE: no Django, no DRF.

An answer built as plain data (a page of claims, a claim, an article's status) declares its
shape once, as a TypedDict beside the code that builds it; `core.openapi` turns that TypedDict
into the schema's component, so the schema and the answer cannot drift apart. The Python types
say what a field holds; `Annotated` adds what they cannot:

    class SourceRefOutput(TypedDict):
        id: int
        reliability: Annotated[str, Doc("Admiralty source reliability, A (best) to F.")]
        published_at: IsoDateTime | None
        status: Annotated[str, Choices(FigureStatus.choices)]

`X | None` is a nullable field; `NotRequired[X]` one that may be absent; `list[X]`, a nested
TypedDict, `Literal[...]` (an enum), `int`, `float`, `bool`, `str`, `datetime`, `date`, `Any`
(any JSON) and `dict[str, Any]` (an object) are understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any


@dataclass(frozen=True)
class Doc:
    """The field's description in the schema."""

    text: str


@dataclass(frozen=True, eq=False)
class Choices:
    """A text field's allowed values: a Django `choices` ((value, label) pairs) or the values."""

    choices: Sequence[Any]


@dataclass(frozen=True)
class Format:
    """A text field's OpenAPI `format`: "date-time" or "date"."""

    name: str


@dataclass(frozen=True)
class DocumentedBy:
    """The field is documented by an existing DRF serializer (a shape not declared here, such as
    the API's error), which the schema references as its own component."""

    serializer: Any


# Dates and times written as text, as the answer carries them (ISO 8601; datetimes in UTC, `Z`).
IsoDateTime = Annotated[str, Format("date-time")]
IsoDate = Annotated[str, Format("date")]

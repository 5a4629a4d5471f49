"""The answers built as plain data are documented by their TypedDicts (core.openapi): every answer
carries exactly the documented keys, of the documented types, null only where the schema says
so; and the helper turns a TypedDict into the component drf-spectacular writes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, NotRequired, TypedDict

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from claims.models import ClaimDate, Figure
from core.access import Role
from core.openapi import openapi_component, shape_serializer
from core.shapes import Choices, Doc, DocumentedBy, IsoDate, IsoDateTime
from tests.editorial.conftest import client_for
from tests.factories import make_article, make_claim, make_claim_link, make_source

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


# ------------------------------------------------------------------------------ the answers


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


def _problems(value: Any, node: dict[str, Any], schema: dict[str, Any], at: str) -> list[str]:
    """Where `value` departs from the OpenAPI 3.0 schema `node`: a missing or undocumented
    key, a wrong type, a null where the schema does not allow one, a value not in an enum."""
    node = _resolved(node, schema["components"]["schemas"])
    if value is None:
        return [] if node.get("nullable") else [f"{at}: null, not nullable"]
    if "enum" in node and value not in node["enum"]:
        return [f"{at}: {value!r} not in {node['enum']}"]
    kind = node.get("type")
    if kind is None:
        return []  # any JSON
    if not _IS[kind](value):
        return [f"{at}: {value!r} is not {kind}"]
    found: list[str] = []
    if kind == "array":
        for i, item in enumerate(value):
            found += _problems(item, node["items"], schema, f"{at}[{i}]")
    elif kind == "object" and "properties" in node:
        documented = node["properties"]
        found += [f"{at}.{k}: missing" for k in node.get("required", []) if k not in value]
        found += [f"{at}.{k}: undocumented" for k in value if k not in documented]
        for key in value.keys() & documented.keys():
            found += _problems(value[key], documented[key], schema, f"{at}.{key}")
    return found


_IS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    # The API writes every number field as a float (5000.0, never 5000), as DRF's FloatField did.
    "number": lambda v: isinstance(v, float),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _resolved(node: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` (or `allOf: [$ref]`, how a nullable reference is written) followed."""
    if "$ref" in node:
        return components[node["$ref"].rpartition("/")[2]]  # type: ignore[no-any-return]
    if "allOf" in node:
        (inner,) = node["allOf"]
        return {**_resolved(inner, components), **{k: v for k, v in node.items() if k != "allOf"}}
    return node


def _answer_schema(schema: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = schema["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]  # type: ignore[no-any-return]


@pytest.fixture
def varied(db: None) -> None:
    outlet = make_source(name="Example Wire", kind="agency", reliability="B")
    origin = make_source(name="Ministry of Defence", reliability="A")
    dated = make_article(
        outlet=outlet, published_at=dt.datetime(2024, 11, 8, 12, 30, tzinfo=dt.UTC)
    )
    chained = make_claim(article=dated, sources=[origin, make_source()], figures=2)
    Figure.objects.filter(claim=chained).update(low=90.5, qualifier="about")
    ClaimDate.objects.filter(claim=chained).update(value=dt.date(2024, 11, 4))
    bare = make_claim(article=make_article(), sources=[], figures=0, credibility_override=2)
    make_claim_link(from_claim=make_claim(article=dated, sources=[origin]), to_claim=chained)
    make_claim_link(from_claim=bare, to_claim=chained, kind="contradicts", evidence={"x": 1})


@pytest.mark.usefixtures("varied")
def test_every_plain_data_answer_is_exactly_its_documented_shape(
    schema: dict[str, Any],
) -> None:
    api, editor = client_for(Role.ANALYST), client_for(Role.EDITOR)
    source = make_source(name="Lone source")
    make_claim(sources=[source])
    answers: list[tuple[str, str, int, Any]] = []

    def get(url: str, path: str) -> None:
        response = api.get(url)
        answers.append((path, "get", response.status_code, response.json()))

    get("/api/v1/claims", "/api/v1/claims")
    get("/api/v1/claims?ordering=-origins&page_size=2", "/api/v1/claims")
    get(f"/api/v1/sources/{source.pk}/claims", "/api/v1/sources/{source_id}/claims")
    for claim in api.get("/api/v1/claims").json()["results"]:
        get(f"/api/v1/claims/{claim['id']}", "/api/v1/claims/{claim_id}")
    get("/api/v1/figures", "/api/v1/figures")
    for claim in api.get("/api/v1/claims").json()["results"]:
        get(f"/api/v1/claims/{claim['id']}/graph", "/api/v1/claims/{claim_id}/graph")
    get("/api/v1/graph?since=2000-01-01", "/api/v1/graph")
    get("/api/v1/articles", "/api/v1/articles")
    for article in api.get("/api/v1/articles").json()["results"]:
        get(f"/api/v1/articles/{article['id']}", "/api/v1/articles/{article_id}")
    body = {"body": "The ministry said 40 troops had moved.", "outlet": "Example Wire"}
    for _ in range(2):  # 202, then 200 with the stored article
        response = api.post("/api/v1/articles", body, format="json")
        answers.append(("/api/v1/articles", "post", response.status_code, response.json()))
    response = api.post(
        "/api/v1/articles/batch", {"articles": [body, {"title": "no body"}]}, format="json"
    )
    answers.append(("/api/v1/articles/batch", "post", 200, response.json()))
    failed = make_article(status="failed")
    response = editor.post(f"/api/v1/articles/{failed.pk}/reextract")
    answers.append(("/api/v1/articles/{article_id}/reextract", "post", 202, response.json()))

    assert {a[2] for a in answers} == {200, 202}
    problems = [
        problem
        for path, method, status, answer in answers
        for problem in _problems(answer, _answer_schema(schema, path, method, status), schema, path)
    ]
    assert problems == []
    batch = answers[-2][3]["results"]
    assert [sorted(item) for item in batch] == [["article", "status"], ["error", "status"]]

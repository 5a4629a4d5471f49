"""The OpenAPI document is valid, documents every endpoint, and a property-based run over it
finds no server error."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from claims.models import Figure
from sources.models import SourceAlias
from tests.factories import make_article, make_claim, make_claim_link, make_source

# Every endpoint but the schema and its documentation pages.
OURS = r"^/api/v1/(?!schema|docs|redoc)"


def _schema() -> dict:  # type: ignore[type-arg]
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_openapi_document_is_valid() -> None:
    validate_schema(_schema())


def test_the_schema_generates_without_warnings() -> None:
    # drf-spectacular reports guesses (an unresolvable field, an enum name collision) as
    # warnings on stderr, not Python warnings; --fail-on-warn turns them into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("path", "method", "params"),
    [
        (
            "/api/v1/articles",
            "get",
            {"status", "outlet", "published_from", "published_until", "cursor", "page_size"},
        ),
        ("/api/v1/articles", "post", {"Idempotency-Key"}),
        ("/api/v1/articles/{article_id}/reextract", "post", {"article_id"}),
        (
            "/api/v1/claims",
            "get",
            {
                "source",
                "source_role",
                "source_kind",
                "min_reliability",
                "max_credibility",
                "hedged",
                "verification_status",
                "flagged_figures",
                "article",
                "outlet",
                "published_from",
                "published_until",
                "search",
                "ordering",
                "cursor",
            },
        ),
        ("/api/v1/claims/{claim_id}", "get", {"claim_id"}),
        ("/api/v1/claims/{claim_id}/graph", "get", {"claim_id", "depth", "format"}),
        ("/api/v1/graph", "get", {"source", "article", "since", "until", "format"}),
        (
            "/api/v1/figures",
            "get",
            {"unit", "value_min", "value_max", "status", "claim", "article"},
        ),
        ("/api/v1/sources", "get", {"kind", "country", "reliability", "search"}),
        ("/api/v1/sources/{source_id}", "get", {"source_id"}),
        (
            "/api/v1/sources/{source_id}/claims",
            "get",
            {"source_id", "source_role", "min_reliability", "search"},
        ),
        ("/api/v1/review-queue", "get", {"cursor", "page_size"}),
    ],
)
def test_every_endpoint_and_parameter_is_documented(
    path: str, method: str, params: set[str]
) -> None:
    operation = _schema()["paths"][path][method]
    assert operation.get("summary")
    documented = {p["name"]: p for p in operation.get("parameters", [])}
    assert params <= set(documented)
    for name in params - {"claim_id", "article_id", "source_id"}:
        assert documented[name].get("description"), (
            f"{name} of {method.upper()} {path} has no description"
        )


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("/api/v1/articles", "ArticleStatusOutput"),
        ("/api/v1/claims", "ClaimListOutput"),
        ("/api/v1/figures", "FigureListOutput"),
        ("/api/v1/sources", "SourceOutput"),
        ("/api/v1/review-queue", "ReviewQueueOutput"),
    ],
)
def test_a_paginated_list_is_documented_as_its_page_object(path: str, item: str) -> None:
    schema = _schema()
    response = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    page = schema["components"]["schemas"][response["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert page["properties"]["results"] == {
        "type": "array",
        "items": {"$ref": f"#/components/schemas/{item}"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/schema", "/api/v1/docs", "/api/v1/redoc"])
def test_the_schema_and_its_docs_are_served_by_the_app(path: str) -> None:
    assert APIClient().get(path).status_code == 200


# ------------------------------------------------------------------------------ schemathesis

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema?format=json", get_wsgi_application()
).include(path_regex=OURS, method=["GET", "POST", "PATCH", "PUT"])


@pytest.fixture
def in_process(db: None) -> Iterator[None]:
    """Requests go through the real WSGI handler; like Django's test client, keep it from closing
    the test's database connection (and its transaction) at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _editor_token() -> str:
    from rest_framework.authtoken.models import Token

    from core.access import Role
    from tests.editorial.conftest import make_user

    return Token.objects.get_or_create(user=make_user(Role.EDITOR, "schemathesis-editor"))[0].key


@pytest.fixture
def seeded(in_process: None) -> None:
    """A little of everything, so generated ids and filters sometimes hit real rows."""
    nis = make_source(
        name="National Intelligence Service",
        kind="intelligence",
        reliability="B",
        parent=make_source(name="Government", reliability="B"),
    )
    SourceAlias.objects.create(source=nis, alias="NIS")
    outlet = make_source(name="Voice of America", kind="outlet")
    first = make_claim(
        article=make_article(outlet=outlet), sources=[nis, make_source(name="Yonhap")]
    )
    second = make_claim(sources=[nis])
    Figure.objects.filter(claim=second).update(status="unconfirmed")
    make_claim_link(from_claim=second, to_claim=first)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case, seeded: None) -> None:
    # As an editor, so the editorial writes run their logic instead of stopping at 401.
    response = case.call(headers={"Authorization": f"Token {_editor_token()}"})
    assert response.status_code < 500, (
        f"{response.status_code} for {case.as_curl_command()}\n{response.text[:2000]}"
    )


def test_the_claims_list_documents_its_csv_and_json_lines_exports() -> None:
    operation = _schema()["paths"]["/api/v1/claims"]["get"]
    (fmt,) = [p for p in operation["parameters"] if p["name"] == "format"]
    assert set(fmt["schema"]["enum"]) == {"json", "csv", "jsonl"}
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv", "application/x-ndjson"}
    assert content["text/csv"]["schema"] == {"type": "string"}
    assert content["application/x-ndjson"]["schema"] == {
        "$ref": "#/components/schemas/ClaimListOutput"
    }
    assert set(operation["responses"]["400"]["content"]) == {"application/json"}


# ------------------------------------------------------------------------------ roles, 401/403/429

WRITES = [
    ("/api/v1/articles", "post", "analyst"),
    ("/api/v1/articles/batch", "post", "analyst"),
    ("/api/v1/urls", "post", "analyst"),
    ("/api/v1/claims/{claim_id}", "patch", "editor"),
    ("/api/v1/claims/{claim_id}/chain", "put", "editor"),
    ("/api/v1/claims/{claim_id}/split", "post", "editor"),
    ("/api/v1/claims/{claim_id}/merge", "post", "editor"),
    ("/api/v1/figures/{figure_id}/review", "post", "editor"),
    ("/api/v1/links/{link_id}/review", "post", "editor"),
    ("/api/v1/sources/{source_id}", "patch", "editor"),
    ("/api/v1/sources/{source_id}/rating", "post", "editor"),
    ("/api/v1/sources/{source_id}/aliases", "post", "editor"),
    ("/api/v1/sources/{source_id}/merge", "post", "editor"),
    ("/api/v1/articles/{article_id}/reextract", "post", "editor"),
    ("/api/v1/feeds", "post", "editor"),
    ("/api/v1/feeds/{feed_id}", "patch", "editor"),
    ("/api/v1/feeds/{feed_id}/poll", "post", "editor"),
]


@pytest.mark.parametrize(("path", "method", "role"), WRITES)
def test_every_write_documents_its_role_its_refusals_and_its_throttle(
    path: str, method: str, role: str
) -> None:
    operation = _schema()["paths"][path][method]
    assert operation["x-required-role"] == role
    assert (
        f"Needs {'an editor' if role == 'editor' else 'any signed-in user'}"
        in (operation["description"])
    )
    responses = operation["responses"]
    expected = {"401", "429"} | ({"403"} if role == "editor" else set())
    assert expected <= responses.keys()
    for code in expected:
        content = responses[code]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/ErrorOutput"}
    assert "WWW-Authenticate" in responses["401"]["headers"]
    assert "Retry-After" in responses["429"]["headers"]
    assert {} not in operation["security"], "a write must not be documented as anonymous"


def test_the_review_queue_is_documented_as_needing_a_role() -> None:
    operation = _schema()["paths"]["/api/v1/review-queue"]["get"]
    assert operation["x-required-role"] == "analyst"
    assert "401" in operation["responses"] and "429" not in operation["responses"]
    assert {} not in operation["security"]


@pytest.mark.parametrize(
    "path", ["/api/v1/claims", "/api/v1/feeds", "/api/v1/urls/{submission_id}"]
)
def test_open_reads_are_documented_as_callable_without_credentials(path: str) -> None:
    operation = _schema()["paths"][path]["get"]
    assert operation["x-required-role"] == "anonymous"
    assert {} in operation["security"]
    assert not {"401", "403", "429"} & operation["responses"].keys()


def test_the_schema_follows_the_anonymous_submission_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOW_ANONYMOUS_SUBMISSIONS = True
    operation = _schema()["paths"]["/api/v1/articles"]["post"]
    assert operation["x-required-role"] == "anonymous"
    assert {} in operation["security"] and "401" not in operation["responses"]

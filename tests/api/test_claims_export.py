"""CSV and JSON Lines of the claims list: every matching claim of a view, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import orjson
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims import export, selectors_export
from claims.export import CSV_COLUMNS, spreadsheet_safe
from claims.models import Claim, Figure
from claims.params import claim_filters_from_params
from core.errors import ApplicationError
from sources.models import SourceAlias
from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


def _when(day: int) -> dt.datetime:
    return dt.datetime(2024, 11, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, Claim]:
    """Nine claims over three outlets, hedged and not, relayed and not, dated and not."""
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    SourceAlias.objects.create(source=nis, alias="NIS")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    officials = make_source(name="Officials", kind="unnamed", reliability="F")
    good = make_source(name="Good Paper", kind="outlet", reliability="A")
    poor = make_source(name="Poor Paper", kind="outlet", reliability="E")
    made: dict[str, Claim] = {}
    for i in range(9):
        article = make_article(
            outlet=(good, poor, None)[i % 3],
            published_at=_when(1 + i) if i != 5 else None,
            title=f"Article {i}",
        )
        made[f"c{i}"] = make_claim(
            article=article,
            sources=([nis, yonhap], [officials], [])[i % 3],
            hedged=i % 2 == 0,
            hedge_cues=["alleged"] if i % 2 == 0 else [],
            text=f"Claim {i}: soldiers were relocated" if i % 4 == 0 else f"Claim {i}: a depot",
            credibility=1 + i % 6,
        )
    return made


def _stream(api: APIClient, url: str, **headers: str) -> tuple[bytes, str, str]:
    response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response.streaming
    return (
        b"".join(response.streaming_content),
        response["Content-Type"],
        response.get("Content-Disposition", ""),
    )


def _csv(api: APIClient, url: str) -> list[dict[str, str]]:
    body, content_type, disposition = _stream(api, url)
    assert content_type == "text/csv; charset=utf-8"
    assert disposition.startswith('attachment; filename="claims-') and disposition.endswith('.csv"')
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def _jsonl(api: APIClient, url: str) -> list[dict]:  # type: ignore[type-arg]
    body, content_type, _ = _stream(api, url)
    assert content_type == "application/x-ndjson; charset=utf-8"
    assert body == b"" or body.endswith(b"\n")
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


FILTERS = [
    "",
    "hedged=true",
    "hedged=false&ordering=published",
    "min_reliability=B",
    "source=NIS&source_role=origin",
    "outlet=Poor%20Paper&ordering=-reliability",
    "search=soldiers",
    "published_from=2024-11-03&published_until=2024-11-07",
    "ordering=id",
    "max_credibility=3&ordering=-id",
    "verification_status=disputed",
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_csv_has_one_row_per_claim_the_paged_api_lists_in_its_order(
    api: APIClient, world: dict[str, Claim], query: str
) -> None:
    listed = follow_pages(api, f"/api/v1/claims?{query}&page_size=2")
    rows = _csv(api, f"/api/v1/claims?{query}&format=csv")
    assert [int(row["id"]) for row in rows] == [row["id"] for row in listed]


@pytest.mark.parametrize("query", FILTERS)
def test_each_json_line_is_the_claim_as_the_paged_api_lists_it(
    api: APIClient, world: dict[str, Claim], query: str
) -> None:
    listed = follow_pages(api, f"/api/v1/claims?{query}&page_size=2")
    assert _jsonl(api, f"/api/v1/claims?{query}&format=jsonl") == listed


def test_the_filters_of_the_fixture_select_several_pages_and_nothing(
    api: APIClient, world: dict[str, Claim]
) -> None:
    # The parametrized comparisons above mean something only if they compare several pages
    # and an empty answer too.
    assert len(_csv(api, "/api/v1/claims?format=csv")) == 9
    assert len(_csv(api, "/api/v1/claims?hedged=true&format=csv")) == 5
    assert _jsonl(api, "/api/v1/claims?verification_status=disputed&format=jsonl") == []
    assert _csv(api, "/api/v1/claims?verification_status=disputed&format=csv") == []


def test_a_csv_row_carries_the_chain_origin_first_to_the_outlet_and_the_claims_fields(
    api: APIClient, world: dict[str, Claim]
) -> None:
    claim = world["c0"]
    Figure.objects.filter(claim=claim).update(status="unconfirmed")
    (row,) = _csv(api, f"/api/v1/claims?article={claim.article_id}&format=csv")
    assert list(row) == list(CSV_COLUMNS)
    assert row["chain"] == "National Intelligence Service > Yonhap > Good Paper"
    assert row["chain_reliability"] == "B > B > A"
    assert row["weakest_reliability"] == "B"
    assert row["hedged"] == "true" and row["hedge_cues"] == "alleged"
    assert row["figures"] == "100 people (unconfirmed)"
    assert row["dates"] == "Monday"
    assert row["credibility"] == "1"
    assert row["independent_origins"] == str(claim.independent_origins)
    assert row["verification_status"] == "unverified"
    assert row["article_title"] == "Article 0" and row["outlet"] == "Good Paper"
    assert row["published_at"] == "2024-11-01T12:00:00Z"
    assert row["url"].endswith(f"/api/v1/claims/{claim.pk}")


def test_a_claim_without_outlet_or_date_has_empty_cells(
    api: APIClient, world: dict[str, Claim]
) -> None:
    (row,) = _csv(api, f"/api/v1/claims?article={world['c5'].article_id}&format=csv")
    assert row["outlet"] == "" and row["published_at"] == ""
    assert row["chain"] == "" and row["figures"] == "100 people"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1 555 0100", "'+1 555 0100"),
        ("-5 boats", "'-5 boats"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ('Officials said, "5,000"\nand more', 'Officials said, "5,000"\nand more'),
        ("5 - 3 = 2", "5 - 3 = 2"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    api: APIClient, text: str, cell: str
) -> None:
    article = make_article(title=text, outlet=make_source(name=text, kind="outlet"))
    make_claim(article=article, text=text, sources=[make_source(name=f"{text} agency")])
    (row,) = _csv(api, "/api/v1/claims?format=csv")
    assert row["text"] == row["article_title"] == row["outlet"] == cell
    assert row["chain"] == spreadsheet_safe(f"{text} agency > {text}")
    (line,) = _jsonl(api, "/api/v1/claims?format=jsonl")
    assert line["text"] == text  # JSON Lines carries the text as it is


def test_the_accept_header_chooses_an_export_too(api: APIClient, world: dict[str, Claim]) -> None:
    body, content_type, _ = _stream(api, "/api/v1/claims", HTTP_ACCEPT="text/csv")
    assert content_type.startswith("text/csv")
    assert len(body.decode().splitlines()) == 10
    body, content_type, _ = _stream(api, "/api/v1/claims", HTTP_ACCEPT="application/x-ndjson")
    assert content_type.startswith("application/x-ndjson")
    assert len(body.splitlines()) == 9


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_export_runs_the_same_queries_for_one_claim_or_many_chunks(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(selectors_export, "EXPORT_CHUNK_ROWS", 2)
    monkeypatch.setattr(export, "CHUNK_BYTES", 100)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/api/v1/claims?format={fmt}&search=relocated")
            body = b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(ctx.captured_queries), body.count(b"relocated")

    make_claim(text="Troops relocated.", sources=[make_source()])
    one, found = queries()
    assert found == 1
    for _ in range(9):
        make_claim(
            article=make_article(outlet=make_source()),
            text="Troops relocated.",
            sources=[make_source(), make_source()],
            figures=3,
        )
    assert queries() == (one, 10)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_reliability=G", "min_reliability"),
        ("min_reliabilty=A", "min_reliabilty"),
        ("hedged=maybe", "hedged"),
        ("hedged=true&hedged=false", "hedged"),
        ("ordering=text", "ordering"),
        ("cursor=abc", "cursor"),
        ("page_size=10", "page_size"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_bad_filter_answers_a_400_in_json_not_a_file(
    api: APIClient, query: str, field: str, fmt: str
) -> None:
    make_claim()
    response = api.get(f"/api/v1/claims?{query}&format={fmt}")
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "application/json"
    assert "Content-Disposition" not in response
    assert response.json()["error"]["field"] == field


def test_an_unknown_format_is_a_400_naming_format(api: APIClient) -> None:
    response = api.get("/api/v1/claims?format=xlsx")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "format"
    assert "csv" in response.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_the_export_reads_a_server_side_cursor_inside_a_transaction_row_chunk_by_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Outside a transaction Django would declare the cursor WITH HOLD, which PostgreSQL
    # computes in full before the first row is read.
    monkeypatch.setattr(selectors_export, "EXPORT_CHUNK_ROWS", 2)
    monkeypatch.setattr(export, "CHUNK_BYTES", 1)
    for _ in range(6):
        make_claim()
    response = APIClient().get("/api/v1/claims?format=jsonl")
    chunks = iter(response.streaming_content)
    first = next(chunks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchall() == [(False,)]
    rest = b"".join(chunks)
    assert len((first + rest).splitlines()) == 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone() == (0,)


def test_claim_filters_from_params_raises_the_apis_error_naming_the_parameter() -> None:
    assert claim_filters_from_params(QueryDict("hedged=true&search=troops")).hedged is True
    with pytest.raises(ApplicationError) as raised:
        claim_filters_from_params(QueryDict("search=troops&min_reliabilty=A"))
    assert raised.value.field == "min_reliabilty"
    assert "Did you mean min_reliability?" in raised.value.message
    assert raised.value.status_code == 400


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/claims?min_reliabilty=A", "min_reliabilty"),
        ("/api/v1/claims?q=troops", "q"),
        ("/api/v1/figures?unitt=troops", "unitt"),
        ("/api/v1/sources?kindd=outlet", "kindd"),
        ("/api/v1/articles?status=done&status=queued", "status"),
        ("/api/v1/graph?source=NIS&sincee=2024-01-01", "sincee"),
    ],
)
def test_an_unknown_or_repeated_parameter_is_a_400_naming_it(
    api: APIClient, url: str, field: str
) -> None:
    response = api.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims?page_size=5&format=json",
        "/api/v1/figures?page_size=5",
        "/api/v1/sources?page_size=5&format=json",
        "/api/v1/graph?source=1&format=prov",
    ],
)
def test_pagination_and_format_parameters_stay_accepted(api: APIClient, url: str) -> None:
    assert api.get(url).status_code == 200


def test_a_text_with_a_line_break_stays_on_one_json_line() -> None:
    body = b"".join(export.jsonl_chunks([{"text": "a\nb"}]))  # type: ignore[list-item]
    assert body == orjson.dumps({"text": "a\nb"}) + b"\n"
    assert body.count(b"\n") == 1


def test_options_with_an_export_format_answers_json(api: APIClient) -> None:
    response = api.options("/api/v1/claims?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"

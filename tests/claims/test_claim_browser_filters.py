"""The claims page takes the API's filter names and values: one query string, two views."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Claim, Figure
from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Claim]:
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    officials = make_source(name="Officials", kind="unnamed", reliability="F")
    good = make_source(name="Good Paper", kind="outlet", reliability="A")
    made: dict[str, Claim] = {}
    for i in range(6):
        made[f"c{i}"] = make_claim(
            article=make_article(
                outlet=good, published_at=dt.datetime(2024, 11, 1 + i, 12, tzinfo=dt.UTC)
            ),
            sources=[nis] if i % 2 else [officials],
            hedged=i % 3 == 0,
            text=f"Claim {i} about troops" if i < 3 else f"Claim {i} about grain",
            verification_status="disputed" if i == 4 else "unverified",
        )
    Figure.objects.filter(claim=made["c1"]).update(status="unconfirmed")
    return made


def _page_ids(client: Client, query: str) -> list[int]:
    response = client.get(f"/?{query}")
    assert response.status_code == 200, response.status_code
    return [
        int(pk)
        for pk in re.findall(
            r'<p class="claim-text"><a href="/claims/(\d+)"', response.content.decode()
        )
    ]


@pytest.mark.parametrize(
    "query",
    [
        "search=troops",
        "hedged=true",
        "hedged=false&search=troops",
        "verification_status=disputed",
        "flagged_figures=true",
        "flagged_figures=false&ordering=published",
        "min_reliability=B&ordering=-id",
        "source=Officials&source_role=origin",
        "max_credibility=6&published_from=2024-11-02&published_until=2024-11-04T23:00:00Z",
        "ordering=-reliability",
    ],
)
def test_one_query_string_shows_the_same_claims_on_the_page_and_in_the_api(
    client: Client, world: dict[str, Claim], query: str
) -> None:
    listed = [row["id"] for row in follow_pages(APIClient(), f"/api/v1/claims?{query}")]
    assert listed, "a filter that selects nothing proves little"
    assert _page_ids(client, query) == listed


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("q=troops", {"search": ["troops"]}),
        ("status=disputed&sort=-id", {"verification_status": ["disputed"], "ordering": ["-id"]}),
        ("flagged=on&hedged=yes", {"flagged_figures": ["true"], "hedged": ["true"]}),
        ("hedged=no&q=&min_reliability=B", {"hedged": ["false"], "min_reliability": ["B"]}),
        ("q=old&search=new", {"search": ["new"]}),
    ],
)
def test_old_page_urls_redirect_to_the_apis_names(
    client: Client, old: str, new: dict[str, list[str]]
) -> None:
    response = client.get(f"/?{old}")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/"
    assert parse_qs(target.query) == new


def test_the_forms_empty_fields_are_dropped_from_the_url(client: Client) -> None:
    response = client.get("/?search=&hedged=true&ordering=-published&source=")
    assert response.status_code == 302
    assert response["Location"] == "/?hedged=true&ordering=-published"


def test_a_bad_value_is_shown_beside_its_field_and_the_other_filters_still_apply(
    client: Client, world: dict[str, Claim]
) -> None:
    page = client.get("/?hedged=maybe&search=grain").content.decode()
    field = page.split('id="id_hedged"')[1].split("</div>")[0]
    assert 'class="field-error"' in field and "valid boolean" in field
    assert 'aria-invalid="true"' in page.split('id="id_hedged"')[0].rsplit("<select", 1)[1]
    ids = _page_ids(client, "hedged=maybe&search=grain")
    assert ids == [world[f"c{i}"].pk for i in (5, 4, 3)]
    assert 'value="grain"' in page


def test_an_unknown_parameter_is_reported_and_ignored(
    client: Client, world: dict[str, Claim]
) -> None:
    page = client.get("/?min_reliabilty=A&verification_status=disputed").content.decode()
    assert "min_reliabilty: Unknown parameter. Did you mean min_reliability?" in unescape(page)
    assert _page_ids(client, "min_reliabilty=A&verification_status=disputed") == [world["c4"].pk]


def test_the_download_links_carry_the_applied_filters_and_not_the_page_position(
    client: Client, world: dict[str, Claim]
) -> None:
    page = client.get("/?hedged=maybe&search=grain&ordering=-id&cursor=x").content.decode()
    links = {
        unescape(href) for href in re.findall(r'<a href="(/api/v1/claims\?[^"]*)" download>', page)
    }
    assert links == {
        "/api/v1/claims?search=grain&ordering=-id&format=csv",
        "/api/v1/claims?search=grain&ordering=-id&format=jsonl",
    }


def test_the_page_hands_an_export_format_to_the_api(client: Client) -> None:
    response = client.get("/?hedged=true&format=csv")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/claims?hedged=true&format=csv"


def test_a_date_time_from_an_api_url_keeps_its_value_in_the_form(client: Client) -> None:
    page = client.get("/?published_from=2024-11-02T06:00:00Z").content.decode()
    assert re.search(r'<input type="text" name="published_from" value="2024-11-02T06:00:00Z"', page)

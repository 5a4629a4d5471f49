"""Figure tracks: the page, the API and the chart geometry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from claims.models import Figure
from claims.tracks import TrackPoint, track_chart
from tests.factories import make_source

from .conftest import OCT23, claim_saying

pytestmark = pytest.mark.django_db


def _reports(n: int) -> None:
    nis = make_source(name=f"NIS {n}", kind="intelligence")
    outlet = make_source(name=f"Outlet {n}", kind="outlet")
    for i in range(n):
        claim_saying(
            f"North Korea has sent {3000 + 1000 * i:,} troops to Russia, NIS {n} said.",
            origin=nis,
            outlet=outlet,
            when=OCT23 + dt.timedelta(days=7 * i),
            troops=3000 + 1000 * i,
        )


def test_the_track_api_lists_the_figures_oldest_first_with_their_origin() -> None:
    _reports(3)
    unrelated = claim_saying(
        "Floods displaced 500 people.", origin=make_source(), outlet=make_source(kind="outlet")
    )
    Figure.objects.create(claim=unrelated, value=500, text="500", unit="people", start=0, end=3)
    body = APIClient().get("/api/v1/figures/track?q=troops").json()
    assert [p["value"] for p in body["points"]] == [3000, 4000, 5000]
    assert body["origins"] == ["NIS 3"]
    assert body["points"][0]["published"].startswith("2024-10-23")


def test_a_subject_narrows_the_unit_by_the_claim_text() -> None:
    _reports(2)
    other = claim_saying(
        "Russia has moved 7,000 troops to Belarus.",
        origin=make_source(),
        outlet=make_source(kind="outlet"),
        troops=7000,
    )
    values = [
        p["value"]
        for p in APIClient().get("/api/v1/figures/track?q=North Korea troops").json()["points"]
    ]
    assert values == [3000, 4000]
    assert other.pk


def test_the_track_api_needs_a_subject() -> None:
    assert APIClient().get("/api/v1/figures/track").status_code == 400


def test_the_track_page_draws_an_inline_svg_chart_and_a_table(client) -> None:  # type: ignore[no-untyped-def]
    _reports(3)
    page = client.get("/figures/track?q=troops").content.decode()
    assert "<svg" in page
    assert page.count("<circle") >= 3
    assert "<script" not in page
    assert "NIS 3" in page
    assert "3,000" in page


@pytest.mark.parametrize("url", ["/figures/track?q=troops", "/api/v1/figures/track?q=troops"])
def test_the_track_runs_the_same_queries_for_one_or_many_figures(
    url: str, page_queries: Callable[[str], int]
) -> None:
    _reports(1)
    one = page_queries(url)
    _reports(5)
    assert page_queries(url) == one


def test_the_chart_puts_a_higher_figure_higher_and_a_later_one_to_the_right() -> None:
    def point(value: float, day: int, origin: str = "NIS") -> TrackPoint:
        return TrackPoint(
            figure_id=day,
            claim_id=day,
            article_id=day,
            value=value,
            low=None,
            high=None,
            text=str(value),
            unit="troops",
            approximate=False,
            status="unreviewed",
            hedged=False,
            published=dt.datetime(2024, 10, day, tzinfo=dt.UTC),
            origin=origin,
            outlet="",
        )

    chart = track_chart([point(3000, 1), point(10000, 20), point(5000, 10, "GUR")])
    by_origin = {s["origin"]: s["points"] for s in chart["series"]}
    first, last = by_origin["NIS"]
    assert last["x"] > first["x"]
    assert last["y"] < first["y"]  # SVG y grows downwards
    assert len(chart["series"]) == 2


def test_an_empty_track_has_no_series() -> None:
    assert track_chart([])["series"] == []


def test_a_claims_figures_link_to_their_track(client) -> None:  # type: ignore[no-untyped-def]
    claim = claim_saying(
        "North Korea has sent 3,000 troops to Russia.",
        origin=make_source(),
        outlet=make_source(kind="outlet"),
        troops=3000,
    )
    assert '/figures/track?q=troops"' in client.get(f"/claims/{claim.pk}").content.decode()

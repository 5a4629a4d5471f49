"""An analyst filters the claims page and downloads the view as CSV, in headless Chromium."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import follow_pages
from tests.factories import make_article, make_claim, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_filters_the_claims_and_downloads_them_as_csv(live_server, page, shot) -> None:  # type: ignore[no-untyped-def]
    nis = make_source(name="National Intelligence Service", kind="intelligence", reliability="B")
    yonhap = make_source(name="Yonhap", kind="news_agency", reliability="B")
    outlet = make_source(name="Reuters", kind="outlet", reliability="B")
    for i in range(30):
        make_claim(
            article=make_article(outlet=outlet, title=f"Report {i}"),
            sources=[nis, yonhap]
            if i % 2
            else [make_source(name=f"Officials {i}", reliability="F")],
            hedged=i % 3 == 0,
            text=f"=SUM(A1) troops moved, claim {i}" if i == 3 else f"Claim {i}: troops moved",
        )

    page.goto(live_server.url + "/?q=troops")  # an old link: renamed to the API's names
    assert "search=troops" in page.url
    page.get_by_label("Hedged").select_option("true")
    page.get_by_label("Minimum source reliability").select_option("B")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**hedged=true**")
    query = page.url.split("?", 1)[1]
    assert "min_reliability=B" in query and "search=troops" in query
    shot(page, "07-claims-filtered-for-export")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("claims-")
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    listed = follow_pages(APIClient(), f"/api/v1/claims?{query}&page_size=2")
    assert [int(row["id"]) for row in rows] == [row["id"] for row in listed]
    assert len(rows) == 5  # hedged (every third) and wholly B: the odd ones of 3, 9, 15, 21, 27
    assert all(row["chain"] == "National Intelligence Service > Yonhap > Reuters" for row in rows)
    assert rows[-1]["text"] == "'=SUM(A1) troops moved, claim 3"

    # A bad value is reported beside its field; the search still applies.
    page.goto(live_server.url + "/?hedged=maybe&search=troops&min_reliabilty=A")
    assert page.locator("#id_hedged_error").inner_text().startswith("Must be a valid boolean")
    assert "Did you mean min_reliability?" in page.get_by_role("alert").first.inner_text()
    assert page.locator("ul.claims > li").count() == 25  # a full page of the 30 matches
    shot(page, "08-claims-bad-filter")

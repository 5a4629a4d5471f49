from __future__ import annotations

import pytest

from claims.models import ClaimSource
from claims.selectors import ClaimFilters, SourceRole, claim_list
from sources.models import SourceAlias
from tests.factories import make_article, make_claim, make_source

pytestmark = pytest.mark.django_db

EXPECTED = {  # which of the four claims below each role finds for Yonhap
    SourceRole.ANY: {"nis-yonhap", "yonhap", "published-by-yonhap"},
    SourceRole.ORIGIN: {"yonhap"},
    SourceRole.RELAY: {"nis-yonhap", "published-by-yonhap"},
}


@pytest.mark.parametrize("role", list(SourceRole))
def test_one_source_and_a_name_shared_by_several_find_the_same_claims(role: SourceRole) -> None:
    nis, yonhap, other = (
        make_source(name="NIS"),
        make_source(name="Yonhap"),
        make_source(name="Other"),
    )
    claims = {
        "nis-yonhap": make_claim(sources=[nis, yonhap]),
        "yonhap": make_claim(sources=[yonhap]),
        "published-by-yonhap": make_claim(article=make_article(outlet=yonhap), sources=[nis]),
        "other": make_claim(sources=[other]),
    }
    expected = {claims[name].pk for name in EXPECTED[role]}

    def found(**filters: object) -> list[int]:
        return list(
            claim_list(filters=ClaimFilters(source_role=role, **filters)).values_list(
                "pk", flat=True
            )
        )

    by_id = found(source_id=yonhap.pk)  # one source: the ordered join
    assert set(by_id) == expected and len(by_id) == len(expected)
    # A second source answering to the name: the semi-join over both.
    SourceAlias.objects.create(source=make_source(name="Yonhap News Agency"), alias="yonhap")
    by_name = found(source_name="YONHAP")
    assert by_name == by_id


def test_a_source_twice_in_one_chain_lists_the_claim_once() -> None:
    officials = make_source(name="Officials")
    claim = make_claim(sources=[officials, make_source(name="Reuters"), officials])
    assert ClaimSource.objects.filter(claim=claim, source=officials).count() == 1
    entry = ClaimSource.objects.get(claim=claim, source=officials)
    assert entry.origin and entry.relay
    assert list(
        claim_list(filters=ClaimFilters(source_id=officials.pk)).values_list("pk", flat=True)
    ) == [claim.pk]


def test_the_source_list_is_newest_first_and_pages_with_the_cursor() -> None:
    import datetime as dt

    from rest_framework.test import APIClient

    source = make_source(name="Tass")
    days = [5, 1, 9, 3, 7]
    made = {
        day: make_claim(
            article=make_article(published_at=dt.datetime(2024, 1, day, tzinfo=dt.UTC)),
            sources=[source],
        )
        for day in days
    }
    api, seen, url = APIClient(), [], f"/api/v1/claims?source={source.pk}&page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [made[day].pk for day in sorted(days, reverse=True)]

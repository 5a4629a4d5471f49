"""The matcher's pure half: features in, link kind and score out. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.matching import (
    ClaimFeatures,
    FigureFeature,
    figures_agree,
    origin_key,
    score_pair,
    unit_key,
)

OCT23 = dt.datetime(2024, 10, 23, 9, tzinfo=dt.UTC)
NOV13 = dt.datetime(2024, 11, 13, 9, tzinfo=dt.UTC)


def troops(value: float, **fields) -> FigureFeature:  # type: ignore[no-untyped-def]
    return FigureFeature(
        value=value, unit=fields.pop("unit", "troops"), text=f"{value:,.0f}", **fields
    )


def claim(
    text: str,
    *,
    origin: str = "source:1",
    figures=(),
    published=OCT23,
    id: int = 1,  # type: ignore[no-untyped-def]
    dates=(),
) -> ClaimFeatures:
    return ClaimFeatures(
        id=id,
        article_id=id,
        text=text,
        origin=origin,
        published=published,
        figures=tuple(figures),
        dates=tuple(dates),
    )


SENT = "North Korea has sent {n} troops to Russia to support its war against Ukraine"


def test_the_same_statement_from_the_same_origin_is_the_same_claim() -> None:
    match = score_pair(
        claim(SENT.format(n="3,000"), figures=[troops(3000)]),
        claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2),
        similarity=0.9,
    )
    assert match is not None
    assert match.kind == "same"
    assert match.evidence["same_origin"] is True


def test_the_same_statement_from_another_origin_corroborates() -> None:
    match = score_pair(
        claim(SENT.format(n="3,000"), figures=[troops(3000)], origin="source:2"),
        claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2),
        similarity=0.9,
    )
    assert match is not None
    assert match.kind == "corroborates"


def test_5000_against_3000_troops_from_another_origin_contradicts() -> None:
    match = score_pair(
        claim(SENT.format(n="5,000"), figures=[troops(5000)], origin="source:2"),
        claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2),
        similarity=0.8,
    )
    assert match is not None
    assert match.kind == "contradicts"
    assert match.evidence["figures"] == [
        {"new": "5,000", "old": "3,000", "unit": "troop", "agree": False}
    ]


def test_the_same_origin_giving_a_new_figure_later_updates_and_points_from_the_later_claim() -> (
    None
):
    later = claim(SENT.format(n="10,000"), figures=[troops(10000)], published=NOV13)
    earlier = claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2)
    assert score_pair(later, earlier, similarity=0.8) == score_pair(later, earlier, similarity=0.8)
    match = score_pair(later, earlier, similarity=0.8)
    assert match is not None
    assert (match.kind, match.reverse) == ("updates", False)
    backwards = score_pair(earlier, later, similarity=0.8)
    assert backwards is not None
    assert (backwards.kind, backwards.reverse) == ("updates", True)


def test_a_denial_contradicts_the_assertion() -> None:
    match = score_pair(
        claim(
            "Russia denied that North Korean troops had been sent to the Kursk region",
            origin="source:9",
        ),
        claim("North Korean troops have been sent to the Kursk region", id=2),
        similarity=0.6,
    )
    assert match is not None
    assert match.kind == "contradicts"
    assert "polarity" in match.evidence


def test_claims_that_only_share_a_topic_are_not_linked() -> None:
    assert (
        score_pair(
            claim("North Korea launched a ballistic missile into the East Sea"),
            claim("Russian troops shelled the port of Odesa overnight", id=2),
            similarity=0.1,
        )
        is None
    )


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (troops(3000), troops(5000), False),
        (troops(10000, approximate=True), troops(11000), True),  # "about 10,000" covers 11,000
        (troops(10000), troops(11000), False),  # two exact figures 10% apart
        (troops(5000), troops(4900), True),  # rounding
        (troops(10000, qualifier="more than"), troops(12000), True),
        (troops(3000, low=3000, high=5000), troops(4000), True),
    ],
)
def test_figures_agree_within_their_approximation_or_rounding(
    a: FigureFeature, b: FigureFeature, agree: bool
) -> None:
    assert figures_agree(a, b) is agree


@pytest.mark.parametrize(
    ("unit", "key"),
    [
        ("North Korean engineering troops", "troop"),
        ("soldiers", "troop"),
        ("military personnel", "troop"),
        ("refugees", "refugee"),
        ("", ""),
    ],
)
def test_units_are_compared_by_what_they_count(unit: str, key: str) -> None:
    assert unit_key(unit) == key


def test_relays_of_one_named_origin_have_one_origin_key() -> None:
    nis, yonhap = (1, "intelligence"), (2, "news_agency")
    assert origin_key([nis, yonhap], outlet_id=10) == origin_key([nis], outlet_id=11) == "source:1"


def test_unnamed_officials_are_an_origin_only_with_the_named_source_relaying_them() -> None:
    officials, yonhap = (5, "unnamed"), (2, "news_agency")
    assert origin_key([officials, yonhap], outlet_id=10) == origin_key(
        [officials, yonhap], outlet_id=11
    )
    assert origin_key([officials], outlet_id=10) != origin_key([officials], outlet_id=11)


def test_an_unattributed_claim_is_its_outlets_own_origin() -> None:
    assert origin_key([], outlet_id=10) == "outlet:10"

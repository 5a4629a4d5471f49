"""The matcher's pure half: features in, link kind and score out. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from claims.matching import (
    ClaimFeatures,
    FigureFeature,
    compare_figures,
    figures_agree,
    origin_key,
    said_without,
    score_pair,
    trigram_similarity,
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
    said: str = "",
) -> ClaimFeatures:
    return ClaimFeatures(
        id=id,
        article_id=id,
        text=text,
        said=said,
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
    )
    assert match is not None
    assert match.kind == "same"
    assert match.evidence["same_origin"] is True


def test_the_same_statement_from_another_origin_corroborates() -> None:
    match = score_pair(
        claim(SENT.format(n="3,000"), figures=[troops(3000)], origin="source:2"),
        claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2),
    )
    assert match is not None
    assert match.kind == "corroborates"


def test_5000_against_3000_troops_from_another_origin_contradicts() -> None:
    match = score_pair(
        claim(SENT.format(n="5,000"), figures=[troops(5000)], origin="source:2"),
        claim(SENT.format(n="3,000"), figures=[troops(3000)], id=2),
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
    assert score_pair(later, earlier) == score_pair(later, earlier)
    match = score_pair(later, earlier)
    assert match is not None
    assert (match.kind, match.reverse) == ("updates", False)
    backwards = score_pair(earlier, later)
    assert backwards is not None
    assert (backwards.kind, backwards.reverse) == ("updates", True)


def test_a_denial_contradicts_the_assertion() -> None:
    match = score_pair(
        claim(
            "Russia denied that North Korean troops had been sent to the Kursk region",
            origin="source:9",
        ),
        claim("North Korean troops have been sent to the Kursk region", id=2),
    )
    assert match is not None
    assert match.kind == "contradicts"
    assert "polarity" in match.evidence


def test_claims_that_only_share_a_topic_are_not_linked() -> None:
    assert (
        score_pair(
            claim("North Korea launched a ballistic missile into the East Sea"),
            claim("Russian troops shelled the port of Odesa overnight", id=2),
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


def test_the_similarity_is_pg_trgms() -> None:
    # Values from PostgreSQL 15's pg_trgm: SELECT similarity(a, b)
    pairs = [
        ("North Korea sent troops", "North Korean troops", 0.692308),
        ("The troops (3,000) left—Chongjin!", "troops left chongjin", 0.7),
    ]
    for a, b, expected in pairs:
        assert round(trigram_similarity(a, b), 6) == expected
    assert trigram_similarity("", "") == 0.0
    assert trigram_similarity("word", "word") == 1.0


def test_two_claims_of_one_speaker_are_compared_on_what_they_say_not_his_name() -> None:
    # The minister's name and title made these one statement; what he said is not.
    a = "Interior Minister Joseph Ole Lenku said Monday that forces control every floor of the mall"
    b = "Interior Minister Joseph Ole Lenku said Wednesday investigators expect to find more remains"
    mention = "Interior Minister Joseph Ole Lenku"
    assert score_pair(claim(a), claim(b, id=2)) is not None
    assert (
        score_pair(
            claim(a, said=said_without(a, [mention])),
            claim(b, id=2, said=said_without(b, [mention])),
        )
        is None
    )


@pytest.mark.parametrize(
    "unit", ["more short-range missiles", "other North Korean suspects", "additional troops"]
)
def test_a_figure_counting_an_increment_contradicts_no_total(unit: str) -> None:
    added = FigureFeature(value=2, unit=unit, text="two")
    total = FigureFeature(value=3, unit=unit.split(maxsplit=1)[1], text="three")
    assert [p["increment"] for p in compare_figures([added], [total])] == [True]
    assert [p["increment"] for p in compare_figures([total], [added])] == [True]
    text = "North Korea test-fired {} short-range missiles, Yonhap reported"
    two_more = claim(text.format("two more"), figures=[added])
    three = claim(text.format("three"), figures=[total], id=2)
    # Not one count and its contradiction, and not one statement either: two additions.
    assert score_pair(two_more, three) is None


def test_a_negation_between_claims_that_merely_share_a_story_is_no_denial() -> None:
    match = score_pair(
        claim("Officials said the toll from the mall attack would not rise much further"),
        claim("Officials said the attack on the mall killed 39 people and wounded 150", id=2),
    )
    assert match is None or match.kind != "contradicts"


def test_a_vague_amount_contradicts_no_count() -> None:
    # Regression: "thousands of soldiers" (a lower bound of 1,000) was compared as 1,000 +-15%
    # and "about 3,000 troops" was linked as its contradiction.
    thousands = FigureFeature(
        value=1000, low=1000, unit="soldiers", text="thousands", qualifier="vague"
    )
    about = FigureFeature(value=3000, unit="troops", text="about 3,000", approximate=True)
    assert compare_figures([about], [thousands]) == []
    assert compare_figures([thousands], [about]) == []
    match = score_pair(
        claim(
            "The NIS said North Korea had begun relocating thousands of soldiers to Russia",
            figures=[thousands],
        ),
        claim(
            "The NIS said North Korea had sent about 3,000 troops to Russia", figures=[about], id=2
        ),
    )
    assert match is None or match.kind != "contradicts"

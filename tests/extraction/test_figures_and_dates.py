"""Figures and dates in constructions of wire copy, on sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction import Extractor
from extraction.types import Quantity

PUBLISHED = dt.date(2025, 3, 14)  # a Friday


def figures(extractor: Extractor, text: str) -> list[Quantity]:
    return [q for c in extractor.extract(text, published=PUBLISHED).claims for q in c.quantities]


def test_half_a_million_is_half_a_million(extractor: Extractor) -> None:
    (q,) = figures(extractor, "More than half a million refugees have fled, the agency said.")
    assert (q.value, q.qualifier, q.unit, q.low) == (500_000, "more than", "refugees", 500_000)


def test_up_to_an_amount_of_money_keeps_its_bound_and_symbol(extractor: Extractor) -> None:
    (q,) = figures(
        extractor, "The government pledged up to $500 million in aid, the minister said."
    )
    assert (q.value, q.qualifier, q.high, q.unit) == (500_000_000, "up to", 500_000_000, "$")
    assert q.text == "up to $500 million"


def test_a_share_of_a_total_counts_the_same_thing_twice(extractor: Extractor) -> None:
    qs = figures(extractor, "Officials said 23 of 31 drones were shot down overnight.")
    assert [(q.value, q.unit) for q in qs] == [(23, "drones"), (31, "drones")]


def test_numbers_in_names_and_clock_times_are_no_figures(extractor: Extractor) -> None:
    assert (
        figures(
            extractor,
            "The council adopted Resolution 2231 at 10:30 a.m. on Monday, diplomats said.",
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The army said three days ago that 40 soldiers died.", ("three days ago", "2025-03-11")),
        ("The talks will resume next week, the minister said.", ("next week", "2025-03-17")),
        ("Last week, officials said 12 people were detained.", ("Last week", "2025-03-03")),
        ("Two weeks ago, the ministry said 5 schools had closed.", ("Two weeks ago", "2025-02-28")),
        ("The rebels said last month that 3 towns had fallen.", ("last month", "2025-02-01")),
    ],
)
def test_relative_dates_resolve_against_the_publication_date(
    extractor: Extractor, text: str, expected: tuple[str, str]
) -> None:
    (claim,) = extractor.extract(text, published=PUBLISHED).claims
    assert [(d.text, d.value.isoformat() if d.value else None) for d in claim.dates] == [expected]


def test_a_count_of_weeks_back_is_still_a_figure(extractor: Extractor) -> None:
    qs = figures(extractor, "The group's leader was killed in a strike one week ago, police said.")
    assert [(q.value, q.unit) for q in qs] == [(1, "week")]

from __future__ import annotations

import pytest
from spacy.language import Language

from extraction.quantities import find_quantities


def values(blank: Language, text: str) -> list[float]:
    return [q.value for q in find_quantities(blank(text), [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rebels seized 5,000 rifles.", [5000]),
        ("The fund holds 1.5 million dollars.", [1_500_000]),
        ("Five thousand people fled.", [5000]),
        ("A dozen ships waited offshore.", [12]),
        ("Twenty-five soldiers were hurt.", [25]),
        ("Officials counted a hundred airstrikes.", [100]),
        ("They announced a three-day truce.", [3]),
        ("The 25-year-old man was held.", [25]),
    ],
)
def test_numbers_in_digits_words_and_compounds_are_read(
    blank: Language, text: str, expected: list[float]
) -> None:
    assert values(blank, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 2014.",  # a year
        "The raid started at 11 a.m. local time.",  # a clock time
        "Gunmen fired B-10 rifles.",  # a designator
        "It was one of the deadliest attacks.",  # a partitive
        "Thousands of soldiers moved north.",  # vague: kept apart below
    ],
)
def test_years_times_designators_and_partitives_are_not_figures(blank: Language, text: str) -> None:
    assert [q for q in find_quantities(blank(text), []) if q.qualifier != "vague"] == []


def test_vague_amounts_carry_a_lower_bound_and_the_vague_qualifier(blank: Language) -> None:
    (q,) = find_quantities(blank("Thousands of soldiers moved north."), [])
    assert (q.qualifier, q.low, q.approximate) == ("vague", 1000, True)


@pytest.mark.parametrize(
    ("text", "qualifier", "low", "high", "approximate"),
    [
        ("At least 15 people died.", "at least", 15, None, False),
        ("More than 30 teachers were taken.", "more than", 30, None, False),
        ("Approximately 5,000 troops arrived.", "approximately", None, None, True),
        ("Up to 40 drones were launched.", "up to", None, 40, False),
        ("Nearly 200 homes burned.", "nearly", None, 200, True),
    ],
)
def test_qualifiers_set_bounds_and_the_approximate_flag(
    blank: Language, text: str, qualifier: str, low: float | None, high: float | None,
    approximate: bool,
) -> None:  # fmt: skip
    (q,) = find_quantities(blank(text), [])
    assert (q.qualifier, q.low, q.high, q.approximate) == (qualifier, low, high, approximate)
    assert text.startswith(q.text)


@pytest.mark.parametrize(
    "text", ["Between 3,000 and 5,000 people fled.", "Some 3,000 to 5,000 people fled."]
)
def test_ranges_give_one_figure_with_both_bounds(blank: Language, text: str) -> None:
    (q,) = find_quantities(blank(text), [])
    assert (q.value, q.low, q.high) == (3000, 3000, 5000)


def test_percentages_put_the_percent_sign_first_in_the_unit(blank: Language) -> None:
    (q,) = find_quantities(blank("Turnout reached 40 percent."), [])
    assert q.value == 40
    assert q.unit.startswith("%")


def test_money_keeps_its_currency_symbol_and_scale(blank: Language) -> None:
    (q,) = find_quantities(blank("The aid was worth $2.5 million."), [])
    assert q.value == 2_500_000
    assert q.unit.startswith("$")
    assert q.text == "$2.5 million"


def test_numbers_inside_a_date_span_are_skipped(blank: Language) -> None:
    doc = blank("Talks resumed on November 7 with 12 delegates.")
    start = doc.text.index("November 7")
    assert [q.value for q in find_quantities(doc, [(start, start + 10)])] == [12]


def test_offsets_point_at_the_figure_text(blank: Language) -> None:
    doc = blank("Police said at least 18 people, including 11 officers, died.")
    for q in find_quantities(doc, []):
        assert doc.text[q.start : q.end] == q.text


def test_tens_of_thousands_is_one_vague_amount(blank: Language) -> None:
    (q,) = find_quantities(blank("Tens of thousands of people marched."), [])
    assert (q.text, q.low, q.qualifier) == ("Tens of thousands", 10_000, "vague")


@pytest.mark.parametrize("text", ["A magnitude 6.8 earthquake hit.", "A 5.2-magnitude quake hit."])
def test_earthquake_magnitudes_are_measures_not_counts(blank: Language, text: str) -> None:
    assert find_quantities(blank(text), []) == []


@pytest.mark.parametrize("digits", ["9" * 400, "1" + ",000" * 200])
def test_absurdly_long_numbers_are_not_figures(blank: Language, digits: str) -> None:
    assert find_quantities(blank(f"Officials counted {digits} rockets."), []) == []

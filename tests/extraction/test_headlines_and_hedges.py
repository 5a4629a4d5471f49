"""Headlines that name their source with a verb, and hedges that need their sense: sentences
written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction import Extractor
from extraction.types import ClaimResult

PUBLISHED = dt.date(2025, 3, 14)
BODY = "\n\nThe army said on Monday that the town was calm.\n"


def first(extractor: Extractor, text: str) -> ClaimResult | None:
    claims = extractor.extract(text, published=PUBLISHED).claims
    return claims[0] if claims else None


@pytest.mark.parametrize(
    ("headline", "source"),
    [
        ("UN Reports Drop in Afghan Civilian Deaths", "UN"),
        ("Separatist Leader in Ukraine Says OSCE Monitors Being Detained", "Separatist Leader"),
        ("Precision Strikes Kill 150 IS Terrorists in Syria, Coalition Says", "Coalition"),
        ("Somali Government Determined to Defeat Insurgents, Says Minister", "Minister"),
        ("Rebels Kill 12 in Raid - UN Report", "UN"),
        ("US Confirms Death of Militant Commander in Airstrike", "US"),
        ("Exile Government Denies Chinese Claim of Interference", "Exile Government"),
        ("TASS: Troops Seize Village Near Border", "TASS"),
    ],
)
def test_a_headline_names_who_says_it_before_or_after_the_verb(
    extractor: Extractor, headline: str, source: str
) -> None:
    claim = first(extractor, headline + BODY)
    assert claim is not None and claim.text == headline
    assert [s.mention for s in claim.sources][0].startswith(source)


@pytest.mark.parametrize(
    "headline",
    [
        "US Sanctions Iranians It Says Are Linked to Weapons Program",  # a clause inside
        "Al-Shabab Claims Responsibility for Somalia Bombing",  # an act, not a statement
        "Russia to Treat US Planes in Syria as 'Targets'",
        "US Commander Disputes Iran on Persian Gulf Incident",
    ],
)
def test_a_headline_without_a_speaker_gives_no_sourced_claim(
    extractor: Extractor, headline: str
) -> None:
    claim = first(extractor, headline + BODY)
    assert claim is None or claim.text != headline or claim.sources == ()


def test_a_source_named_first_in_a_headline_is_no_antecedent_for_the_story(
    extractor: Extractor,
) -> None:
    text = (
        "Troops Arrive, Spy Agency Says\n\nSouth Korea's National Intelligence Service told "
        "lawmakers that 3,000 troops had arrived. The spy agency said 2,000 more would follow."
    )
    claims = extractor.extract(text, published=PUBLISHED).claims
    assert [s.name for s in claims[-1].sources] == ["National Intelligence Service"]


def test_a_line_in_sentence_case_without_a_full_stop_is_read_as_a_sentence(
    extractor: Extractor,
) -> None:
    claim = first(extractor, "Xinhua says the monks were among rioters who assaulted police" + BODY)
    assert claim is not None and [s.mention for s in claim.sources] == ["Xinhua"]


def test_a_headline_hedge_counts_on_its_own(extractor: Extractor) -> None:
    claim = first(extractor, "Mall Death Toll Expected to Rise" + BODY)
    assert claim is not None and claim.hedge_cues == ("Expected",)


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        # inferences from things, not reports by people
        (
            "The White House says the shootdown indicates rebels have access to missiles.",
            ("indicates",),
        ),
        ("Officials said the drones appeared to be Iranian.", ("appeared",)),
        ("The governor predicted the death toll would rise to 40.", ("predicted",)),
        ("The army blamed the attack on rebels who crossed the border.", ("blamed",)),
        ("Police are still trying to verify whether 12 people died.", ("to verify whether",)),
        ("The suspect, said to be a senior commander, fled with 3 aides.", ("said to",)),
        ("We were told there were 40 people inside.", ("were told",)),
        (
            "The official assessed that the army would run out of shells by May if 2 plants "
            "closed.",
            ("assessed", "if"),
        ),
        ('"We understand that 4 ships were hit," the spokesman said.', ("understand",)),
        ("The ministry did not provide evidence that 30 fighters were killed.", ("evidence",)),
        ("The plan assumed under the presumption that 2 divisions would come.", ("presumption",)),
        (
            "The Kremlin said it opened an inquiry into what it calls a genocide of 3 villages.",
            ("what it calls",),
        ),
        ("It was the highest number of casualties reported since the May 5 truce.", ("reported",)),
        ("Police said 2 ships suspected of carrying weapons were seized.", ("suspected of",)),
        ("The army said it arrested 4 men on suspicion of spying.", ("on suspicion of",)),
        ("Details of the 3 attacks are difficult to verify, the agency said.", ("to verify",)),
        (
            '"The rockets are potentially used against 4 bases," the general said.',
            ("potentially",),
        ),
        # not hedges
        ("The minister appeared on state television on Monday with 3 generals.", ()),
        ("Officials said 2 potentially deadly accidents had happened.", ()),
        ("Yonhap also reported the possible test of 2 missiles.", ()),
        ("The army has lost 98 percent of the land it once claimed as its own.", ()),
        ("The 2 attacks were the first claimed by the group since May.", ()),
        (
            "The ambassador said the vote was not perfect, even if the Kremlin has promised to "
            "respect 2 of its results.",
            (),
        ),
    ],
)
def test_hedges_count_in_the_sense_that_hedges_only(
    extractor: Extractor, text: str, cues: tuple[str, ...]
) -> None:
    claim = first(extractor, text)
    assert claim is not None
    assert claim.hedge_cues == cues


def test_an_evidential_verb_with_a_thing_as_subject_attributes_nothing_to_it(
    extractor: Extractor,
) -> None:
    claim = first(
        extractor, "The White House says the shootdown indicates rebels have access to missiles."
    )
    assert claim is not None and [s.mention for s in claim.sources] == ["The White House"]
    # ... while a person indicating is a report.
    claim = first(extractor, "The general indicated that 40 soldiers had been wounded.")
    assert claim is not None and [s.mention for s in claim.sources] == ["The general"]


@pytest.mark.parametrize(
    ("text", "chain"),
    [
        (
            "Local sources said the strike on Sunday targeted vehicles in the lower region.",
            ["Local sources"],
        ),
        (
            "Spokesman Ali Hassan citing initial information claimed the blast destroyed 2 "
            "vehicles.",
            ["initial information", "Spokesman Ali Hassan"],
        ),
    ],
)
def test_misparsed_reports_still_find_their_speaker(
    extractor: Extractor, text: str, chain: list[str]
) -> None:
    claim = first(extractor, text)
    assert claim is not None and [s.mention for s in claim.sources] == chain

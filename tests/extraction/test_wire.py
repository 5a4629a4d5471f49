"""The real model on wire-style sentences written for these tests (not from the dev set)."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction import Extractor
from extraction.types import ClaimResult, SourceKind

PUBLISHED = dt.date(2025, 3, 14)  # a Friday


def run(extractor: Extractor, text: str, outlet: str | None = None) -> list[ClaimResult]:
    return list(extractor.extract(text, published=PUBLISHED, outlet=outlet).claims)


def chain(claim: ClaimResult) -> list[str]:
    return [s.mention for s in claim.sources]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The defense minister, citing intelligence reports, warned that rebels could "
            "attack the capital within days.",
            ["intelligence reports", "The defense minister"],
        ),
        (
            "Xinhua quoted a senior Chinese diplomat as saying the talks would resume soon.",
            ["a senior Chinese diplomat", "Xinhua"],
        ),
        (
            "A spokesman for the ministry told the Associated Press that 14 soldiers were wounded.",
            ["A spokesman for the ministry", "the Associated Press"],
        ),
        (
            "Interfax, citing a source in the security services, reported that the suspect had "
            "been detained.",
            ["a source in the security services", "Interfax"],
        ),
        (
            "The foreign ministry, in a statement carried by the official KCNA news agency, said "
            "the drills were defensive.",
            ["The foreign ministry", "the official KCNA news agency"],
        ),
        (
            "According to the Syrian Observatory for Human Rights, at least 23 people were killed.",
            ["the Syrian Observatory for Human Rights"],
        ),
        (
            "The report, which cited unnamed diplomats, said the talks had stalled.",
            ["unnamed diplomats", "The report"],
        ),
    ],
)
def test_relay_chains_are_ordered_origin_first(
    extractor: Extractor, text: str, expected: list[str]
) -> None:
    (claim,) = run(extractor, text)
    assert chain(claim) == expected


def test_told_reporters_names_an_audience_not_a_relay(extractor: Extractor) -> None:
    (claim,) = run(extractor, "Kurdish commanders told reporters the offensive would start soon.")
    assert chain(claim) == ["Kurdish commanders"]


def test_told_the_publisher_leaves_the_publisher_out(extractor: Extractor) -> None:
    text = "A local commander told VOA that the bridge had been destroyed."
    (claim,) = run(extractor, text, outlet="Voice of America (VOA)")
    assert chain(claim) == ["A local commander"]


def test_joint_speakers_keep_text_order(extractor: Extractor) -> None:
    (claim,) = run(extractor, "The White House and the State Department said the sanctions "
                              "would take effect on Friday.")  # fmt: skip
    assert chain(claim) == ["The White House", "the State Department"]
    assert [s.joint for s in claim.sources] == [False, True]
    assert [s.name for s in claim.sources] == ["White House", "U.S. State Department"]


def test_a_headline_prefix_names_the_source(extractor: Extractor) -> None:
    claims = run(extractor, "TASS: Troops Reportedly Seize Village\n\nFighting continued.")
    assert chain(claims[0]) == ["TASS"]
    assert claims[0].hedge_cues == ("Reportedly",)
    assert claims[0].sources[0].kind is SourceKind.STATE_MEDIA


def test_a_pronoun_resolves_to_the_named_speaker(extractor: Extractor) -> None:
    text = ("The army's chief of staff, General Ali Hamad, said 200 fighters had surrendered. "
            "He said they would be handed over to the courts.")  # fmt: skip
    claims = run(extractor, text)
    assert chain(claims[1]) == ["General Ali Hamad"]


def test_a_re_mentioned_source_inherits_its_relay(extractor: Extractor) -> None:
    text = ("The spy agency, the National Intelligence Service (NIS), told lawmakers that "
            "Pyongyang had sent 3,000 more troops, Yonhap reported. "
            "The NIS said the troops were expected to arrive by December.")  # fmt: skip
    first, second = run(extractor, text)
    assert first.sources[0].name == "National Intelligence Service"
    assert chain(second) == ["The NIS", "Yonhap"]
    assert second.sources[1].inherited


def test_a_description_resolves_to_the_latest_matching_source(extractor: Extractor) -> None:
    text = ("An official at the Defense Ministry said the base was evacuated. "
            "The ministry said no one was hurt.")  # fmt: skip
    claims = run(extractor, text)
    assert chain(claims[1]) == ["the Defense Ministry"]


def test_a_back_reference_attributes_the_previous_event(extractor: Extractor) -> None:
    text = ("An explosion hit a fuel depot near the port on Friday. "
            "That blast, as reported by state television, caused a fire.")  # fmt: skip
    claims = run(extractor, text)
    assert [chain(c) for c in claims] == [["state television"], ["state television"]]


def test_a_quote_over_two_sentences_keeps_its_speaker(extractor: Extractor) -> None:
    text = '"The situation is very dangerous. We expect more attacks," the governor said.'
    claims = run(extractor, text)
    assert len(claims) == 2
    assert all(chain(c) == ["the governor"] for c in claims)


@pytest.mark.parametrize(
    "text",
    [
        "Separately, the Interior Ministry announced a two-week curfew in the region.",
        "Police did not say how many people were detained on 4 counts.",
    ],
)
def test_events_and_negated_reports_have_no_source(extractor: Extractor, text: str) -> None:
    claims = run(extractor, text)
    assert [chain(c) for c in claims] == [[]]


def test_writer_commentary_without_attribution_hedge_or_figure_is_not_a_claim(
    extractor: Extractor,
) -> None:
    text = "The talks underscore how fragile the region remains. Diplomats said 5 envoys left."
    claims = run(extractor, text)
    assert [c.text for c in claims] == ["Diplomats said 5 envoys left."]


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("One soldier was reportedly wounded in the clash.", ("reportedly",)),
        ("The militants are believed to have fled across the border.", ("believed to",)),
        ("Rebels claimed that they had shot down a helicopter.", ("claimed",)),
        ("The talks could collapse, officials said.", ("could",)),
        (
            "The agency could not independently verify the figures.",
            ("could not independently verify",),
        ),
        ("Dozens of strikes were reported overnight.", ("were reported",)),
        ("Officials said 300 troops are expected to arrive next month.", ("expected to",)),
    ],
)
def test_hedges_are_found_with_their_cue(
    extractor: Extractor, text: str, cues: tuple[str, ...]
) -> None:
    (claim,) = run(extractor, text)
    assert claim.hedge_cues == cues
    assert claim.hedged


@pytest.mark.parametrize(
    "text",
    [
        "The blast claimed the lives of 12 people, officials said.",
        "Officials said the ship would sail on 3 routes.",
        "Officials said a potential deal covers 5 ports.",
        'Officials said the "routine" patrols involved 4 ships.',
    ],
)
def test_hedge_look_alikes_are_not_hedges(extractor: Extractor, text: str) -> None:
    (claim,) = run(extractor, text)
    assert not claim.hedged


def test_clauses_split_where_the_hedge_status_differs(extractor: Extractor) -> None:
    text = "The commander said the roads are open and troops will advance if the weather allows."
    claims = run(extractor, text)
    assert [c.hedged for c in claims] == [False, True]
    assert all(chain(c) == ["The commander"] for c in claims)


def test_clauses_with_the_same_source_and_hedge_stay_one_claim(extractor: Extractor) -> None:
    text = ("According to unverified reports, about 2,000 troops are expected to arrive, while "
            "another 500 are anticipated to follow.")  # fmt: skip
    (claim,) = run(extractor, text)
    assert [q.value for q in claim.quantities] == [2000, 500]
    assert claim.sources[0].kind is SourceKind.UNCONFIRMED_REPORTS
    assert "unverified" in claim.hedge_cues


def test_figures_and_dates_are_attached_to_their_claim(extractor: Extractor) -> None:
    text = "Officials said at least 12 civilians were killed on Tuesday, 3 of them children."
    (claim,) = run(extractor, text)
    assert [(q.value, q.qualifier) for q in claim.quantities] == [(12, "at least"), (3, None)]
    assert [(d.text, d.value) for d in claim.dates] == [("Tuesday", dt.date(2025, 3, 11))]
    assert claim.kind.value == "figure"


def test_a_place_dateline_is_neither_claim_text_nor_source(extractor: Extractor) -> None:
    (claim,) = run(extractor, "KHARTOUM - Sudan's army said Wednesday it had retaken a bridge.")
    assert claim.text.startswith("Sudan's army")
    assert chain(claim) == ["Sudan's army"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Aid agencies warn that famine could spread.", SourceKind.NGO),
        ("The spy agency said the drills were a bluff.", SourceKind.INTELLIGENCE),
        ("The RSF said its forces had withdrawn.", SourceKind.ARMED_GROUP),
    ],
)
def test_unknown_and_ambiguous_sources_get_a_kind_from_their_words(
    extractor: Extractor, text: str, kind: SourceKind
) -> None:
    (claim,) = run(extractor, text)
    assert claim.sources[0].kind is kind


def test_could_not_for_a_past_inability_is_not_a_hedge(extractor: Extractor) -> None:
    claims = run(extractor, '"We could not sleep for 3 nights," a resident said.')
    assert not claims[0].hedged


def test_a_named_spokesman_of_a_known_body_is_a_person_not_the_body(extractor: Extractor) -> None:
    text = ("Iran's foreign ministry spokesman Ali Rezaei said Tehran would respond. "
            '"We will not be intimidated," he added.')  # fmt: skip
    first, second = run(extractor, text)
    assert first.sources[0].kind is SourceKind.OFFICIAL
    assert chain(second) == ["Ali Rezaei"]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Afghan army officials said the road was closed.", "AF"),
        ("A senior U.S. official said the talks would resume.", "US"),
        ("Kurdish commanders said the town had fallen.", None),
    ],
)
def test_unknown_sources_take_the_country_they_name(
    extractor: Extractor, text: str, country: str | None
) -> None:
    (claim,) = run(extractor, text)
    assert claim.sources[0].country == country


def test_a_registry_name_inside_a_longer_name_is_not_that_entry(extractor: Extractor) -> None:
    (claim,) = run(extractor, "The quake struck at dawn, the United States Geological Survey said.")
    assert claim.sources[0].name != "Government of United States"


def test_one_before_a_quoted_speaker_is_not_a_count(extractor: Extractor) -> None:
    (claim,) = run(extractor, '"We heard blasts all night," said one resident.')
    assert claim.quantities == ()
    assert chain(claim) == ["one resident"]


def test_a_named_analyst_is_an_expert(extractor: Extractor) -> None:
    (claim,) = run(
        extractor, "Jane Roe, an analyst at a London think tank, said the truce may fail."
    )
    assert claim.sources[0].kind is SourceKind.EXPERT


def test_a_duration_in_hours_is_a_figure_but_a_clock_time_is_not(extractor: Extractor) -> None:
    (claim,) = run(
        extractor, "Officials said 52 people were killed in the past 24 hours, by 9 p.m."
    )
    assert [q.value for q in claim.quantities] == [52, 24]


def test_a_belief_with_a_named_holder_is_attributed_and_hedged(extractor: Extractor) -> None:
    (claim,) = run(extractor, "U.S. officials believe the missile was fired from Yemen.")
    assert chain(claim) == ["U.S. officials"]
    assert claim.hedged


def test_a_pronoun_subject_of_reported_speech_is_the_speaker(extractor: Extractor) -> None:
    text = "Witnesses told reporters they believe 30 people were inside the building."
    (claim,) = run(extractor, text)
    assert chain(claim) == ["Witnesses"]


def test_a_section_label_before_a_colon_is_not_a_source(extractor: Extractor) -> None:
    claims = run(extractor, "Analysis: Why 3 Ceasefires Failed\n\nThe talks collapsed.")
    assert chain(claims[0]) == []


def test_adding_that_continues_the_speakers_report(extractor: Extractor) -> None:
    text = "The minister said the talks had failed, adding that new sanctions were likely."
    (claim,) = run(extractor, text)
    assert chain(claim) == ["The minister"]


def test_a_description_matching_an_apposition_is_the_source_itself(extractor: Extractor) -> None:
    text = ("KCNA, the North's official news agency, said the launch succeeded. "
            "The agency said the test was a warning.")  # fmt: skip
    claims = run(extractor, text)
    assert claims[1].sources[0].name == "Korean Central News Agency"


@pytest.mark.parametrize(
    ("text", "hedged"),
    [
        ("The army denied the allegations in a statement on 2 channels.", False),
        ("Allegations by 3 rights groups that troops fired on protesters grew.", True),
    ],
)
def test_allegations_hedge_only_content_they_carry(
    extractor: Extractor, text: str, hedged: bool
) -> None:
    (claim,) = run(extractor, text)
    assert claim.hedged is hedged

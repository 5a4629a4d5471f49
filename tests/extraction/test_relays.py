"""Relays named before, inside or after the reported clause, on sentences written for these tests:
each gives its whole chain, origin first, whatever whitespace ends the text."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction import Extractor
from extraction.types import ClaimResult

PUBLISHED = dt.date(2025, 3, 14)


def chains(extractor: Extractor, text: str) -> list[list[str]]:
    claims: list[ClaimResult] = list(extractor.extract(text, published=PUBLISHED).claims)
    return [[s.mention for s in c.sources] for c in claims]


# The phrasings that lost a hop before (issue: relays in mid-sentence, parenthetical or
# trailing position), each with the chain it must give.
PHRASINGS = [
    (
        "Local officials, cited by the regional broadcaster, said 40 homes were destroyed.",
        ["Local officials", "the regional broadcaster"],
    ),
    (
        "Officials quoted by the national news agency said the border crossing would reopen "
        "on Monday.",
        ["Officials", "the national news agency"],
    ),
    (
        "Hamas said it had accepted the ceasefire proposal, according to Egyptian mediators.",
        ["Hamas", "Egyptian mediators"],
    ),
    (
        '"About 3,000 troops have arrived," the spy agency told lawmakers, Yonhap said.',
        ["the spy agency", "Yonhap"],
    ),
    (
        "South Korea's National Intelligence Service told lawmakers, according to Yonhap, that "
        "3,000 troops had arrived.",
        ["South Korea's National Intelligence Service", "Yonhap"],
    ),
]


@pytest.mark.parametrize("ending", ["", "\n", "\n\n", "  \n"], ids=["bare", "nl", "2nl", "sp-nl"])
@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_each_relay_phrasing_gives_its_whole_chain_with_any_ending(
    extractor: Extractor, text: str, expected: list[str], ending: str
) -> None:
    assert chains(extractor, text + ending) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "according to" before the speaker, or set off by commas after the speech verb
        (
            "According to Yonhap, the spy agency told lawmakers that 3,000 troops had arrived.",
            ["the spy agency", "Yonhap"],
        ),
        (
            "Hamas said, according to Egyptian mediators, that it would free 12 hostages.",
            ["Hamas", "Egyptian mediators"],
        ),
        (
            "The governor emphasized that the region needs 500 engineers, according to RIA "
            "Novosti.",
            ["The governor", "RIA Novosti"],
        ),
        # inside the reported content, the speaker cites it
        (
            "The minister said that, according to police, 40 people died.",
            ["police", "The minister"],
        ),
        ("The ministry said 40 people died according to police.", ["police", "The ministry"]),
        # a relay named with the words it carried
        (
            "The governor said 12 villages had been shelled, in comments reported by the "
            "Interfax news agency.",
            ["The governor", "the Interfax news agency"],
        ),
        (
            "In comments reported by Interfax, the governor said 12 villages had been shelled.",
            ["the governor", "Interfax"],
        ),
        (
            "The army said, in a statement relayed by state television, that 30 fighters were "
            "killed.",
            ["The army", "state television"],
        ),
        (
            "The rebels said they had shot down 3 drones, according to a statement relayed by "
            "Al Jazeera.",
            ["The rebels", "Al Jazeera"],
        ),
        # citing, before, inside or after
        (
            "Citing military sources, Yonhap reported that the launch failed.",
            ["military sources", "Yonhap"],
        ),
        (
            "Yonhap reported, citing military sources, that the launch failed.",
            ["military sources", "Yonhap"],
        ),
        (
            "The launch failed, Yonhap reported, citing military sources.",
            ["military sources", "Yonhap"],
        ),
        (
            "The United Nations said 200 people had been killed, citing local health officials.",
            ["local health officials", "The United Nations"],
        ),
        # a report of a report, the relay last
        (
            "The army is running short of shells, a senior defense official said on Monday, "
            "the Kyodo news agency reported.",
            ["a senior defense official", "the Kyodo news agency"],
        ),
        (
            "The navy has lost a third of its patrol boats, a research institute said Tuesday, "
            "Reuters reported, as the talks resumed.",
            ["a research institute", "Reuters"],
        ),
    ],
)
def test_a_relay_before_inside_or_after_the_reported_clause_keeps_its_place_in_the_chain(
    extractor: Extractor, text: str, expected: list[str]
) -> None:
    assert chains(extractor, text) == [expected]


def test_a_modified_description_re_mentions_only_a_source_of_its_own_kind(
    extractor: Extractor,
) -> None:
    # "the spy agency" is not Yonhap, the agency named just before it.
    assert chains(
        extractor, "According to Yonhap, the spy agency told lawmakers that 3,000 troops left."
    ) == [["the spy agency", "Yonhap"]]
    # "the news agency" is.
    text = (
        "Yonhap said 40 soldiers were wounded.\n\n"
        "The news agency said that 12 of them were in a serious condition."
    )
    assert chains(extractor, text) == [["Yonhap"], ["Yonhap"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Kerry called the attack "an enormous offense."', [["Kerry"]]),
        ('Merkel called the situation in the east "far from satisfactory."', [["Merkel"]]),
        ("The minister called on the army to withdraw 2 brigades.", [[]]),
        ("The Red Cross put the death toll at 69, with 175 people wounded.", [["The Red Cross"]]),
        (
            "A spokesman, Ali Hassan, reported heavy shelling in the west of the city and 5 "
            "bodies.",
            [["A spokesman, Ali Hassan"]],
        ),
        (
            "The mission attributed the decline in civilian deaths partly to 3 military "
            "operations.",
            [["The mission"]],
        ),
        (
            "At least 3,500 people have been killed since April, according to United Nations "
            "estimates.",
            [["United Nations"]],
        ),
        (
            "On Tuesday, the ministry issued a statement saying that 40 rebels had surrendered.",
            [["the ministry"]],
        ),
    ],
)
def test_naming_counting_and_issuing_verbs_attribute_to_their_subject(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Somali army, in a statement, put the death toll at four soldiers. The "
            "statement said 15 militants were killed.",
            [["The Somali army"], ["The Somali army"]],
        ),
        (
            "Human Rights Watch released a report on Monday about the crackdown. The 103-page "
            "report said security forces had beaten 40 protesters.",
            [["Human Rights Watch"]],
        ),
        (
            "The Tuesday report by South Korea's Yonhap news agency cites unnamed government "
            "sources who say the missiles were fired from an east coast base. The report says "
            "the missiles have a range of 130 kilometers.",
            [
                ["unnamed government sources", "South Korea's Yonhap news agency"],
                ["South Korea's Yonhap news agency"],
            ],
        ),
    ],
)
def test_a_document_named_again_speaks_for_whoever_issued_it(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a description of a person points back to the person
        (
            "Lawmaker Azai Akazai said the Taliban had seized 2 districts. The insurgents "
            "forced 250 soldiers to retreat, the lawmaker added.",
            [["Lawmaker Azai Akazai"], ["Lawmaker Azai Akazai"]],
        ),
        # "the agency" may be a government agency
        (
            "The Treasury Department said it had sanctioned 4 companies. The agency said the "
            "network used a Hong Kong company.",
            [["The Treasury Department"], ["The Treasury Department"]],
        ),
        # a modifier that does not change the kind keeps any source of the kind
        (
            "Human Rights Watch said 40 protesters were beaten. The New York-based "
            "organization said it had documented 10 cases.",
            [["Human Rights Watch"], ["Human Rights Watch"]],
        ),
    ],
)
def test_a_description_points_back_to_its_antecedent(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


def test_two_quoted_speakers_are_joint_and_their_words_are_not_their_name(
    extractor: Extractor,
) -> None:
    text = (
        "Western news agencies quote a resident of Ragya and a Tibetan exile who lived there "
        "as saying the protesters were angry about the death of a monk."
    )
    (claim,) = extractor.extract(text, published=PUBLISHED).claims
    assert [s.mention for s in claim.sources] == [
        "a resident of Ragya",
        "a Tibetan exile",
        "Western news agencies",
    ]
    assert [s.joint for s in claim.sources] == [False, True, False]


def test_a_paper_the_tagger_took_for_a_person_is_still_a_relay(extractor: Extractor) -> None:
    text = "Poroshenko tells Germany's Bild newspaper that he will try to hold talks with Putin."
    assert chains(extractor, text) == [["Poroshenko", "Germany's Bild newspaper"]]


def test_he_after_a_sentence_introducing_a_person_is_that_person(extractor: Extractor) -> None:
    text = (
        "Farhan Ali Mohamud is Somalia's information minister. He told VOA that the new "
        "government will defeat the insurgents."
    )
    # (told VOA, the publisher: no relay)
    claims = extractor.extract(text, published=PUBLISHED, outlet="Voice of America").claims
    assert [[s.mention for s in c.sources] for c in claims] == [["Farhan Ali Mohamud"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"This was a Somali mission," Pentagon spokesman Navy Capt. Jeff Davis told '
            'reporters. "We were operating in support of them."',
            [["Jeff Davis"], ["Jeff Davis"]],
        ),
        (
            "The rebels fired on 2 convoys, Lt. Col. Ann Price said.",
            [["Lt. Col. Ann Price"]],
        ),
        (
            "Thousands of refugees are leaving the country every day, the United Nations refugee "
            "agency reports.",
            [["United Nations refugee agency"]],
        ),
    ],
)
def test_a_title_abbreviation_ends_no_sentence_and_a_final_report_is_read_as_one(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


def test_a_pronoun_or_rank_after_an_abbreviated_title_is_the_named_person(
    extractor: Extractor,
) -> None:
    text = (
        "Pentagon Press Secretary Navy Rear Adm. John Kirby said Russia sent 280 trucks. "
        'Russia must recall its vehicles, he said. "Failure to do so will result in costs," '
        "the admiral said."
    )
    assert chains(extractor, text) == [
        ["Pentagon Press Secretary Navy Rear Adm. John Kirby"],
        ["Adm. John Kirby"],
        ["Adm. John Kirby"],
    ]


def test_a_report_inside_a_side_clause_does_not_take_the_claim_over(extractor: Extractor) -> None:
    text = (
        "The ambassador said the 2 votes were not perfect, even if the Kremlin has promised to "
        "respect the outcome."
    )
    assert chains(extractor, text) == [["The ambassador"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police linked the attack to a cell of 6 militants.", [["Police"]]),
        ("The minister condemned the strike that killed 9 people.", [["The minister"]]),
        ("Officials consider the 3 groups a threat to the region.", [["Officials"]]),
        ("The bridge links the 2 towns.", [[]]),
        ("Sudan News Agency [SUNA] said 14 people died.", [["Sudan News Agency [SUNA]"]]),
    ],
)
def test_stance_verbs_and_bracketed_acronyms(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ministry responded that 40 soldiers had been wounded.", [["The ministry"]]),
        ("The general pointed out that 3 brigades had withdrawn.", [["The general"]]),
        ("Analysts questioned whether the 2 sides would keep the truce.", [["Analysts"]]),
        ("The rebels dismissed the report on 2 raids as propaganda.", [["The rebels"]]),
        ("The opposition criticized the decision to deploy 500 police.", [["The opposition"]]),
        ("The bridge's collapse pointed to 3 failures.", [[]]),
        (
            "Spokesperson Ana Ruiz, of the UN rights office in Geneva, said 30 people died.",
            [["Spokesperson Ana Ruiz, of the UN rights office in Geneva"]],
        ),
        (
            "A body called the Investigative Committee accuses the army of killing 2,500 people.",
            [["A body called the Investigative Committee"]],
        ),
    ],
)
def test_more_reporting_verbs_and_the_phrase_a_speaker_speaks_for(
    extractor: Extractor, text: str, expected: list[list[str]]
) -> None:
    assert chains(extractor, text) == expected


def test_a_main_clause_report_whose_content_the_parser_lost_still_attributes(
    extractor: Extractor,
) -> None:
    # weak: used only where nothing else attributes the sentence
    assert chains(extractor, "VOA's Al Pessin reports from the Pentagon.") == []
    assert chains(extractor, "Local sources said the strike on Sunday targeted 3 vehicles.") == [
        ["Local sources"]
    ]

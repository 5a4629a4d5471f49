"""Attribution frames and chains on hand-built parses (the trained model is not under test)."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from extraction.attribution import find_frames
from extraction.claims import ClaimBuilder
from extraction.registry import default_registry

DocBuilder = Callable[..., Doc]


def claims_of(doc: Doc, outlet: str | None = None) -> list[tuple[list[str], tuple[str, ...]]]:
    built = ClaimBuilder(doc, published=None, outlet=outlet, registry=default_registry()).build()
    return [([s.mention for s in c.sources], c.hedge_cues) for c in built]


def said_reportedly(build: DocBuilder) -> Doc:
    return build(
        "Officials said the rebels reportedly fled .",
        heads=[1, 1, 3, 5, 5, 1, 1],
        deps=["nsubj", "ROOT", "det", "nsubj", "advmod", "ccomp", "punct"],
        pos=["NOUN", "VERB", "DET", "NOUN", "ADV", "VERB", "PUNCT"],
        tags=["NNS", "VBD", "DT", "NNS", "RB", "VBD", "."],
        lemmas=["official", "say", "the", "rebel", "reportedly", "flee", "."],
    )


def test_a_speech_verb_with_a_clause_credits_its_subject(build: DocBuilder) -> None:
    assert claims_of(said_reportedly(build)) == [(["Officials"], ("reportedly",))]


def test_according_to_puts_the_cited_source_first(build: DocBuilder) -> None:
    doc = build(
        "According to Reuters , the army withdrew .",
        heads=[6, 0, 1, 6, 5, 6, 6, 6],
        deps=["prep", "prep", "pobj", "punct", "det", "nsubj", "ROOT", "punct"],
        pos=["VERB", "ADP", "PROPN", "PUNCT", "DET", "NOUN", "VERB", "PUNCT"],
        tags=["VBG", "IN", "NNP", ",", "DT", "NN", "VBD", "."],
        ents=["O", "O", "B-ORG", "O", "O", "O", "O", "O"],
    )
    assert claims_of(doc) == [(["Reuters"], ())]


def test_quoted_as_saying_puts_the_quoted_speaker_before_the_outlet(build: DocBuilder) -> None:
    doc = build(
        "Reuters quoted an official as saying troops left .",
        heads=[1, 1, 3, 1, 1, 4, 7, 5, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "prep", "pcomp", "nsubj", "ccomp", "punct"],
        pos=["PROPN", "VERB", "DET", "NOUN", "ADP", "VERB", "NOUN", "VERB", "PUNCT"],
        tags=["NNP", "VBD", "DT", "NN", "IN", "VBG", "NNS", "VBD", "."],
        lemmas=["reuters", "quote", "an", "official", "as", "say", "troop", "leave", "."],
    )
    assert claims_of(doc) == [(["an official", "Reuters"], ())]


def test_citing_makes_the_cited_source_the_origin(build: DocBuilder) -> None:
    doc = build(
        "The minister , citing intelligence sources , warned that rebels could attack .",
        heads=[1, 7, 7, 7, 5, 3, 7, 7, 11, 11, 11, 7, 7],
        deps=["det", "nsubj", "punct", "advcl", "compound", "dobj", "punct", "ROOT", "mark",
              "nsubj", "aux", "ccomp", "punct"],
        pos=["DET", "NOUN", "PUNCT", "VERB", "NOUN", "NOUN", "PUNCT", "VERB", "SCONJ", "NOUN",
             "AUX", "VERB", "PUNCT"],
        tags=["DT", "NN", ",", "VBG", "NN", "NNS", ",", "VBD", "IN", "NNS", "MD", "VB", "."],
        lemmas=["the", "minister", ",", "cite", "intelligence", "source", ",", "warn", "that",
                "rebel", "could", "attack", "."],
    )  # fmt: skip
    assert claims_of(doc) == [(["intelligence sources", "The minister"], ("could",))]


def test_as_reported_by_credits_the_agent_over_its_clause(build: DocBuilder) -> None:
    doc = build(
        "The attack , as reported by local media , killed civilians .",
        heads=[1, 9, 9, 4, 9, 4, 7, 5, 9, 9, 9, 9],
        deps=["det", "nsubj", "punct", "mark", "advcl", "agent", "amod", "pobj", "punct",
              "ROOT", "dobj", "punct"],
        pos=["DET", "NOUN", "PUNCT", "SCONJ", "VERB", "ADP", "ADJ", "NOUN", "PUNCT", "VERB",
             "NOUN", "PUNCT"],
        tags=["DT", "NN", ",", "IN", "VBN", "IN", "JJ", "NNS", ",", "VBD", "NNS", "."],
        lemmas=["the", "attack", ",", "as", "report", "by", "local", "media", ",", "kill",
                "civilian", "."],
    )  # fmt: skip
    assert claims_of(doc) == [(["local media"], ())]


def test_joint_speakers_are_listed_in_text_order(build: DocBuilder) -> None:
    doc = build(
        "The army and police said two died .",
        heads=[1, 4, 1, 1, 4, 6, 4, 4],
        deps=["det", "nsubj", "cc", "conj", "ROOT", "nsubj", "ccomp", "punct"],
        pos=["DET", "NOUN", "CCONJ", "NOUN", "VERB", "NUM", "VERB", "PUNCT"],
        tags=["DT", "NN", "CC", "NNS", "VBD", "CD", "VBD", "."],
        lemmas=["the", "army", "and", "police", "say", "two", "die", "."],
    )
    built = ClaimBuilder(doc, published=None, outlet=None, registry=default_registry()).build()
    assert [(s.mention, s.joint) for s in built[0].sources] == [
        ("The army", False),
        ("police", True),
    ]


def test_claimed_responsibility_is_neither_attribution_nor_hedge(build: DocBuilder) -> None:
    doc = build(
        "The group claimed responsibility for the attack .",
        heads=[1, 2, 2, 2, 3, 6, 4, 2],
        deps=["det", "nsubj", "ROOT", "dobj", "prep", "det", "pobj", "punct"],
        pos=["DET", "NOUN", "VERB", "NOUN", "ADP", "DET", "NOUN", "PUNCT"],
        lemmas=["the", "group", "claim", "responsibility", "for", "the", "attack", "."],
    )
    assert find_frames(doc[:]) == []
    assert claims_of(doc) == []


def test_a_negated_report_attributes_nothing(build: DocBuilder) -> None:
    doc = build(
        "Police did not say how many were held .",
        heads=[3, 3, 3, 3, 5, 7, 7, 3, 3],
        deps=["nsubj", "aux", "neg", "ROOT", "advmod", "nsubjpass", "auxpass", "ccomp", "punct"],
        pos=["NOUN", "AUX", "PART", "VERB", "SCONJ", "ADJ", "AUX", "VERB", "PUNCT"],
        tags=["NNS", "VBD", "RB", "VB", "WRB", "JJ", "VBD", "VBN", "."],
        lemmas=["police", "do", "not", "say", "how", "many", "be", "hold", "."],
    )
    assert find_frames(doc[:]) == []


def test_an_agentless_passive_report_is_a_hedge_without_a_source(build: DocBuilder) -> None:
    doc = build(
        "Dozens of airstrikes were reported overnight .",
        heads=[4, 0, 1, 4, 4, 4, 4],
        deps=["nsubjpass", "prep", "pobj", "auxpass", "ROOT", "advmod", "punct"],
        pos=["NOUN", "ADP", "NOUN", "AUX", "VERB", "ADV", "PUNCT"],
        tags=["NNS", "IN", "NNS", "VBD", "VBN", "RB", "."],
        lemmas=["dozen", "of", "airstrike", "be", "report", "overnight", "."],
    )
    assert claims_of(doc) == [([], ("were reported",))]


def test_the_publisher_is_never_a_source(build: DocBuilder) -> None:
    doc = build(
        "Residents told VOA that shelling resumed .",
        heads=[1, 1, 1, 5, 5, 1, 1],
        deps=["nsubj", "ROOT", "dative", "mark", "nsubj", "ccomp", "punct"],
        pos=["NOUN", "VERB", "PROPN", "SCONJ", "NOUN", "VERB", "PUNCT"],
        tags=["NNS", "VBD", "NNP", "IN", "NN", "VBD", "."],
        lemmas=["resident", "tell", "voa", "that", "shelling", "resume", "."],
        ents=["O", "O", "B-ORG", "O", "O", "O", "O"],
    )
    assert claims_of(doc, outlet="Voice of America (VOA)") == [(["Residents"], ())]

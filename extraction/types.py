"""The extractor's output: frozen dataclasses, free of spaCy and Django objects.

Everything downstream (the worker's persistence, the `extract` command's Contract 1 JSON,
the graph builder) reads these types only, so they are the pipeline's stable surface.
Offsets are character offsets into the text that was passed to the extractor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class SourceKind(StrEnum):
    """What kind of agent a source is. Stored as text in the database; keep values stable."""

    OUTLET = "outlet"  # a newspaper, broadcaster or website publishing under its own name
    NEWS_AGENCY = "news_agency"  # Reuters, AP, AFP, Yonhap
    STATE_MEDIA = "state_media"  # RIA Novosti, TASS, KCNA, Xinhua, IRNA
    GOVERNMENT = "government"  # a government, ministry, presidency, embassy, police
    INTELLIGENCE = "intelligence"  # NIS, CIA, SBU, GUR
    MILITARY = "military"  # armed forces, a command, a military spokesman's office
    OFFICIAL = "official"  # a named or described person holding office
    PERSON = "person"  # a named person without an office in the text
    INTERNATIONAL_ORG = "international_org"  # UN and its agencies, NATO, IAEA
    NGO = "ngo"  # Amnesty International, HRW, ICRC
    EXPERT = "expert"  # analysts, think tanks, researchers
    ARMED_GROUP = "armed_group"  # Taliban, al-Shabab, Houthis
    UNNAMED = "unnamed"  # "officials", "a senior U.S. military official", "local sources"
    MEDIA_REPORTS = "media_reports"  # "South Korean media", "media reports", "press"
    UNCONFIRMED_REPORTS = "unconfirmed_reports"  # "unconfirmed but widely circulated reports"
    OTHER = "other"


class ClaimKind(StrEnum):
    FIGURE = "figure"  # the claim carries a quantity
    EVENT = "event"  # something happened (unattributed or attributed action)
    STATEMENT = "statement"  # a source says something
    ASSESSMENT = "assessment"  # inference, prediction, belief, evaluation


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One link of a claim's chain, as the text names it.

    `mention` is the text as written where the attribution is made, or, for a pronoun or
    description ("he", "the governor"), the antecedent's mention. `name` is the canonical
    registry name when the mention resolves to a registry entry, else the mention itself.
    `start`/`end` locate the mention actually written in this claim's sentence (the pronoun
    itself for a resolved pronoun), or are None for a link inherited from an earlier sentence.
    """

    mention: str
    name: str
    kind: SourceKind
    cue: str = ""
    start: int | None = None
    end: int | None = None
    country: str | None = None
    inherited: bool = False
    # True when this link speaks side by side with the previous one ("the White House and
    # Pentagon said") instead of relaying it; joint links keep text order.
    joint: bool = False


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    text: str
    unit: str
    start: int
    end: int
    approximate: bool = False
    qualifier: str | None = None  # "at least", "more than", "approximately", ...
    low: float | None = None  # bounds: "thousands" -> low=1000; "between 3,000 and 5,000"
    high: float | None = None


@dataclass(frozen=True, slots=True)
class DateRef:
    text: str
    start: int
    end: int
    value: dt.date | None = None  # resolved against the publication date when possible
    # How much of `value` the text fixes: "day" ("November 7", "three days ago"), "week"
    # ("last week" -> the Monday of that week), "month" ("last August" -> the 1st of that
    # month) or "year" ("in 2014" -> January 1st).
    granularity: str = "day"


@dataclass(frozen=True, slots=True)
class ClaimResult:
    text: str
    start: int
    end: int
    sentence: str
    sentence_index: int
    kind: ClaimKind
    sources: tuple[SourceRef, ...] = ()  # origin first, each later one relays the one before
    cue: str = ""
    hedged: bool = False
    hedge_cues: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    version: str
    model: str
    claims: tuple[ClaimResult, ...] = field(default_factory=tuple)

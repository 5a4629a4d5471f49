"""Page layout of an article: lines, datelines, credit lines, quotations, the publisher.

Small text-level helpers the claim builder uses before any attribution rule: which sentences
are headlines or datelines, which tokens stand inside quotation marks, and which mentions
name the outlet that published the article (never a source, by the annotation rules).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span, Token

from .registry import Registry, normalize

# "CAIRO -", "WASHINGTON (Reuters) —": a place dateline opening a story is not part of a claim.
DATELINE = re.compile(
    r"^[A-Z][A-Z.' ]{2,}(?:,\s*[A-Z][A-Za-z. ]+)?\s*(?:\([^)]{1,40}\))?\s*[-—–]+\s+"
)
# Credit lines: "Jane Doe in Kabul contributed to this report."
CREDIT = re.compile(
    r"contributed to (?:this|the) (?:report|story)|(?:information|material) for this "
    r"(?:report|story)|^this (?:story|report) (?:originated|was produced)",
    re.I,
)
# Headline prefix attribution: "Kyodo: Tokyo Recalls Envoy Over Border Row".
HEADLINE_SOURCE = re.compile(r"^\s*([A-Z][\w.’'&-]*(?:\s+[A-Z][\w.’'&-]*){0,3})\s*:\s+\S")
# Headlines that name who says them with a verb, in title case (the parser reads these poorly,
# so they are matched as words): "UN Reports Drop in Civilian Deaths", "Separatist Leader Says
# Monitors Detained", "Precision Strikes Kill 150 Fighters, Coalition Says", "Government
# Determined to Defeat Insurgents, Says Minister", "Rebels Kill 12 in Raid - UN Report".
_NAME_WORD = r"(?:[A-Z0-9][\w.’'&-]*|of|for|in|on|the|and|de|al-\w+)"
_HEADLINE_VERBS = (
    r"Says|Say|Said|Tells|Tell|Told|Reports|Report|Claims|Claim|Confirms|Confirm|Denies|Deny|"
    r"Fears|Fear|Finds|Find|Warns|Warn|Accuses|Accuse|Blames|Blame|Criticizes|Criticises|"
    r"Alleges|Allege|Believes|Believe|Suspects|Suspect|Cites|Cite|Insists|Insist|Estimates"
)
HEADLINE_LEADING = re.compile(
    rf"^(?P<src>[A-Z][\w.’'&-]*(?:\s+{_NAME_WORD}){{0,6}}?)\s+(?P<verb>{_HEADLINE_VERBS})\s+"
    rf"(?P<rest>\S.*)$"
)
HEADLINE_TRAILING = re.compile(
    rf"^(?P<rest>.+?),\s+(?:(?P<src>[A-Z][\w.’'&-]*(?:\s+{_NAME_WORD}){{0,6}}?)\s+"
    rf"(?P<verb>{_HEADLINE_VERBS})|(?P<verb2>Says|Say|Said)\s+(?P<src2>[A-Z][\w.’'&-]*"
    rf"(?:\s+{_NAME_WORD}){{0,6}}))$"
)
HEADLINE_REPORT = re.compile(
    rf"^(?P<rest>.+?)\s+[-–—]\s+(?P<src>[A-Z][\w.’'&-]*(?:\s+{_NAME_WORD}){{0,4}}?)\s+"
    r"(?:Report|Reports|Says|Say|Statement|Survey|Study)$"
)
# Verbs whose headline object is an act, not a statement: "Al-Shabab Claims Responsibility".
HEADLINE_ACT_OBJECTS = frozenset("responsibility credit victory".split())


def is_title_case(text: str) -> bool:
    """Most words capitalised, as in a headline; a sentence that lost its full stop is not."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


_SMALL_WORDS = frozenset(
    "a an the and or but of in on at to for by with from as vs via into over after".split()
)

# "Analysis: ...", "Explainer: ..." label a story's genre, not who says its headline.
SECTION_LABELS = frozenset(
    """analysis explainer opinion update live watch exclusive breaking factbox timeline q&a
    photos video editorial interview commentary fact check correction""".split()
) | {"fact check", "breaking news", "live updates"}
_OPEN_QUOTES = frozenset({"“", "‘"})
_CLOSE_QUOTES = frozenset({"”", "’"})


def quote_flags(toks: Sequence[Token], text: str) -> list[bool]:
    """Per token of a Doc (`toks`, its text `text`): inside a quotation. Straight quotes toggle;
    curly ones open or close."""
    flags = [False] * len(toks)
    if not any(q in text for q in ('"', "“", "”", "‘", "``", "''")):
        return flags
    inside = False
    for tok in toks:
        text = tok.text
        if "\n" in text:
            inside = False
        if text == '"' or text in ("``", "''"):
            inside = not inside
            flags[tok.i] = True
            continue
        if text in _OPEN_QUOTES:
            inside = True
            flags[tok.i] = True
            continue
        if text in _CLOSE_QUOTES and text != "’":
            flags[tok.i] = True
            inside = False
            continue
        flags[tok.i] = inside
    return flags


def is_line(sent: Span) -> bool:
    """Headlines, subheads and datelines: a line without sentence-final punctuation."""
    doc = sent.doc
    k = sent.end - 1
    while k >= sent.start and doc[k].is_space:
        k -= 1
    if k < sent.start:
        return True
    last = doc[k]
    if last.text in (".", "!", "?", '"', "”", "'", "’", ":", ";"):
        return False
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    return nxt is None or "\n" in last.whitespace_ or (nxt.is_space and "\n" in nxt.text)


def content_bounds(sent: Span) -> tuple[int, int]:
    lo, hi = sent.start, sent.end
    doc = sent.doc
    while lo < hi and doc[lo].is_space:
        lo += 1
    while hi > lo and doc[hi - 1].is_space:
        hi -= 1
    return lo, hi


class OutletFilter:
    def __init__(self, outlet: str | None, registry: Registry) -> None:
        self.aliases: list[tuple[str, ...]] = []
        if not outlet:
            return
        names = {outlet}
        names.update(re.findall(r"\(([^)]+)\)", outlet))
        names.add(re.sub(r"\s*\([^)]*\)", "", outlet))
        entry = registry.lookup(re.sub(r"\s*\([^)]*\)", "", outlet)) or registry.lookup(outlet)
        if entry is not None:
            names.add(entry.name)
            names.update(entry.aliases)
        self.aliases = [normalize(n) for n in names if normalize(n)]

    def is_publisher(self, mention: str) -> bool:
        toks = normalize(mention)
        for alias in self.aliases:
            n = len(alias)
            if any(toks[i : i + n] == alias for i in range(len(toks) - n + 1)):
                # "BBC Persian", "the BBC's Urdu service" are the publisher BBC.
                return True
        return False


def headline_source(text: str) -> tuple[int, str, str] | None:
    """(offset, words, cue) of who a headline says says it: "TASS: ...", "UN Reports ...",
    "..., Coalition Says", "..., Says Minister", "... - UN Report"."""
    m = HEADLINE_SOURCE.match(text)
    if m and m.group(1).lower() not in SECTION_LABELS:
        return m.start(1), m.group(1), "headline:"
    m = HEADLINE_TRAILING.match(text)
    if m:
        src = "src" if m.group("src") else "src2"
        return m.start(src), m.group(src), (m.group("verb") or m.group("verb2")).lower()
    m = HEADLINE_REPORT.match(text)
    if m:
        return m.start("src"), m.group("src"), "headline report"
    m = HEADLINE_LEADING.match(text)
    if m and m.group("src").split()[-1].lower() not in _HEADLINE_PRONOUNS:
        # Not "US Sanctions Iranians It Says Are Linked to ...": a clause inside the headline.
        first = m.group("rest").split()[0].lower()
        if m.group("verb").lower() in ("claims", "claim") and first in HEADLINE_ACT_OBJECTS:
            return None
        return m.start("src"), m.group("src"), m.group("verb").lower()
    return None


_HEADLINE_PRONOUNS = frozenset("it they he she we who which that".split())


# Headlines are parsed poorly (title case), so only word-level hedges count there:
# "Arson Suspected in Depot Fire", "Rebels Reportedly Seize Town".
HEADLINE_HEDGES = frozenset(
    "suspected alleged reportedly apparent apparently unconfirmed likely possible purportedly "
    "allegedly expected feared fears fear believed".split()
)

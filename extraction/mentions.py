"""Source mentions: the noun phrase of a source as written, the person's name in it, and what
kind of source it names (registry entry, head word, entity label)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from . import lexicon as lx
from .registry import Registry, normalize
from .syntax import own_phrase
from .types import SourceKind

_MEDIA_HEADS = frozenset({SourceKind.OUTLET, SourceKind.NEWS_AGENCY, SourceKind.MEDIA_REPORTS})


def mention_span(head: Token, limit: int | None = None, floor: int = 0) -> Span:
    """The noun phrase of a source as written: its subtree without relative clauses,
    participial modifiers, comma-delimited asides or edge punctuation.

    "an official with Kenya's Interior Ministry", "A rebel spokesman, Ali Hassan Omar"
    (apposition kept), "officials who spoke on condition of anonymity" (relative clause
    dropped), "Police reports, issued after the raid," (aside dropped).
    """
    doc = head.doc
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ == "punct":
            continue
        if child.dep_ in ("cc", "conj"):
            # "the head of Czech and Slovak police" stays one mention; "the army and the
            # police" are two speakers, split by the caller.
            if any(t.pos_ == "ADP" for t in doc[head.i + 1 : child.i]) and not own_phrase(child):
                right = max(right, child.right_edge.i)
                continue
            break
        if child.dep_ == "acl" and child.lower_ in ("called", "named", "known"):
            # "a body called the Investigative Committee": the name it goes by
            right = max(right, child.right_edge.i)
            continue
        if child.dep_ in ("relcl", "acl", "advcl", "mark", "ccomp"):
            break
        comma = doc[child.left_edge.i - 1].text == ","
        if comma and not (child.dep_ == "appos" or _affiliation(child)):
            break
        right = max(right, child.right_edge.i)
    # Keep an apposition's trailing parenthesis: "the Service (NIS)".
    while right + 1 < len(doc) and doc[right + 1].text == ")" and "(" in doc[left : right + 1].text:
        right += 1
    # ... and an acronym in brackets right after the name: "Sudan News Agency [SUNA]".
    if (
        right + 3 < len(doc)
        and doc[right + 1].text in ("[", "(")
        and doc[right + 2].is_upper
        and doc[right + 3].text in ("]", ")")
    ):
        right += 3
    # Hyphenated names split by the tokenizer: "al-Shabab", "Saudi-owned".
    while (
        left > 0
        and not doc[left - 1].whitespace_
        and (doc[left - 1].text == "-" or doc[left].text == "-")
    ):
        left -= 1
    while (
        right + 1 < len(doc)
        and not doc[right].whitespace_
        and (doc[right + 1].text == "-" or doc[right].text == "-")
    ):
        right += 1
    # "the state news agency SANA": a name right after a common-noun head belongs to it even
    # when the parser hangs it elsewhere.
    while (
        right + 1 < len(doc)
        and doc[right].pos_ == "NOUN"
        and doc[right + 1].pos_ == "PROPN"
        and doc[right + 1].ent_type_ not in ("DATE", "TIME")
        and doc[right + 1].i != head.head.i
    ):
        right += 1
    for k in range(head.i + 1, right + 1):
        # Never run into what a quoted speaker says ("quote a resident as saying ..."), nor
        # into a second speaker the parser hung inside the first one's phrase ("a resident of
        # Ragya and a Tibetan exile").
        tok = doc[k]
        if (tok.lower_ == "as" and k + 1 <= right and doc[k + 1].tag_ == "VBG") or (
            tok.dep_ == "cc"
            and k + 1 <= right
            and doc[k + 1].dep_ == "det"
            and any(c.dep_ == "conj" and own_phrase(c) for c in tok.head.children)
        ):
            right = k - 1
            break
    if limit is not None and head.i < limit <= right:
        # Never run into the attribution verb: "A spokesman, Ali Hassan, confirmed ...".
        right = limit - 1
        while right > head.i and doc[right].dep_ not in ("appos",) and doc[right].text == ",":
            right -= 1
    while right > left and doc[right].is_punct and doc[right].text not in (")", "]", '"'):
        right -= 1
    # Never reach back into a dateline: "KABUL - The army said ...".
    left = max(left, min(floor, head.i))
    while left < right and doc[left].is_punct:
        left += 1
    return doc[left : right + 1]


def _affiliation(child: Token) -> bool:
    """A comma-set "of/for/at/with" phrase that says whom a speaker speaks for: "Spokesperson
    Ravina Shamdasani, of the Office of the High Commissioner", "Ali Hassan, for the army"."""
    return child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "with", "from")


def span_ents(span: Span) -> list[Span]:
    """Entities inside a short span, read from its tokens (`Span.ents` walks the whole Doc's
    entity list on every call, which the extractor cannot afford per mention)."""
    doc = span.doc
    out: list[Span] = []
    start = -1
    label = ""
    for tok in span:
        iob = tok.ent_iob_
        if start >= 0 and iob != "I":
            out.append(Span(doc, start, tok.i, label=label))
            start = -1
        if iob == "B" or (iob == "I" and start < 0):
            start, label = tok.i, tok.ent_type_
    if start >= 0:
        out.append(Span(doc, start, span.end, label=label))
    return out


def person_core(span: Span) -> Span | None:
    """The name part of a person mention: "Maria Lopez" in "Maria Lopez, spokeswoman for the
    mission"; "Colonel Ivan Petrov" in "army spokesman Colonel Ivan Petrov"."""
    ents = [e for e in span_ents(span) if e.label_ == "PERSON"]
    if not ents:
        return None
    # The name the phrase is about: the one holding its head, or else the last one ("Navy
    # Rear Adm. John Kirby", where the tagger may take the titles for a name too).
    ent = next((e for e in ents if e.start <= span.root.i < e.end), ents[-1])
    start = ent.start
    doc = span.doc
    # Titles glued to the name: "General", "Adm.", "Colonel"; not every capitalised word
    # before it ("Pentagon Press Secretary Navy Rear").
    while start - 1 >= span.start and _is_rank(doc[start - 1]):
        start -= 1
    return doc[start : ent.end]


def _is_rank(tok: Token) -> bool:
    low = tok.lower_
    return tok.is_title and (
        low in lx.TITLE_WORDS
        or low in lx.TITLE_WORDS.values()
        or lx.HEAD_KINDS.get(low) is SourceKind.OFFICIAL
    )


_GENERIC_AFTER = frozenset(
    "news agency agencies tv television radio channel service network newspaper daily wire".split()
)


def country_of(span: Span, registry: Registry) -> str | None:
    """The country a mention names: "Afghan army officials" -> AF, "Somalia's police" -> SO,
    "a senior U.S. official" -> US. None when it names none."""
    words = [t.lower_ for t in span]
    for k, word in enumerate(words):
        pair = f"{word} {words[k + 1]}" if k + 1 < len(words) else ""
        if pair in lx.DEMONYMS:
            return lx.DEMONYMS[pair]
        if word in lx.DEMONYMS:
            return lx.DEMONYMS[word]
    for ent in span_ents(span):
        if ent.label_ == "GPE":
            entry = registry.lookup(ent.text)
            if entry is not None and entry.country:
                return entry.country
    return None


def classify(span: Span, registry: Registry) -> tuple[SourceKind, str, str | None]:
    """(kind, canonical name, country) of a mention that is not a re-mention."""
    kind, name, country = _classify(span, registry)
    return kind, name, country or country_of(span, registry)


def _classify(span: Span, registry: Registry) -> tuple[SourceKind, str, str | None]:
    text = span.text
    toks = normalize(text)
    head = span.root
    found = registry.find_in(toks)
    head_low = head.lower_
    # "Ukraine's military intelligence agency, the GUR": the apposition names the entry.
    for child in head.children:
        if child.dep_ == "appos":
            sub = normalize(span.doc[child.left_edge.i : child.right_edge.i + 1].text)
            in_appos = registry.find_in(sub)
            if in_appos is not None and normalize(child.text)[-1:] == sub[in_appos[2] - 1 :][:1]:
                entry = in_appos[0]
                return entry.kind, entry.name, entry.country
    person_words = [w for e in span_ents(span) if e.label_ == "PERSON" for w in normalize(e.text)]
    has_person = bool(person_words)
    if found is not None and all(w in toks[found[1] : found[2]] for w in person_words):
        # "Iran's foreign ministry spokesman Ali Rezaei" is a person speaking for the
        # ministry, not the ministry; but a registry name the tagger took for a person
        # ("Yonhap" as PERSON) is still the registry entry.
        entry, i, j = found
        head_norm = normalize(head.text)
        # The mention is the entry itself only if its head word is inside the alias or right
        # after it ("Reuters news agency"): "officials at the Pentagon" are officials,
        # "Maria Lopez, spokeswoman for the Iraqi government" is a person.
        inside = bool(head_norm) and head_norm[-1] in toks[i:j]
        # Only generic media words may follow the name: "Reuters news agency" is Reuters,
        # "the United States Geological Survey" is not the U.S. government.
        after = toks[j:]
        generic = bool(after) and len(after) <= 2 and all(w in _GENERIC_AFTER for w in after)
        if inside or generic or len(toks) == j - i:
            return entry.kind, entry.name, entry.country
    if any(t.lower_ in lx.UNCONFIRMED_WORDS for t in span) and head_low in (
        "reports",
        "report",
        "rumors",
        "rumours",
        "claims",
    ):
        return SourceKind.UNCONFIRMED_REPORTS, "Unconfirmed reports", None
    kind = lx.HEAD_KINDS.get(head_low) or lx.HEAD_KINDS.get(head.lemma_.lower())
    if head.lemma_.lower() == "agency":
        # "aid agencies" are NGOs, "the spy agency" is intelligence, "a news agency" a wire.
        mods = {c.lower_ for c in head.children if c.dep_ in ("amod", "compound")}
        if mods & {"aid", "humanitarian", "relief", "charity", "refugee"}:
            kind = SourceKind.NGO
        elif mods & {"spy", "intelligence", "security", "espionage"}:
            kind = SourceKind.INTELLIGENCE
    if has_person and kind in _MEDIA_HEADS and head.ent_type_ != "PERSON":
        # "Germany's Bild newspaper", "the Al-Diyar daily": a paper the tagger took a person's
        # name for is still a paper.
        return kind, text, None
    if has_person:
        # "Ali Hassan, a ministry spokesman" is an official, "Jane Roe, an analyst at a
        # think tank" an expert, a bare name a person.
        roles = {lx.HEAD_KINDS.get(t.lower_) for t in span if t.pos_ == "NOUN"}
        titles = {lx.HEAD_KINDS.get(t.lower_) for t in span}  # "Secretary-General Ann Lee"
        if kind is SourceKind.OFFICIAL or SourceKind.OFFICIAL in titles:
            return SourceKind.OFFICIAL, text, None
        if SourceKind.EXPERT in roles:
            return SourceKind.EXPERT, text, None
        return SourceKind.PERSON, text, None
    if kind is SourceKind.OFFICIAL:
        # "officials", "a senior U.S. military official": an office without a name.
        return SourceKind.UNNAMED, text, None
    if kind is not None:
        return kind, text, None
    label = head.ent_type_
    if label == "GPE":
        return SourceKind.GOVERNMENT, text, None
    if label == "PERSON":
        return SourceKind.PERSON, text, None
    if label == "ORG":
        return SourceKind.OTHER, text, None
    return SourceKind.OTHER, text, None

"""Source mentions: their span as written, their kind, and who they point back to.

`mention_span` cuts a source's noun phrase out of the parse; `Discourse` remembers the sources
of one article in text order so that "he", "the ministry", "The NIS" or "Khinstsen" resolve to
the source they re-mention, together with the relay chain that source last came through
(the annotation rules on pronouns and on inheriting a chain).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from . import lexicon as lx
from .mentions import classify, mention_span, person_core
from .registry import Registry, normalize
from .syntax import document_author, is_document, subject
from .types import SourceKind

_PERSONAL_KINDS = frozenset({SourceKind.OFFICIAL, SourceKind.PERSON})
_MEDIA_FAMILY = frozenset(
    {SourceKind.OUTLET, SourceKind.NEWS_AGENCY, SourceKind.STATE_MEDIA, SourceKind.MEDIA_REPORTS}
)


# Modifiers that make a description a kind of its own: "the spy agency", "the rights group".
_KIND_MODIFIERS = frozenset(
    """spy intelligence news state state-run rebel militant security government military police
    defense defence rights aid humanitarian health""".split()
)


def _kind_family(kind: SourceKind) -> frozenset[SourceKind]:
    """Kinds a description may cross: any news medium for another ("the state news agency" for
    KCNA), otherwise only its own kind."""
    return _MEDIA_FAMILY if kind in _MEDIA_FAMILY else frozenset({kind})


@dataclass
class SourceRecord:
    """One source of the article, as first named, with the relays it last came through."""

    mention: str  # the first full mention ("Odesa Governor Oleh Kiper")
    name: str
    kind: SourceKind
    country: str | None
    tokens: tuple[str, ...]
    heads: frozenset[str]  # lower-case nouns of the mention, for "the ministry"-type matches
    plural: bool
    head: str = ""  # lower-case syntactic head word ("ministry", "governor", "sources")
    acronyms: frozenset[str] = field(default_factory=frozenset)
    relays: tuple[SourceRecord, ...] = ()
    person: str | None = None  # name part for person sources ("Javid Salim")
    sentence: int = 0
    # Noun phrases nested in the mention, by head word: "ministry" -> "Kenya's Interior
    # Ministry" inside "an official with Kenya's Interior Ministry".
    subs: dict[str, Span] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """A mention in a sentence resolved against the discourse."""

    mention: str  # text to report (as written, or the antecedent's for pronouns/descriptions)
    record: SourceRecord
    start: int
    end: int
    inherit: bool  # True when the record's relays pass on (re-mention of a chained source)


_ACRONYM_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z.&-]{1,9})\)")


def _acronyms(span: Span) -> frozenset[str]:
    """Acronyms a mention defines: "the Financial Action Task Force (FATF)" -> FATF."""
    found = set(_ACRONYM_IN_PARENS.findall(span.text))
    words = [t.text for t in span if t.is_title and t.lower_ not in ("of", "the", "and", "for")]
    if len(words) >= 2:
        found.add("".join(w[0] for w in words))
    return frozenset(a.replace(".", "").upper() for a in found)


class Discourse:
    """The article's sources so far, most recent last."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.records: list[SourceRecord] = []
        # The author of the last document of each kind named ("statement", "report"): "The
        # statement said ..." speaks for whoever issued the statement named before.
        self.documents: dict[str, SourceRecord] = {}

    def new_record(self, span: Span, sentence: int) -> SourceRecord:
        kind, name, country = classify(span, self.registry)
        core = person_core(span)
        heads = frozenset(
            lx.TITLE_WORDS.get(t.lower_, t.lower_)
            for t in span
            if t.pos_ in ("NOUN", "PROPN") and not t.ent_type_ == "PERSON"
        )
        subs: dict[str, Span] = {}
        # An apposition names the source itself ("KCNA, the official news agency"): "the
        # agency" later is KCNA, so appositions are no sub-mentions.
        for t in span:
            if t.i != span.root.i and t.pos_ in ("NOUN", "PROPN") and t.dep_ == "pobj":
                left = max(t.left_edge.i, span.start)
                right = min(t.right_edge.i, span.end - 1)
                sub = span.doc[left : right + 1]
                for w in sub:
                    if w.pos_ in ("NOUN", "PROPN"):
                        subs.setdefault(w.lower_, sub)
                        subs.setdefault(w.lemma_.lower(), sub)
        record = SourceRecord(
            mention=span.text,
            name=name,
            kind=kind,
            country=country,
            tokens=normalize(span.text),
            heads=heads | frozenset(t.lemma_.lower() for t in span if t.pos_ == "NOUN"),
            plural=span.root.tag_ in ("NNS", "NNPS"),
            head=span.root.lower_,
            acronyms=_acronyms(span),
            person=core.text if core is not None and kind in _PERSONAL_KINDS else None,
            sentence=sentence,
            subs=subs,
        )
        self.records.append(record)
        return record

    def register_documents(self, toks: Sequence[Token], index: int) -> None:
        """Remember who issued each document this sentence names, for "The statement said"
        later: "The army, in a statement, put the toll at 4" (the army), "Human Rights Watch
        released a report" (HRW), "The report by Yonhap cites ..." (Yonhap)."""
        for tok in toks:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "NOUN" or not is_document(tok):
                continue
            author, _ = document_author(tok)
            if author is None and tok.dep_ == "pobj" and tok.head.lower_ in ("in", "through"):
                verb = tok.head.head
                if verb.pos_ in ("VERB", "AUX"):
                    speakers = subject(verb)
                    author = speakers[0] if speakers else None
            if author is None or is_document(author):
                continue
            resolved = self.resolve(author, index, [])
            if resolved is not None:
                self.documents[lemma] = resolved.record

    def forget(self, record: SourceRecord) -> None:
        """Take a record out of the discourse: later mentions cannot point back to it."""
        if record in self.records:
            self.records.remove(record)

    def touch(self, record: SourceRecord) -> None:
        """Move a record to the most recent position (it was just mentioned again)."""
        if record in self.records:
            self.records.remove(record)
        self.records.append(record)

    # -- resolution ---------------------------------------------------------------------
    def _pronoun(self, tok: Token, local: list[SourceRecord]) -> SourceRecord | None:
        low = tok.lower_
        candidates = list(reversed(local)) + list(reversed(self.records))
        if low in lx.PERSON_PRONOUNS or low in ("his", "hers"):
            introduced = self._introduced_person(tok)
            if introduced is not None:
                return introduced
            # Prefer a named person: "..., Minister X said she rejects the view of an envoy, who
            # said ...". "He said" in the next sentence is the admiral.
            named = [r for r in candidates if r.person is not None]
            if named:
                return named[0]
            # Then an unnamed person: "A senior official said ... He added ...".
            persons = [
                r for r in candidates
                if r.kind in _PERSONAL_KINDS
                or (r.kind is SourceKind.UNNAMED and not r.plural
                    and lx.HEAD_KINDS.get(r.head) is SourceKind.OFFICIAL)
            ]  # fmt: skip
            return persons[0] if persons else None
        if low in lx.THING_PRONOUNS:
            for r in candidates:
                if r.kind not in _PERSONAL_KINDS and r.kind is not SourceKind.UNNAMED:
                    return r
            return None
        if low in lx.PLURAL_PRONOUNS:
            for r in candidates:
                if r.plural or r.kind not in _PERSONAL_KINDS:
                    return r
        return None

    def _introduced_person(self, tok: Token) -> SourceRecord | None:
        """ "Farhan Ali Mohamud is Somalia's information minister. He told VOA ...": a person
        the sentence before introduces (named subject of "to be"), for a pronoun that opens
        its sentence."""
        sent = tok.sent
        if tok.i != sent.start or sent.start == 0:
            return None
        doc = tok.doc
        before = doc[sent.start - 1].sent
        for t in before:
            if (
                t.dep_ == "nsubj"
                and t.ent_type_ == "PERSON"
                and t.head.lemma_ == "be"
                and any(c.dep_ == "attr" for c in t.head.children)
            ):
                return self.resolve_span(mention_span(t), 0).record
        return None

    def _description(self, span: Span, sentence: int) -> SourceRecord | None:
        """ "the ministry", "The sources", "the channel": the earlier source they
        re-mention."""
        head = span.root
        head_low = head.lower_
        head_lemma = head.lemma_.lower()
        plural = head.tag_ in ("NNS", "NNPS")
        if head_lemma in self.documents and self.documents[head_lemma] in self.records:
            return self.documents[head_lemma]
        records = self.records
        generic = lx.DESCRIPTION_KINDS.get(head_lemma) or lx.DESCRIPTION_KINDS.get(head_low)
        if generic and any(t.dep_ in ("compound", "amod", "nmod") for t in head.children):
            # "the spy agency" is not the news agency named before it, "the news agency" may
            # be: a description of an institution ("agency", "group", "service") whose
            # modifiers make it a kind of its own re-mentions only a source of that kind ("the
            # New York-based organization" is any organization).
            if any(
                t.dep_ in ("compound", "amod", "nmod")
                and (t.lower_ in lx.HEAD_KINDS or t.lower_ in _KIND_MODIFIERS)
                for t in head.children
            ):
                want = _kind_family(classify(span, self.registry)[0])
                records = [r for r in records if _kind_family(r.kind) == want]
        # First a source whose own head is the word ("the police statement" -> the police,
        # not "a police officer"), then one that contains it.
        for r in reversed(records):
            if r.head in (head_low, head_lemma) and r.plural == plural:
                return r
            sub = r.subs.get(head_low) or r.subs.get(head_lemma)
            if sub is not None:
                # "The ministry" after "an official with Kenya's Interior Ministry" is the
                # ministry, not the official.
                return self._record_for(sub, r, sentence)
        for r in reversed(records):
            if head_low in r.heads or head_lemma in r.heads:
                if r.plural != plural and head_lemma in ("source", "official", "report"):
                    continue
                return r
        if generic:
            for r in reversed(records):
                if r.kind in generic:
                    return r
        return None

    def _record_for(self, sub: Span, parent: SourceRecord, sentence: int) -> SourceRecord:
        toks = normalize(sub.text)
        for r in self.records:
            if r.tokens == toks:
                return r
        rec = self.new_record(sub, sentence)
        rec.relays = parent.relays
        return rec

    def resolve(
        self,
        head: Token,
        sentence: int,
        local: list[SourceRecord],
        limit: int | None = None,
        floor: int = 0,
    ) -> Resolved | None:
        """Resolve the source whose syntactic head is `head`."""
        if head.pos_ == "PRON" or head.lower_ in ("who", "which", "that"):
            if head.lower_ in lx.FIRST_SECOND_PRONOUNS:
                return None
            if head.lower_ in ("who", "which", "that") and head.dep_ in ("nsubj", "nsubjpass"):
                # relative pronoun: its antecedent is the noun the clause modifies
                verb = head.head
                if verb.dep_ == "relcl":
                    noun = verb.head
                    return self.resolve(noun, sentence, local)
                return None
            speaker = self._speaker_of_content(head)
            if speaker is not None:
                # "Officials said they believe ...": the pronoun is the speaker.
                return self.resolve(speaker, sentence, local, limit, floor)
            rec = self._pronoun(head, local)
            if head.lower_ in lx.THING_PRONOUNS or head.lower_ in lx.PLURAL_PRONOUNS:
                # "State TV aired footage of a depot which it said was struck":
                # an earlier subject of the same sentence comes before older sources.
                subject = self._sentence_subject(head)
                if subject is not None:
                    return self.resolve(subject, sentence, local)
            if rec is None:
                return None
            return Resolved(rec.person or rec.mention, rec, head.idx, head.idx + len(head), True)
        return self.resolve_span(mention_span(head, limit, floor), sentence)

    def resolve_span(self, span: Span, sentence: int) -> Resolved:
        """Resolve a mention given as a span: a description, a re-mention, or a new source."""
        first = span[0]
        # Proper names make a mention a name, not a description; "TV" in "the TV channel" is
        # a common word written in capitals.
        # ... but not a name inside an adjective: "the New York-based organization".
        in_adjective = {t.i for c in span.root.children if c.dep_ == "amod" for t in c.subtree}
        proper = [
            t for t in span
            if (t.pos_ == "PROPN" or (t.is_upper and len(t) > 1)) and t.lower_ not in lx.HEAD_KINDS
            and t.i not in in_adjective
        ]  # fmt: skip
        # "the ministry", or a bare "police" in "the police statement read"
        bare = len(span) == 1 and first.pos_ == "NOUN" and first.is_lower
        common_head = span.root.pos_ == "NOUN" and span.root.is_lower
        if (first.lower_ in lx.DEMONSTRATIVES and common_head or bare) and not proper:
            rec = self._description(span, sentence)
            if rec is not None:
                self.touch(rec)
                # "the lawmaker added", "the admiral said": for a person, the name is enough.
                mention = rec.person or rec.mention
                return Resolved(mention, rec, span.start_char, span.end_char, True)
        # Re-mention by name or acronym: "Petrov", "The FATF", "CBS", "Colonel Petrov".
        toks = normalize(span.text)
        if proper and toks:
            for r in reversed(self.records):
                if self._same_named(toks, span, r):
                    self.touch(r)
                    return Resolved(span.text, r, span.start_char, span.end_char, True)
        for r in reversed(self.records):
            # The same words again ("officials" ... "officials") name the same source.
            if r.tokens == toks and toks:
                self.touch(r)
                return Resolved(span.text, r, span.start_char, span.end_char, True)
        rec = self.new_record(span, sentence)
        return Resolved(span.text, rec, span.start_char, span.end_char, False)

    @staticmethod
    def _speaker_of_content(pron: Token) -> Token | None:
        """The subject of the speech verb whose reported clause this pronoun is the subject
        of, when number agrees: "the ministry said it will ..." -> the ministry."""
        if pron.dep_ not in ("nsubj", "nsubjpass") or pron.head.dep_ != "ccomp":
            return None
        verb = pron.head.head
        if verb.lemma_.lower() not in lx.SPEECH_VERBS:
            return None
        subj = [c for c in verb.children if c.dep_ == "nsubj" and c.i != pron.i]
        if not subj:
            return None
        speaker = subj[0]
        if speaker.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
            speaker = verb.head
        if speaker.pos_ not in ("NOUN", "PROPN"):
            return None
        plural = speaker.tag_ in ("NNS", "NNPS")
        low = pron.lower_
        if low in lx.PERSON_PRONOUNS and (plural or speaker.ent_type_ not in ("PERSON", "")):
            return None
        if low in lx.THING_PRONOUNS and (plural or speaker.ent_type_ == "PERSON"):
            return None
        if low in lx.PLURAL_PRONOUNS and not plural and speaker.ent_type_ == "PERSON":
            return None
        return speaker

    def _sentence_subject(self, pron: Token) -> Token | None:
        sent = pron.sent
        for tok in reversed(list(pron.doc[sent.start : pron.i])):
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            if any(r.tokens == normalize(mention_span(tok).text) for r in self.records[-3:]):
                return tok
            kind, _, _ = classify(mention_span(tok), self.registry)
            if kind in _PERSONAL_KINDS or kind is SourceKind.UNNAMED:
                continue
            if kind is not SourceKind.OTHER or tok.ent_type_ in ("ORG", "GPE", "NORP"):
                return tok
        return None

    @staticmethod
    def _same_named(toks: tuple[str, ...], span: Span, r: SourceRecord) -> bool:
        if toks == r.tokens:
            return True
        words = [t for t in toks if t not in ("of", "and", "for")]
        if len(words) == 1 and words[0].upper() in r.acronyms:
            return True
        if span.text.strip().upper().replace("THE ", "") in r.acronyms:
            return True
        # All words of the shorter mention inside the longer one, same last word:
        # "Colonel Petrov" ~ "army spokesman Colonel Ivan Petrov"; "CBS" ~ "CBS News".
        if len(words) < len(r.tokens) and all(w in r.tokens for w in words):
            return words[-1] == r.tokens[-1] or (len(words) == 1 and words[0] == r.tokens[0])
        return False

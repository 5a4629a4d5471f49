"""Readings of reporting verbs that the attribution rules ask about: does this verb, with this
subject and these dependents, report something (a core report whose clause the parser lost, a
stance, an inference from evidence, a report nested in or wrapped around another)?"""

from __future__ import annotations

from spacy.tokens import Token

from . import lexicon as lx
from .frames import CONTENT_DEPS
from .syntax import (
    children,
    is_document,
    source_like,
)


def object_clause(subj: Token, verb: Token) -> bool:
    """Whether a subject after a speech verb belongs to a clause the parser hung on the verb's
    object ("said the strike targeted vehicles": targeted <- amod vehicles <- dobj said), not
    to an adverbial or relative clause ("..., Reuters reported, as the talks resumed")."""
    node = subj.head
    for _ in range(6):
        if node.i == verb.i:
            return True
        if node.dep_ not in ("amod", "dobj", "ccomp", "conj", "compound", "nmod"):
            return False
        node = node.head
    return False


# "claimed the lives of 40 miners", "claimed responsibility": not a statement.
EVENT_OBJECTS = frozenset("life lives responsibility credit victory title seat seats".split())


def report_in_a_report(verb: Token, subj: list[Token]) -> bool:
    # "Russia is turning to old ammunition, a U.S. official said on Monday, Reuters reported":
    # read as "Reuters reported [an official said]", the inner verb has no content of its own;
    # what it reports is the clause before its comma-set subject.
    head = verb.head
    if verb.dep_ != "ccomp" or head.i < verb.i or head.lemma_.lower() not in lx.SPEECH_VERBS:
        return False
    if children(verb, *CONTENT_DEPS):
        return False
    start = min(t.left_edge.i for t in subj)
    return start > 0 and verb.doc[start - 1].text == ","


def relay_after_report(verb: Token, subj: list[Token]) -> bool:
    # "Russia has lost half its tanks, a research center said Wednesday, Reuters reported":
    # read as "a research center said [Reuters reported]", the outer report comes last and has
    # no content of its own: it relays the whole statement before it.
    head = verb.head
    if verb.dep_ != "ccomp" or head.i > verb.i or head.lemma_.lower() not in lx.SPEECH_VERBS:
        return False
    if children(verb, *CONTENT_DEPS):
        return False
    start = min(t.left_edge.i for t in subj)
    return start > head.i and verb.doc[start - 1].text == ","


_CORE_REPORTS = frozenset(
    """say tell report add insist claim allege confirm warn note stress explain argue
    acknowledge admit state write testify reiterate maintain""".split()
)


def main_report(verb: Token, lemma: str, subj: Token) -> bool:
    """A core reporting verb heading its sentence, with someone as subject."""
    objects = children(verb, "dobj")
    # (with something reported: not "VOA's Al Pessin reports from the Pentagon")
    return (
        lemma in _CORE_REPORTS
        and verb.dep_ in ("ROOT", "conj")
        and bool(objects)
        and source_like(subj)
        and not any(o.lemma_.lower() in EVENT_OBJECTS for o in objects)
    )


def stance_taken(verb: Token, lemma: str, subj: Token) -> bool:
    """The readings of three stance verbs that state a position: "Police linked the attack to
    a cell" (not "the bridge links the towns"), "officials consider the group a threat" (not
    "consider options"), "the minister condemned the strike" (by someone)."""
    if lemma == "link":
        return source_like(subj) and any(
            c.dep_ == "prep" and c.lower_ == "to" for c in verb.children
        )
    if lemma == "consider":
        # ("consider [the groups a threat]": a small clause, read as an object with a subject)
        return bool(children(verb, "oprd", "ccomp", "xcomp", "attr")) or any(
            children(obj, "nsubj") for obj in children(verb, "dobj")
        )
    if lemma == "condemn":
        return source_like(subj)
    return True


def evidence_speaks(verb: Token, subj: Token) -> bool:
    """Whether an evidential verb ("indicate", "reveal", "show") attributes its content to its
    subject: someone, or a document standing on its own ("The report revealed that ..."); not a
    thing ("Thursday's shootdown indicates ...") nor, inside someone's words, the document they
    are reading ("DeSutter said the Iranian statements revealed that ...": his inference)."""
    if subj.lower_ in ("which", "that") and verb.dep_ == "relcl":
        subj = verb.head
    if not source_like(subj):
        return False
    reported = verb.dep_ in ("ccomp", "conj") and verb.head.lemma_.lower() in lx.SPEECH_VERBS
    return not (reported and is_document(subj))

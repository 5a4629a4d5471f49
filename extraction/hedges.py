"""Hedges: markers of uncertainty or distance that scope over what is asserted (the annotation rules on hedges).

`find_hedges` looks at one sentence's tokens once and returns (cue text, token index) pairs.
Negative rules (not hedges) sit next to the positive ones they restrict.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

from . import lexicon as lx
from .syntax import after_what, source_like, subject

# Adverbs that mark the content as second-hand or uncertain: "was reportedly detained".
_HEDGE_ADVERBS = frozenset(
    """reportedly allegedly purportedly ostensibly apparently supposedly seemingly possibly
    probably presumably likely reputedly""".split()
)
# Evidential adjectives (a convention of the annotation: counted even on a noun, because they
# mark the reported thing as unverified: "an apparent assassination", "a suspected strike").
_HEDGE_ADJECTIVES = frozenset(
    """alleged suspected apparent unconfirmed unverified purported likely unlikely probable
    presumed possible""".split()
)
# Nouns that state a likelihood or an inference: "the possibility that a mine ...".
_HEDGE_NOUNS = frozenset(
    """likelihood possibility probability allegation allegations accusation accusations
    presumption assumption""".split()
)
# Modal verbs of possibility. Not "will"/"would"/"can" (future, backshift, ability).
_HEDGE_MODALS = frozenset("could might may".split())
# Verbs of belief, expectation and appearance that hedge their complement:
# "are believed to have crossed", "is expected to sign", "appears to be".
_BELIEF_VERBS = frozenset(
    "believe expect anticipate suspect fear think presume estimate predict understand assess".split()
)
_APPEAR_VERBS = frozenset("appear seem".split())
# Verbs of distancing: "the rebels claimed that ...", "accused her of ...".
_DISTANCING_VERBS = frozenset("claim allege accuse speculate blame".split())
# "claimed the lives of 40", "claimed responsibility": claim in other senses.
_CLAIM_OBJECTS = frozenset("life lives responsibility credit victory title seat seats".split())
_REPORT_VERBS = frozenset("report say rumor rumour tell".split())


def _has_child(tok: Token, deps: tuple[str, ...]) -> bool:
    return any(c.dep_ in deps for c in tok.children)


def _predicative_possibility(tok: Token, nxt: Token | None) -> bool:
    """ "It is possible that the strike hit a depot", "possible to confirm": a judgement on the
    clause that follows, not a modifier of a noun."""
    if tok.dep_ == "amod":
        return False
    return (
        (nxt is not None and nxt.lower_ in ("that", "to"))
        or _has_child(tok, ("ccomp", "xcomp"))
        or _has_child(tok.head, ("ccomp", "csubj"))
        and tok.dep_ == "acomp"
    )


def _evidence_missing(tok: Token) -> bool:
    if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
        return True
    head = tok.head
    if head.lower_ == "without":
        return True
    return head.pos_ in ("VERB", "AUX") and _is_negated(head)


def _is_negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _conditional_if(tok: Token, sent: Span) -> bool:
    """ "if" hedges only when its clause conditions the main assertion of the sentence.

    "Troops will withdraw if talks succeed" (hedge) vs "a reminder that if donors pay, the
    clinics can open" (a condition inside the content, not a hedge).
    """
    clause = tok.head
    if tok.dep_ != "mark" or clause.dep_ != "advcl":
        return False
    if tok.i > 0 and tok.doc[tok.i - 1].lower_ == "even":
        # "..., even if the Kremlin has promised to respect it": a concession, not a condition
        return False
    # The governed verb must be the root, or the reported content right under it (one
    # clausal-complement step), possibly through coordination.
    node = clause.head
    complements = 0
    while node.dep_ != "ROOT" and node.head.i != node.i:
        if node.dep_ in ("ccomp", "parataxis"):
            complements += 1
        elif node.dep_ not in ("conj", "xcomp"):
            return False
        node = node.head
    return complements <= 1 and not (complements == 1 and node.lemma_ not in _REPORTING_ROOTS)


_REPORTING_ROOTS = lx.SPEECH_VERBS


# Every word form (`_CUE_WORDS`) and lemma (`_CUE_LEMMAS`) a cue in `find_hedges` starts from.
_CUE_WORDS = (
    frozenset(
        {
            "speculate",
            "speculated",
            "speculates",
            "speculating",
            "credible",
            "if",
            "see",
            "potentially",
            "suspicion",
            "what",
            "evidence",
        }
    )
    | _HEDGE_ADVERBS
    | _HEDGE_ADJECTIVES
    | _HEDGE_NOUNS
    | _HEDGE_MODALS
)
_CUE_LEMMAS = (
    frozenset({"verify", "confirm", "look", "suggest", "indicate", "call"})
    | _BELIEF_VERBS
    | _APPEAR_VERBS
    | _DISTANCING_VERBS
    | _REPORT_VERBS
)


def find_hedges(sent: Span, toks: Sequence[Token] | None = None) -> list[tuple[str, int]]:
    """Hedge cues in a sentence as (cue text, token index), in text order; `toks` are its
    tokens, if the caller holds them."""
    out: list[tuple[str, int]] = []
    if toks is None:
        toks = list(sent)
    n = len(toks)
    skip_if = -1
    covered = -1  # the verb of a "could not independently verify" already taken as one cue
    for k, tok in enumerate(toks):
        low = tok.lower_
        lemma = tok.lemma_.lower()
        if low not in _CUE_WORDS and lemma not in _CUE_LEMMAS:
            # Cheap exit for the great majority of tokens, which no rule below reads as a cue.
            continue
        nxt = toks[k + 1] if k + 1 < n else None
        prev = toks[k - 1] if k > 0 else None
        if low in ("speculate", "speculated", "speculates", "speculating"):
            # "which, analysts speculate, forced ...": often mistagged as a noun in an insert.
            out.append((tok.text, tok.i))
        elif low in _HEDGE_ADVERBS and tok.pos_ in ("ADV", "ADJ"):
            out.append((tok.text, tok.i))
        elif (
            low in _HEDGE_ADJECTIVES
            and tok.pos_ in ("ADJ", "VERB")
            and tok.dep_
            in (
                "amod",
                "acomp",
                "compound",
                "ROOT",
                "advcl",
                "conj",
                "acl",  # "ships suspected of carrying weapons"
            )
        ):
            # "Arson Suspected in Depot Fire": a headline participle also hedges.
            if low == "possible" and not _predicative_possibility(tok, nxt):
                # "the possible options", "a possible attack", "where possible": a noun's
                # modifier, not a judgement on what is reported.
                continue
            if low == "suspected" and tok.dep_ != "amod" and nxt is not None and nxt.lower_ == "of":
                out.append(("suspected of", tok.i))
            elif low in ("likely", "unlikely") and nxt is not None and nxt.lower_ == "to":
                out.append((f"{tok.text} to", tok.i))
            else:
                out.append((tok.text, tok.i))
        elif low in _HEDGE_NOUNS and tok.pos_ == "NOUN":
            # "allegations that troops fired" distances its content; "denied the allegations"
            # carries none, so there is nothing for the cue to hedge.
            if tok.lemma_ in ("allegation", "accusation") and not (
                any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)
                or any(t.lower_ == "that" and t.head.pos_ == "VERB" for t in tok.subtree)
            ):
                continue
            out.append((tok.text, tok.i))
        elif low in _HEDGE_MODALS and tok.tag_ == "MD":
            if (
                low == "could"
                and nxt is not None
                and nxt.dep_ == "neg"
                and tok.head.lemma_
                not in (
                    "verify",
                    "confirm",
                )
            ):
                # "We could not sleep": past inability, not a hedge.
                continue
            # "could not independently verify": the publisher's own caveat, one cue.
            if nxt is not None and nxt.dep_ == "neg":
                verb = tok.head
                if verb.lemma_ in ("verify", "confirm"):
                    text = sent.doc[tok.i : verb.i + 1].text
                    out.append((text, tok.i))
                    covered = verb.i
                    continue
            out.append((tok.text, tok.i))
        elif lemma in ("verify", "confirm") and tok.pos_ == "VERB" and tok.i != covered:
            # "was unable to verify", "cannot be independently confirmed"
            head = tok.head
            if (
                prev is not None
                and prev.lower_ == "to"
                and head.lemma_ in ("unable", "able", "difficult", "hard", "impossible")
            ) or (_is_negated(tok) and tok.tag_ == "VBN" and _has_child(tok, ("auxpass",))):
                out.append((sent.doc[tok.i - 1 : tok.i + 1].text, tok.i))
            elif (
                prev is not None
                and prev.lower_ == "to"
                and nxt is not None
                and nxt.lower_ in ("whether", "if")
            ):
                # "is still trying to verify whether it was a nuclear test": not known yet
                out.append((sent.doc[tok.i - 1 : tok.i + 2].text, tok.i))
                skip_if = nxt.i
        elif lemma in _BELIEF_VERBS and tok.pos_ == "VERB":
            if _is_negated(tok):
                continue
            if tok.tag_ == "VBN" and _has_child(tok, ("auxpass",)):
                # "are believed to", "is expected to", "were feared dead"
                if nxt is not None and nxt.lower_ == "to":
                    out.append((f"{tok.text} to", tok.i))
                else:
                    out.append((tok.text, tok.i))
            elif lemma in ("believe", "suspect", "think", "fear", "anticipate") and _has_child(
                tok, ("ccomp", "xcomp", "nsubj")
            ):
                out.append((tok.text, tok.i))
            elif lemma in ("predict", "understand", "assess") and _has_child(tok, ("ccomp",)):
                # "he predicted the toll would not rise": a forecast, not a fact
                out.append((tok.text, tok.i))
            elif lemma == "expect" and nxt is not None and nxt.lower_ == "to":
                out.append((f"{tok.text} to", tok.i))
        elif lemma in _APPEAR_VERBS and tok.pos_ in ("VERB", "AUX"):
            # "appears to be", "appeared wounded", "it seems that"; not "appeared on the
            # program", "appearing live on VOA's show" (showing up somewhere).
            if (nxt is not None and nxt.lower_ in ("to", "that", "as", "like")) or _has_child(
                tok, ("xcomp", "ccomp", "acomp", "attr", "oprd")
            ):
                out.append((tok.text, tok.i))
        elif lemma == "indicate" and tok.pos_ == "VERB":
            # "the shootdown indicates rebels have ...", "which does indicate that ...": an
            # inference when a thing is the subject (a person indicating is a report).
            subj = subject(tok)
            if subj and subj[0].lower_ in ("which", "that") and tok.dep_ == "relcl":
                subj = [tok.head]
            if subj and not source_like(subj[0]) and _has_child(tok, ("ccomp",)):
                out.append((tok.text, tok.i))
        elif lemma == "look" and nxt is not None and nxt.lower_ == "like":
            # "what looked like a launcher"
            out.append((f"{tok.text} like", tok.i))
        elif lemma == "suggest" and tok.pos_ == "VERB":
            out.append((tok.text, tok.i))
        elif lemma in _DISTANCING_VERBS and tok.pos_ in ("VERB", "NOUN"):
            if _is_negated(tok):
                continue
            objs = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
            if any(o.lemma_.lower() in _CLAIM_OBJECTS or o.lower_ in _CLAIM_OBJECTS for o in objs):
                continue
            if tok.pos_ == "NOUN" and lemma != "claim":
                continue
            if lemma == "claim" and tok.pos_ == "VERB" and not _has_child(tok, ("ccomp", "xcomp")):
                # "the land it once claimed as its own", "the first attack claimed by the
                # group": a claim to territory or to an act, not a contested statement.
                if _has_child(tok, ("agent",)) or any(
                    c.dep_ == "prep" and c.lower_ == "as" for c in tok.children
                ):
                    continue
            if lemma == "claim" and nxt is not None and nxt.lower_ == "to" and tok.tag_ == "VBG":
                # "a video claiming to show the launch"
                out.append((sent.doc[tok.i : min(tok.i + 4, sent.end)].text, tok.i))
            else:
                out.append((tok.text, tok.i))
        elif (
            low == "said"
            and nxt is not None
            and nxt.lower_ == "to"
            and not _has_child(tok, ("auxpass", "agent"))
            and (tok.dep_ in ("acl", "advcl", "relcl") or (prev is not None and prev.text == ","))
        ):
            # "a Kenyan Somali who went by the name Ikrima, said to be a senior commander"
            out.append((f"{tok.text} to", tok.i))
        elif lemma in _REPORT_VERBS and tok.tag_ == "VBN" and _has_child(tok, ("auxpass",)):
            # Agentless passive report: "explosions were reported near the port", "has been
            # widely reported". With an agent ("reported by state TV") it is an attribution.
            if _has_child(tok, ("agent",)):
                continue
            if lemma == "say" and not (nxt is not None and nxt.lower_ == "to"):
                continue
            adv = [c for c in tok.children if c.lower_ == "widely"]
            if adv:
                out.append((f"widely {tok.text}", tok.i))
            else:
                aux = [c for c in tok.children if c.dep_ == "auxpass"]
                out.append((f"{aux[-1].text} {tok.text}", tok.i))
        elif (
            low == "credible"
            and nxt is not None
            and nxt.lower_
            in (
                "information",
                "reports",
                "evidence",
                "intelligence",
            )
        ):
            # "officials have credible evidence that": an assessment, not a confirmation.
            out.append((f"{tok.text} {nxt.text}", tok.i))
        elif low == "if" and tok.i != skip_if and _conditional_if(tok, sent):
            out.append((tok.text, tok.i))
        elif low == "potentially" and tok.head.pos_ in ("VERB", "AUX"):
            # "weapons that are potentially used against troops" (not "potentially deadly
            # accidents": a degree of an adjective)
            out.append((tok.text, tok.i))
        elif low == "suspicion" and prev is not None and prev.lower_ == "on":
            # "arrested him on suspicion of spying"
            out.append((sent.doc[tok.i - 1 : min(tok.i + 2, sent.end)].text, tok.i))
        elif lemma == "call" and tok.pos_ == "VERB" and after_what(tok):
            # "an investigation into what it calls a genocide": the writer keeps its distance
            what = next(
                t for t in sent.doc[max(sent.start, tok.i - 3) : tok.i] if t.lower_ == "what"
            )
            out.append((sent.doc[what.i : tok.i + 1].text, tok.i))
        elif (
            low == "reported"
            and tok.tag_ == "VBN"
            and tok.dep_ == "acl"
            and not _has_child(tok, ("agent", "auxpass"))
        ):
            # "the highest number of casualties reported since the truce": agentless
            out.append((tok.text, tok.i))
        elif low == "evidence" and _evidence_missing(tok):
            # "did not provide evidence that", "offered no evidence", "without evidence"
            out.append((tok.text, tok.i))
        elif low == "see" and nxt is not None and nxt.lower_ in ("if", "whether"):
            # "we will see whether they keep their word": judgement withheld (one cue, not two).
            out.append((f"{tok.text} {nxt.text}", tok.i))
            skip_if = nxt.i
    return out

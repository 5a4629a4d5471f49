"""Attribution frames: who a sentence's content is credited to, read off the dependency parse.

A `Frame` is one attribution expression in one sentence: its cue word ("said", "according
to", "as reported by"), the syntactic heads of its sources in chain order (origin first), and
the token range it scopes over. Frames nest: in "Diplomats say army officers told a closed
hearing that ...", "told" sits in the content of "say", so the chain is officers -> diplomats.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from . import lexicon as lx
from .frames import CONTENT_DEPS, Frame, frame_scope, reported_by_relay
from .relays import (
    addressee_relay,
    attach_citing,
    attach_relayed_words,
    statement_relay,
    subject_relay,
)
from .syntax import (
    after_what,
    agent_of,
    children,
    document_author,
    is_document,
    is_embedded,
    negated,
    subject,
    with_conjuncts,
)
from .verbs import (
    EVENT_OBJECTS,
    evidence_speaks,
    main_report,
    object_clause,
    relay_after_report,
    report_in_a_report,
    stance_taken,
)


def _speech_content(verb: Token) -> bool:
    """Whether a speech verb carries reported content: a clause, a quote, or a
    parenthetical placement ("..., the ministry added")."""
    if children(verb, *CONTENT_DEPS):
        return True
    if any(c.dep_ in ("xcomp",) and c.pos_ in ("VERB", "AUX") for c in verb.children):
        # "has vowed to retaliate", "said to be" (the latter handled as a hedge)
        return verb.lemma_.lower() in ("vow", "pledge", "promise", "threaten", "claim")
    # A quotation as direct object: "said: 'We will fight.'"
    if any(c.is_quote for c in verb.children):
        return True
    for tok in verb.subtree:
        # "said in a statement that 40 rebels surrendered": the small model often hangs
        # the that-clause on the noun; it is still the verb's content.
        if tok.dep_ == "mark" and tok.lower_ == "that" and tok.i > verb.i:
            # ("told lawmakers, according to Yonhap, that ...": or on the verb, as a conjunct)
            if tok.head.pos_ in ("VERB", "AUX") and tok.head.dep_ in (
                "acl",
                "ccomp",
                "relcl",
                "conj",
            ):
                return True
    if verb.lemma_.lower() in ("say", "tell", "report", "add") and any(
        t.dep_ in ("nsubj", "nsubjpass") and t.i > verb.i and object_clause(t, verb)
        for t in verb.subtree
    ):
        # "Local sources said the strike on Sunday targeted vehicles in ...", read as "said
        # [vehicles]" with "targeted" as an adjective: a subject after the verb starts a clause.
        return True
    for obj in children(verb, "dobj"):
        # "witnesses reporting the soldiers were looting": a clause read as object + verb.
        nxt = obj.right_edge.i + 1
        if nxt < len(verb.doc) and verb.doc[nxt].tag_ in ("VBD", "VBZ", "VBP", "MD"):
            return True
    return False


# Verbs that attribute only with a that-clause: "investigators found that the fuse failed" but
# not "investigators found the wreck", "officials fear the worst".
_CLAUSE_ONLY = frozenset(
    """order post suggest estimate predict tweet assess believe suspect fear think determine
    find respond counter comment point question doubt""".split()
)

# Speech verbs whose noun-phrase object is itself what is asserted: "the mayor stressed the
# size of the evacuation", "the ministry confirmed the deaths", "the rebels denied the report".
_NP_SPEECH = frozenset(
    """emphasize emphasise stress note confirm deny claim allege reveal indicate acknowledge
    admit report""".split()
)


def _parenthetical(verb: Token) -> bool:
    # "The plan, the mayor added, will cost more ..." / "A, B said, C": the speech verb
    # hangs off the content it reports.
    return verb.dep_ in ("parataxis", "advcl", "conj") and not children(verb, *CONTENT_DEPS)


def find_frames(sent: Span, toks: Sequence[Token] | None = None) -> list[Frame]:
    """The attribution frames of a sentence; `toks` are its tokens, if the caller holds them."""
    frames: list[Frame] = []
    if toks is None:
        toks = list(sent)  # one pass of Token objects, shared by the helpers below
    for tok in toks:
        lemma = tok.lemma_.lower()
        if lemma not in _CUE_LEMMAS:
            # Cheap exit for the great majority of tokens, which can cue nothing.
            continue
        low = tok.lower_
        if low == "according":
            frame = _according(tok)
            if frame is not None:
                frames.append(frame)
            continue
        if tok.pos_ == "NOUN" and lemma in _ALLEGATION_NOUNS:
            frame = _allegation(tok)
            if frame is not None:
                frames.append(frame)
            continue
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if negated(tok):
            continue
        frame = _verb_frame(tok, lemma)
        if frame is not None:
            frames.append(frame)
    attach_citing(frames, toks)
    attach_relayed_words(frames, toks)
    _surface_parentheticals(frames, sent, toks)
    return frames


# Every lemma a frame can start from (verbs, "according", allegation nouns).
_CUE_LEMMAS = (
    lx.SPEECH_VERBS
    | lx.STANCE_VERBS
    | lx.RELAY_PARTICIPLES
    | lx.PUBLISH_VERBS
    | frozenset({"according", "accord", "quote", "learn", "hear", "read", "call", "put"})
    | frozenset("allegation accusation claim charge".split())
)


def _forms(verbs: frozenset[str]) -> frozenset[str]:
    out = set(verbs) | {"said", "says", "told", "tells", "wrote", "writes", "heard", "learnt"}
    for v in verbs:
        out.add(v + "s")
        out.add(v + "d" if v.endswith("e") else v + "ed")
    return frozenset(out)


_SPEECH_FORMS = _forms(lx.SPEECH_VERBS)


def _surface_parentheticals(frames: list[Frame], sent: Span, toks: Sequence[Token]) -> None:
    """ "..., which, analysts speculate, forced the delay": a comma-delimited "NP + speech verb"
    insert.

    The small model often mistags the verb of such an insert as a noun ("speculate"/NN), so
    this reads the word sequence instead of the tree.
    """
    anchored = {f.anchor for f in frames}
    doc = sent.doc
    for tok in toks:
        if tok.lower_ not in _SPEECH_FORMS or tok.i in anchored:
            continue
        if (
            tok.dep_ == "amod"
            and tok.tag_ in ("VBD", "VBN")
            and tok.i > sent.start
            and doc[tok.i - 1].text == ","
        ):
            # "A rebel spokesman, Ali Hassan, confirmed fighters attacked the base": the small
            # model sometimes reads the verb as an adjective of the next noun; the sentence
            # subject before the comma is the speaker.
            subj = [c for c in sent.root.children if c.dep_ == "nsubj" and c.i < tok.i]
            if subj:
                frames.append(
                    Frame(
                        anchor=tok.i, cue=tok.text, heads=[subj[0]], joint=[False],
                        scope_lo=sent.start, scope_hi=sent.end - 1,
                    )
                )  # fmt: skip
                anchored.add(tok.i)
            continue
        after = doc[tok.i + 1] if tok.i + 1 < sent.end else None
        final = after is None or (after.text in (".", "!") and tok.pos_ in ("NOUN", "PROPN"))
        # "..., the United Nations refugee agency reports.": at the end, read as a noun.
        if not final and (after is None or after.text != ","):
            continue
        i = tok.i - 1
        noun: Token | None = None
        while i >= sent.start and tok.i - i <= 6:
            cur = doc[i]
            if cur.text == ",":
                break
            if cur.pos_ in ("NOUN", "PROPN") and noun is None:
                noun = cur
            elif cur.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "PART"):
                noun = None
                break
            i -= 1
        if noun is None or i < sent.start or doc[i].text != ",":
            continue
        # The insert governs its own clause, up to the nearest semicolon on either side.
        lo = i
        while lo > sent.start and doc[lo - 1].text != ";":
            lo -= 1
        hi = tok.i
        while hi < sent.end - 1 and doc[hi + 1].text != ";":
            hi += 1
        frames.append(
            Frame(anchor=tok.i, cue=tok.text, heads=[noun], joint=[False], scope_lo=lo, scope_hi=hi)
        )


# Dependency labels through which a report can sit inside another report's content.
_CONTENT_PATH = frozenset({"ccomp", "xcomp", "conj", "parataxis", "pcomp", "advcl"})


def nests_in(inner: Frame, outer: Frame, doc: Doc) -> bool:
    """Whether `inner` reports inside the content of `outer`.

    "Diplomats say officers told a hearing that ..." (told <- ccomp <- say: nested);
    "Police insist two gunmen fired, although the group insists there was one" (a contrast
    clause, not content: separate). "According to X, ..." wraps its whole clause.
    """
    if outer.outer_first:
        return True
    node = doc[inner.anchor]
    if node.lower_ == "according" and node.dep_ == "prep":
        # "The minister said that, according to police, 40 died": the phrase hangs on the
        # reported verb, so its source is the minister's.
        node = node.head
    allowed = _CONTENT_PATH | ({"relcl", "dobj"} if outer.quote else set())
    for _ in range(12):
        if node.i == outer.anchor:
            return True
        if node.head.i == node.i:
            return False
        if node.dep_ not in allowed:
            return False
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("although", "though", "while", "whereas")
            for c in node.children
        ):
            return False
        node = node.head
    return False


_ALLEGATION_NOUNS = frozenset("allegation accusation claim charge".split())


def _allegation(tok: Token) -> Frame | None:
    # "Allegations by rights groups that troops fired on protesters ...": the by-phrase names
    # who alleges; used only when no verb attributes the sentence.
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            objs = children(c, "pobj")
            if objs:
                root = tok.sent.root
                return Frame(
                    anchor=tok.i, cue=f"{tok.text} {c.text}", heads=with_conjuncts(objs[0]),
                    joint=[False] * len(with_conjuncts(objs[0])),
                    scope_lo=root.left_edge.i, scope_hi=root.right_edge.i, weak=True,
                )  # fmt: skip
    return None


def _according(tok: Token) -> Frame | None:
    # "According to unverified reports, ..." / "..., according to a statement by the army"
    preps = [c for c in tok.children if c.lower_ == "to"]
    if not preps:
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        preps = [nxt] if nxt is not None and nxt.lower_ == "to" else []
    if not preps:
        return None
    objs = children(preps[0], "pobj")
    if not objs:
        return None
    src = objs[0]
    heads = with_conjuncts(src)
    relays: list[Token] = []
    speech = reported_by_relay(tok, src.right_edge.i)
    if is_document(src):
        author, relays = document_author(src)
        if author is not None:
            heads = [author]
        elif speech is not None and relays:
            # "The rebels said ..., according to a statement relayed by Al Jazeera": the
            # statement is the speaker's own; only its relay is new.
            heads = []
    else:
        for c in src.children:
            if c.dep_ == "acl" and c.lemma_.lower() in lx.RELAY_PARTICIPLES:
                agent = agent_of(c)
                if agent is not None:
                    relays.append(agent)
    head = tok.head
    if head.dep_ == "prep":
        head = head.head
    if speech is not None:
        # The relay of the whole report: its scope takes in the speech verb, so that frame
        # nests in this one and the chain runs speaker -> relay.
        head = speech
    lo, hi = frame_scope(head)
    lo, hi = min(lo, tok.i), max(hi, tok.i)
    return Frame(
        anchor=tok.i,
        cue="according to",
        heads=heads + relays,
        joint=([False] + [True] * (len(heads) - 1) if heads else []) + [False] * len(relays),
        scope_lo=lo,
        scope_hi=hi,
        embedded=is_embedded(head),
        outer_first=True,
    )


def _verb_frame(tok: Token, lemma: str) -> Frame | None:
    if lemma in ("call", "put"):
        return _naming_frame(tok, lemma)
    agent = agent_of(tok)
    if agent is not None and tok.tag_ == "VBN":
        return _passive_frame(tok, lemma, agent)
    if lemma == "quote":
        return _quote_frame(tok)
    if lemma in ("learn", "hear"):
        return _learned_frame(tok)
    if lemma in lx.PUBLISH_VERBS:
        objs = children(tok, "dobj")
        if objs and objs[0].lemma_.lower() in lx.PUBLISHED_THINGS:
            # "The group released a video showing ...", "the rebels issued a statement
            # denying the raid": the content is attributed to the publisher.
            subj = subject(tok)
            if subj:
                return _simple(tok, subj, tok.text, frame_scope(tok))
        return None
    if lemma == "read" or (lemma in lx.SPEECH_VERBS and lemma not in ("learn", "hear")):
        subj = subject(tok)
        if not subj:
            return None
        if lemma in lx.EVIDENTIAL_VERBS and not evidence_speaks(tok, subj[0]):
            return None
        if lemma == "read" and not is_document(subj[0]):
            return None
        if lemma in _CLAUSE_ONLY and not children(tok, "ccomp"):
            return None
        if _speech_content(tok):
            frame = _simple(tok, subj, tok.text, frame_scope(tok))
        elif _parenthetical(tok) or report_in_a_report(tok, subj):
            frame = _simple(tok, subj, tok.text, frame_scope(tok.head))
        elif relay_after_report(tok, subj):
            frame = _simple(tok, subj, tok.text, frame_scope(tok.head))
            frame.outer_first = True
        elif lemma in _NP_SPEECH and any(
            o.lemma_.lower() not in EVENT_OBJECTS for o in children(tok, "dobj")
        ):
            frame = _simple(tok, subj, tok.text, frame_scope(tok))
        elif (
            tok.dep_ == "ccomp"
            and lemma in ("tell", "inform", "brief")
            and tok.head.lemma_.lower() in lx.SPEECH_VERBS
        ):
            # "Diplomats say officers told a hearing ...": a report nested in a report.
            frame = _simple(tok, subj, tok.text, frame_scope(tok))
        elif main_report(tok, lemma, subj[0]):
            # The parser lost the reported clause, but a main-clause "X said ..." still
            # reports: a weak frame, used only where nothing else attributes the sentence.
            frame = _simple(tok, subj, tok.text, (tok.sent.start, tok.sent.end - 1))
            frame.weak = True
        else:
            return None
        addressee_relay(tok, frame)
        statement_relay(tok, frame)
        subject_relay(frame)
        return frame
    if lemma in lx.STANCE_VERBS:
        subj = subject(tok)
        if not subj:
            return None
        if not (children(tok, "dobj", "ccomp", "xcomp", "prep", "pobj")):
            return None
        if lemma in lx.EVIDENTIAL_VERBS and not evidence_speaks(tok, subj[0]):
            return None
        if not stance_taken(tok, lemma, subj[0]):
            return None
        frame = _simple(tok, subj, tok.text, frame_scope(tok))
        subject_relay(frame)
        return frame
    return None


# Nouns of a count someone gives: "the Red Cross put the death toll at 69".
_COUNT_NOUNS = frozenset("toll number figure count total estimate tally".split())


def _naming_frame(tok: Token, lemma: str) -> Frame | None:
    """Two verbs that report when they name or count something: "Kerry called the attack an
    enormous offense", "what he called the cowardly act" (not "called on the army to",
    "called for talks", "called off"), and "the Red Cross put the death toll at 69"."""
    subj = subject(tok)
    if not subj or negated(tok):
        return None
    objs = children(tok, "dobj")
    if lemma == "put":
        if not objs or objs[0].lemma_.lower() not in _COUNT_NOUNS:
            return None
        if not any(c.dep_ == "prep" and c.lower_ == "at" for c in tok.children):
            return None
        return _simple(tok, subj, tok.text, frame_scope(tok))
    doc = tok.doc
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in ("on", "for", "off", "in", "up"):
        return None
    named = children(tok, "oprd", "xcomp", "ccomp", "attr", "acomp")
    quoted = any(c.is_quote for c in tok.subtree if c.i > tok.i)
    relative = after_what(tok)
    if not (objs or relative) or not (named or quoted or relative):
        return None
    if relative:
        # "condemned what he called the cowardly act": the naming covers the clause it sits in.
        return _simple(tok, subj, tok.text, frame_scope(tok.head))
    return _simple(tok, subj, tok.text, frame_scope(tok))


def _simple(tok: Token, subj: list[Token], cue: str, scope: tuple[int, int]) -> Frame:
    heads = list(subj)
    relays: list[Token] = []
    if len(heads) == 1 and is_document(heads[0]):
        author, relays = document_author(heads[0])
        if author is not None:
            heads = [author]
    return Frame(
        anchor=tok.i,
        cue=cue,
        heads=heads + relays,
        joint=[False] + [True] * (len(heads) - 1) + [False] * len(relays),
        scope_lo=min(scope[0], tok.i),
        scope_hi=max(scope[1], tok.i),
        embedded=is_embedded(tok),
    )


def _passive_frame(tok: Token, lemma: str, agent: Token) -> Frame | None:
    heads = with_conjuncts(agent)
    if tok.dep_ == "acl":
        # "estimates by the Central Intelligence Agency cited by AFP": registers the chain
        # CIA -> AFP for later sentences; the noun phrase asserts nothing itself.
        if lemma not in lx.RELAY_PARTICIPLES:
            return None
        noun = tok.head
        origin: Token | None = noun
        if is_document(noun):
            origin, _ = document_author(noun)
            if origin is None or origin.i == noun.i:
                # "The plan is outlined in a document seen by Reuters": the unnamed document
                # is the origin and the agency relays it, for the whole sentence.
                root = tok.sent.root
                return Frame(
                    anchor=tok.i, cue=f"{tok.text} by", heads=[noun, *heads],
                    joint=[False] * (1 + len(heads)), scope_lo=root.left_edge.i,
                    scope_hi=root.right_edge.i, embedded=True, weak=True,
                )  # fmt: skip
        if origin is None:
            return None
        return Frame(
            anchor=tok.i, cue=f"{tok.text} by", heads=[origin, *heads],
            joint=[False] * (1 + len(heads)), scope_lo=tok.i, scope_hi=tok.i,
            register_only=True, embedded=True,
        )  # fmt: skip
    if lemma in lx.RELAY_PARTICIPLES or lemma in lx.SPEECH_VERBS:
        # "The visit, as reported by state television, lasted ..." scopes over its clause.
        scope_tok = tok.head if tok.dep_ in ("advcl", "parataxis") else tok
        lo, hi = frame_scope(scope_tok)
        return Frame(
            anchor=tok.i, cue=f"{'as ' if children(tok, 'mark') else ''}{tok.text} by",
            heads=heads, joint=[False] + [True] * (len(heads) - 1), scope_lo=lo, scope_hi=hi,
            embedded=is_embedded(scope_tok), outer_first=tok.dep_ in ("advcl", "parataxis"),
        )  # fmt: skip
    if lemma in lx.STANCE_VERBS:
        # "Serbia is being accused by rights groups of blocking the inquiry"
        lo, hi = frame_scope(tok)
        return Frame(
            anchor=tok.i, cue=f"{tok.text} by", heads=heads,
            joint=[False] + [True] * (len(heads) - 1), scope_lo=lo, scope_hi=hi,
            embedded=is_embedded(tok),
        )  # fmt: skip
    return None


def _quote_frame(tok: Token) -> Frame | None:
    # "CNN quoted a senior diplomat as saying ...": diplomat -> CNN.
    subj = subject(tok)
    objs = children(tok, "dobj")
    if not subj or not objs:
        return None
    lo, hi = frame_scope(tok)
    # "Agencies quote a resident and a Tibetan exile as saying ...": both speak, side by side.
    quoted = with_conjuncts(objs[0])
    return Frame(
        anchor=tok.i, cue="quoted", heads=[*quoted, *subj],
        joint=[False] + [True] * (len(quoted) - 1) + [False] * len(subj), scope_lo=lo,
        scope_hi=hi, embedded=is_embedded(tok), quote=True,
    )  # fmt: skip


def _learned_frame(tok: Token) -> Frame | None:
    # "The paper says it has learned from security sources that ...": sources -> paper.
    subj = subject(tok)
    origin = None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "from":
            objs = children(c, "pobj")
            origin = objs[0] if objs else None
    if origin is None or not subj or not children(tok, "ccomp"):
        return None
    lo, hi = frame_scope(tok)
    return Frame(
        anchor=tok.i, cue=f"{tok.text} from", heads=[origin, *subj],
        joint=[False] * (1 + len(subj)), scope_lo=lo, scope_hi=hi, embedded=is_embedded(tok),
    )  # fmt: skip

"""Dependency-tree helpers for the attribution rules: subjects, agents, conjuncts, authors.

Each helper reads the parse of one token's neighbourhood; the comments give the wire-style
sentence that motivated each repair of the small model's parses.
"""

from __future__ import annotations

from spacy.tokens import Token

from . import lexicon as lx


def children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


# Pronouns that stand for someone who can say something; "which"/"that" and the like more often
# stand for a thing ("..., which does indicate that ...").
_AGENT_PRONOUNS = frozenset("i we you he she they it who".split())


def source_like(tok: Token) -> bool:
    """Whether a noun phrase's head can name someone who says things: a name, a person or
    organisation word, a document; not an event or a thing ("the shootdown", "support for the
    new president", "the evidence").

    "The White House says Thursday's shootdown ... indicates rebels have access to ...": an
    evidential verb with such a subject is an inference, not an attribution.
    """
    if tok.pos_ == "PRON":
        return tok.lower_ in _AGENT_PRONOUNS
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    if tok.pos_ == "PROPN" and tok.text[:1].isupper():
        # (a lower-case word the tagger took for a name, "the shootdown", is not one)
        return True
    words = (tok.lower_, tok.lemma_.lower())
    return any(
        w in lx.HEAD_KINDS or w in lx.DESCRIPTION_KINDS or w in lx.DOCUMENT_NOUNS for w in words
    )


def is_document(tok: Token) -> bool:
    """A statement, report, estimate ... that speaks for its author; not a name that ends in
    such a word ("the United States Geological Survey", "the Washington Post")."""
    if tok.lemma_.lower() not in lx.DOCUMENT_NOUNS and tok.lower_ not in lx.DOCUMENT_NOUNS:
        return False
    return not (
        tok.pos_ == "PROPN"
        and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children)
    )


def negated(tok: Token) -> bool:
    # "police did not say who fired", "has not commented": a negated report attributes
    # nothing (the annotation rules: events are not attributions).
    return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in tok.children)


def subject(verb: Token) -> list[Token]:
    """The subject heads of a verb, borrowing them from the verb it is coordinated with or
    depends on: "Beijing condemned the visit and accused Manila of provocation" (accused <-
    Beijing), "the mayor met the envoy, revealing the plan" (revealing <- mayor)."""
    node = verb
    for _ in range(3):
        subj = children(node, "nsubj")
        if subj:
            # "al-Qaida claimed": a hyphenated name can come out as several subjects.
            return with_conjuncts(subj[-1])
        for clause in children(node, "csubj"):
            # "Spokesman Ali Hassan citing initial information claimed ...": without commas
            # the parser makes "Hassan citing information" the clausal subject.
            if clause.tag_ != "VBG" or clause.lemma_.lower() != "cite":
                continue
            inner = children(clause, "nsubj")
            if inner:
                return with_conjuncts(inner[-1])
            before = clause.doc[clause.i - 1] if clause.i > 0 else None
            if before is not None and before.pos_ in ("PROPN", "NOUN"):
                return [before]
        if node.i == verb.i and node.tag_ in ("VBD", "VBZ", "VBP"):
            # "..., the army and the police said Sunday": the parser sometimes hangs the
            # speaker's noun phrase on the content; take the noun phrase right before the verb.
            np = preceding_np(node)
            if np:
                return np
        if node.dep_ == "acl" and node.tag_ == "VBG" and node.head.pos_ in ("NOUN", "PROPN"):
            # "witnesses reporting the soldiers were looting": the noun is the speaker.
            return [node.head]
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head.i != node.i:
            if node.dep_ == "advcl" and not (
                node.tag_ == "VBG" and node.i > 0 and node.doc[node.i - 1].text == ","
            ):
                # Only a participle clause set off by a comma shares the main subject:
                # "He met the envoy, revealing ..." but not "led to the rebels stressing ...".
                return []
            if node.dep_ == "advcl":
                # "The minister said the talks failed, adding that ...": the participle
                # continues the speech, even when the parser hangs it on the reported clause.
                for anc in node.ancestors:
                    if anc.lemma_.lower() in lx.SPEECH_VERBS and children(anc, "nsubj"):
                        return with_conjuncts(children(anc, "nsubj")[-1])
            node = node.head
            continue
        break
    return []


def preceding_np(verb: Token) -> list[Token]:
    """Heads of a comma-delimited noun phrase right before `verb` (joint ones split on "and")."""
    doc = verb.doc
    i = verb.i - 1
    heads: list[Token] = []
    last_noun: Token | None = None
    while i >= 0:
        tok = doc[i]
        if tok.pos_ in ("NOUN", "PROPN"):
            if last_noun is None:
                last_noun = tok
        elif tok.lower_ in ("and", "&"):
            if last_noun is not None:
                heads.append(last_noun)
            last_noun = None
        elif tok.pos_ in ("DET", "ADJ", "PART", "NUM") or tok.dep_ == "compound":
            pass
        elif tok.text == ",":
            break
        else:
            return []
        i -= 1
    if i < 0 or last_noun is None:
        return []
    heads.append(last_noun)
    return sorted(heads, key=lambda t: t.i)


def own_phrase(conjunct: Token) -> bool:
    """Whether a conjunct opens a noun phrase of its own (a determiner: "a Tibetan exile")."""
    return any(c.dep_ == "det" and c.i < conjunct.i for c in conjunct.children)


def with_conjuncts(head: Token) -> list[Token]:
    """ "the army and the interior ministry said": joint sources in text order."""
    out = [head]
    frontier = [head]
    doc = head.doc
    while frontier:
        tok = frontier.pop()
        for c in tok.children:
            if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN"):
                # "The head of Czech and Slovak police": a conjunct reached across a
                # preposition belongs to one noun phrase, not to a second speaker.
                # Unless the conjunct is a noun phrase of its own: "a resident of Ragya and a
                # Tibetan exile" are two.
                if any(t.pos_ == "ADP" for t in doc[tok.i + 1 : c.i]) and not own_phrase(c):
                    continue
                out.append(c)
                frontier.append(c)
            elif c.dep_ == "prep" and tok.i == head.i:
                # "a resident of Ragya and a Tibetan exile": the second speaker hung on the
                # first one's prepositional object.
                for obj in children(c, "pobj"):
                    out.extend(x for x in children(obj, "conj") if own_phrase(x))
    return sorted(out, key=lambda t: t.i)


def agent_of(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            objs = children(c, "pobj")
            if objs:
                return objs[0]
    return None


def is_embedded(tok: Token) -> bool:
    node = tok
    while node.head.i != node.i:
        if node.dep_ in ("relcl", "acl"):
            return True
        node = node.head
    return False


def document_author(noun: Token) -> tuple[Token | None, list[Token]]:
    """Author and relays of a statement or report (the annotation rules on statements and reports).

    "a statement by the army" / "the army's statement" / "the police statement" /
    "a communique, released by the rebels" / "a letter purporting to come from X" name the
    author; "carried by AFP" / "seen by Reuters" / "cited by Kyodo" name a relay.
    """
    author: Token | None = None
    relays: list[Token] = []
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in lx.PUBLISH_VERBS:
        # "the State Department issued a travel advisory warning ...": the issuer wrote it.
        issuer = children(noun.head, "nsubj")
        if issuer:
            author = issuer[0]
    for c in noun.children:
        # A by-phrase first: "the Tuesday report by Yonhap" is Yonhap's, not Tuesday's.
        if c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
            objs = children(c, "pobj")
            if objs and author is None and not is_document(objs[0]):
                author = objs[0]
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN") and author is None:
            author = c
        elif (
            c.dep_ == "compound"
            and author is None
            and c.ent_type_ not in ("DATE", "TIME")
            and (
                c.pos_ == "PROPN"
                or c.lower_ in lx.HEAD_KINDS
                or c.ent_type_ in ("ORG", "GPE", "NORP")
            )
        ):
            # "the police statement" names its author; "intelligence reports" does not.
            author = c
        elif c.dep_ == "acl":
            lemma = c.lemma_.lower()
            agent = agent_of(c)
            if agent is not None and lemma in ("issue", "release", "publish", "sign", "send"):
                author = author or agent
            elif agent is not None and lemma in lx.RELAY_PARTICIPLES:
                relays.append(agent)
            elif lemma == "claim":
                # "a video claiming to come from the group's leader"
                for sub in c.subtree:
                    if sub.dep_ == "pobj" and sub.head.lower_ == "from":
                        author = author or sub
                        break
    return author, relays


_SIDE_MARKS = frozenset("if although though while whereas because as when unless".split())


def in_side_clause(tok: Token) -> bool:
    """Whether a token sits in an adverbial clause opened by "if", "although", "because" ..."""
    node = tok
    for _ in range(8):
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _SIDE_MARKS for c in node.children
        ):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def after_what(tok: Token) -> bool:
    """ "what it calls a genocide", "what he called the cowardly act": a "what" just before."""
    doc = tok.doc
    return any(doc[i].lower_ == "what" for i in range(max(0, tok.i - 3), tok.i))

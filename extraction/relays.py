"""Relays added to attribution frames: who passed a speaker's words on. "X, cited by Y, said",
"X told Y", "in a statement carried by Y", "in comments reported by Y", "citing Y", "Y cites X
who say ...". Each rule reads the parse around a frame built by extraction/attribution.py."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from . import lexicon as lx
from .frames import Frame, reported_by_relay
from .syntax import (
    agent_of,
    children,
    document_author,
    is_document,
    subject,
    with_conjuncts,
)


def subject_relay(frame: Frame) -> None:
    # "Local officials, cited by the regional broadcaster, said ...", "Officials quoted by the
    # national news agency said ...": the participle on the speaker names who relays them.
    speakers = [h for h, joint in zip(frame.heads, frame.joint, strict=False) if not joint]
    if not speakers:
        return
    for c in speakers[0].children:
        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in lx.RELAY_PARTICIPLES:
            agent = agent_of(c)
            if agent is None:
                continue
            position = len(frame.heads)
            for k, head in enumerate(frame.heads):
                if head.i > agent.i and k > 0:
                    position = k
                    break
            relays = with_conjuncts(agent)
            frame.heads[position:position] = relays
            frame.joint[position:position] = [False] + [True] * (len(relays) - 1)
            return


def addressee_relay(verb: Token, frame: Frame) -> None:
    # "a police source told Kyodo ...": a news organisation told is a relay; "told
    # reporters" or "told the council" is an audience. Whether the addressee is a news
    # organisation is decided later against the registry (`claims._is_media`).
    if verb.lemma_.lower() != "tell":
        return
    for c in verb.children:
        if c.dep_ in ("dative", "dobj", "iobj") and c.pos_ in ("PROPN", "NOUN"):
            if c.lower_ in lx.NON_RELAY_ADDRESSEES:
                return
            frame.heads.append(c)
            frame.joint.append(False)
            frame.told_relay = True
            return


def statement_relay(verb: Token, frame: Frame) -> None:
    # "In a statement carried by AFP, the rebels said ...": AFP relays.
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "through", "via"):
            for obj in children(c, "pobj"):
                if is_document(obj):
                    _, relays = document_author(obj)
                    for r in relays:
                        frame.heads.append(r)
                        frame.joint.append(False)


def attach_relayed_words(frames: list[Frame], toks: Sequence[Token]) -> None:
    """ "The governor said ..., in comments reported by Interfax", "The army said, in a
    statement relayed by state television, that ...", "In remarks carried by TASS, the
    minister said ...": the agent relays the speaker's words."""
    by_anchor = {f.anchor: f for f in frames if not f.register_only}
    for tok in toks:
        if tok.dep_ != "prep" or tok.lower_ not in ("in", "through", "via"):
            continue
        for obj in children(tok, "pobj"):
            if not (is_document(obj) or obj.lemma_.lower() in lx.WORDS_NOUNS):
                continue
            agents = [
                agent
                for c in obj.children
                if c.dep_ == "acl" and c.lemma_.lower() in lx.RELAY_PARTICIPLES
                for agent in [agent_of(c)]
                if agent is not None
            ]
            if not agents:
                continue
            frame = by_anchor.get(tok.head.i)
            if frame is None:
                speech = reported_by_relay(tok, tok.right_edge.i)
                frame = by_anchor.get(speech.i) if speech is not None else None
            if frame is None:
                continue
            for agent in with_conjuncts(agents[0]):
                if all(h.i != agent.i for h in frame.heads):
                    frame.heads.append(agent)
                    frame.joint.append(False)


def _cited_speakers_relayed(cite: Token, cited: Token, frames: list[Frame]) -> None:
    """ "The report by Yonhap cites unnamed government sources who say the missiles were fired
    ...", "The agency cited witnesses as saying ...": what the cited speak, the citer relays."""
    subj = subject(cite)
    if not subj:
        return
    relay = subj[0]
    if is_document(relay):
        author, _ = document_author(relay)
        relay = author or relay
    for frame in frames:
        verb = cite.doc[frame.anchor]
        if frame.register_only or not frame.heads:
            continue
        speaker = frame.heads[0]
        if speaker.i != cited.i and not (
            speaker.lower_ in ("who", "that") and verb.head.i == cited.i
        ):
            continue
        if verb.head.i == cited.i or verb.head.i == cite.i:
            frame.heads.append(relay)
            frame.joint.append(False)
            frame.cue = f"{frame.cue}; {cite.text}"


def attach_citing(frames: list[Frame], toks: Sequence[Token]) -> None:
    # "The minister, citing intelligence reports, warned that ...": the cited source is the
    # origin and the speaker relays it. Also "The report, which cited unnamed diplomats,
    # said ...": the citing clause sits on the speaker.
    for tok in toks:
        if tok.lemma_.lower() != "cite" or tok.pos_ != "VERB":
            continue
        objs = children(tok, "dobj")
        if not objs:
            continue
        if tok.tag_ in ("VBZ", "VBD", "VBP") and tok.dep_ not in ("relcl", "acl"):
            _cited_speakers_relayed(tok, objs[0], frames)
            continue
        speech = reported_by_relay(tok, tok.right_edge.i) if tok.tag_ == "VBG" else None
        if speech is not None:
            target = speech.i
        elif tok.tag_ == "VBG" and tok.dep_ in ("advcl", "csubj"):
            target = tok.head.i
        elif tok.dep_ in ("relcl", "acl") and tok.head.dep_ in ("nsubj", "nsubjpass"):
            target = tok.head.head.i
        else:
            continue
        for frame in frames:
            if frame.anchor == target and not frame.register_only:
                cited = objs[0]
                if is_document(cited):
                    author, _ = document_author(cited)
                    cited = author or cited
                frame.heads.insert(0, cited)
                frame.joint.insert(0, False)
                if len(frame.joint) > 1:
                    frame.joint[1] = False
                frame.cue = f"citing; {frame.cue}"

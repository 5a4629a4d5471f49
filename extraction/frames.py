"""Attribution frames: one attribution expression in one sentence (its cue, the heads of its
sources in chain order, the token range it scopes over), and the helpers shared by the rules
that build them (extraction/attribution.py) and that add relays to them (extraction/relays.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from . import lexicon as lx
from .syntax import (
    children,
    subject,
)

CONTENT_DEPS = ("ccomp", "parataxis")


@dataclass
class Frame:
    anchor: int  # token index of the cue word
    cue: str
    heads: list[Token]  # source heads, origin first
    scope_lo: int
    scope_hi: int  # inclusive token range the frame governs
    joint: list[bool] = field(default_factory=list)  # per head: co-equal with the previous
    register_only: bool = False  # "estimates by the CIA cited by AFP": no content here
    embedded: bool = False  # inside a relative clause or a noun's modifier
    quote: bool = False  # "X quoted Y as saying": relcl content of Y stays in the chain
    weak: bool = False  # "a document seen by Reuters": used only when nothing else attributes
    outer_first: bool = False  # "according to X" wraps a verb frame with the same scope
    told_relay: bool = False  # "X told Y ...": the last head is the addressee, a relay if media

    def covers(self, i: int) -> bool:
        return self.scope_lo <= i <= self.scope_hi


def frame_scope(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def reported_by_relay(phrase: Token, last: int) -> Token | None:
    """The speech verb that a comma-set phrase (tokens `phrase.i` to `last`) stands beside,
    outside its content, if any: "Hamas said it accepted the proposal, according to Egyptian
    mediators", "The NIS told lawmakers, according to Yonhap, that 3,000 troops had arrived",
    "Yonhap reported, citing military sources, that ...", "..., in comments reported by
    Interfax". The parser tends to hang such a phrase on the reported verb; it is the speech
    verb's. Not "The minister said that, according to police, 40 died" (inside the content)
    nor "... said 40 died according to police" (no comma: the content's own)."""
    doc = phrase.doc
    if phrase.i == 0 or doc[phrase.i - 1].text != ",":
        return None
    after = last + 1
    final = after >= len(doc) or (doc[after].is_punct and doc[after].text not in (",", "-"))
    if not final and doc[after].text != ",":
        return None
    own = {t.i for t in phrase.subtree}
    node = phrase.head
    for _ in range(8):
        if node.lemma_.lower() in lx.SPEECH_VERBS and node.pos_ in ("VERB", "AUX"):
            if node.i > phrase.i or not subject(node):
                return None
            if final:
                return node
            # Parenthetical: nothing of the reported content may stand before it.
            content = {t.i for c in children(node, *CONTENT_DEPS) for t in c.subtree} - own
            if any(node.i < i < phrase.i and not doc[i].is_punct for i in content):
                return None
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None

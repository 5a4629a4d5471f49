"""From a parsed Doc to atomic claims: segments, chains, hedges, figures, dates.

One pass over the sentences in text order (the discourse memory needs that order), then two
short passes that move sources across sentence boundaries: quotes that run over several
sentences, and back-references ("The visit, as reported by state television, ...").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .attribution import find_frames, nests_in
from .dates import find_dates
from .frames import Frame
from .hedges import find_hedges
from .layout import (
    CREDIT,
    DATELINE,
    HEADLINE_HEDGES,
    OutletFilter,
    content_bounds,
    headline_source,
    is_line,
    is_title_case,
    quote_flags,
)
from .mentions import classify, mention_span
from .quantities import find_quantities
from .registry import Registry
from .sources import Discourse, Resolved, SourceRecord
from .syntax import in_side_clause
from .types import ClaimKind, ClaimResult, DateRef, Quantity, SourceKind, SourceRef

_MEDIA_KINDS = frozenset(
    {
        SourceKind.OUTLET,
        SourceKind.NEWS_AGENCY,
        SourceKind.STATE_MEDIA,
        SourceKind.MEDIA_REPORTS,
    }
)
_BELIEF_CUES = frozenset(
    "could might may likely believed believe expected anticipated suggests possibility".split()
)


@dataclass
class Link:
    mention: str
    record: SourceRecord
    cue: str
    start: int | None
    end: int | None
    inherited: bool = False
    joint: bool = False


@dataclass
class Segment:
    lo: int  # token range [lo, hi)
    hi: int
    boundary: str = ""  # what opened it: "", "cc", "mark", "semi", "relcl"
    chain: list[Link] = field(default_factory=list)
    attributed: bool = False
    hedges: list[tuple[str, int]] = field(default_factory=list)
    from_frame: Frame | None = None


@dataclass
class SentenceInfo:
    index: int
    span: Span
    start_char: int  # after a dateline, if any
    segments: list[Segment]
    paragraph: int
    starts_in_quote: bool
    speaker: list[Link] | None  # chain of the speech frame outside quotes, if the sentence quotes
    skip: bool = False
    line: bool = False


class ClaimBuilder:
    """Builds the claims of one document. Not thread-safe; one per document."""

    def __init__(
        self, doc: Doc, *, published: dt.date | None, outlet: str | None, registry: Registry
    ) -> None:
        self.doc = doc
        # One Token object per index, shared by the rules below: `doc[i]` builds a new one on
        # every call, and the rules read the same tokens many times over.
        self.toks = list(doc)
        # What `doc.text` returns; Doc.text joins every token each time it is read.
        self.text = "".join([t.text_with_ws for t in self.toks])
        self.published = published
        self.registry = registry
        self.outlet = OutletFilter(outlet, registry)
        self.discourse = Discourse(registry)
        self.quote = quote_flags(self.toks, self.text)

    # -- chains -------------------------------------------------------------------------
    def _resolve_frame(
        self, frame: Frame, index: int, local: list[SourceRecord], floor: int = 0
    ) -> tuple[list[Link], bool]:
        """The frame's own links (origin first) and whether its outermost link passes on the
        relays of a chained source it re-mentions."""
        links: list[Link] = []
        inherit = False
        is_tell = frame.told_relay
        cue = frame.cue
        for k, (head, joint) in enumerate(zip(frame.heads, frame.joint, strict=False)):
            if is_tell and k == len(frame.heads) - 1:
                # Only a news organisation told is a relay ("told Yonhap"); the publisher is
                # dropped later like any other mention of it.
                span = mention_span(head)
                kind, _, _ = classify(span, self.registry)
                if kind not in _MEDIA_KINDS and not self.outlet.is_publisher(span.text):
                    continue
            resolved: Resolved | None = self.discourse.resolve(
                head, index, local, frame.anchor, floor
            )
            if resolved is None:
                continue
            local.append(resolved.record)
            links.append(
                Link(
                    resolved.mention, resolved.record, cue, resolved.start, resolved.end,
                    joint=joint and bool(links),
                )
            )  # fmt: skip
            inherit = resolved.inherit
        return links, inherit

    def _sentence_chains(
        self, frames: list[Frame], index: int, floor: int = 0
    ) -> dict[int, list[Link]]:
        """Full chain of every frame (by anchor), nesting applied, origin first."""
        local: list[SourceRecord] = []
        own: dict[int, tuple[list[Link], bool]] = {}
        order = sorted(frames, key=lambda f: min((h.i for h in f.heads), default=f.anchor))
        for frame in order:
            own[frame.anchor] = self._resolve_frame(frame, index, local, floor)
        parents = {f.anchor: self._parent(f, frames, self.doc) for f in frames}
        full: dict[int, list[Link]] = {}

        def chain_of(frame: Frame, depth: int = 0) -> list[Link]:
            if frame.anchor in full:
                return full[frame.anchor]
            links, inherit = own[frame.anchor]
            parent = parents[frame.anchor]
            chain = list(links)
            if parent is not None and depth < 5:
                chain += chain_of(parent, depth + 1)
            elif inherit and links:
                present = {id(link.record) for link in chain}
                for relay in links[-1].record.relays:
                    if id(relay) not in present:
                        chain.append(
                            Link(relay.mention, relay, "(inherited)", None, None, inherited=True)
                        )
            # "The paper says it has learned from sources that ...": paper -> paper twice.
            deduped: list[Link] = []
            for link in chain:
                if deduped and deduped[-1].record is link.record:
                    continue
                deduped.append(link)
            full[frame.anchor] = deduped
            return deduped

        for frame in frames:
            chain_of(frame)
        return full

    @staticmethod
    def _parent(frame: Frame, frames: list[Frame], doc: Doc) -> Frame | None:
        best: Frame | None = None
        for other in frames:
            if other is frame or other.register_only or not other.covers(frame.anchor):
                continue
            if not nests_in(frame, other, doc):
                continue
            if frame.embedded and not other.embedded and not other.quote:
                # "X said he rejects the view of an envoy, who said ...": the relative clause
                # starts a separate attribution, X does not relay the envoy.
                continue
            same = (other.scope_lo, other.scope_hi) == (frame.scope_lo, frame.scope_hi)
            # Of two frames over the same words, the outer one is the "according to" one, or
            # the verb whose clausal complement the other's verb is ("..., an official said,
            # Reuters reported": said <- reported).
            inside = (
                doc[frame.anchor].head.i == other.anchor
                and doc[frame.anchor].dep_ == "ccomp"
                and not frame.outer_first
            )
            if same and not (other.outer_first and not frame.outer_first) and not inside:
                continue
            if not same and not (
                other.scope_lo <= frame.scope_lo and frame.scope_hi <= other.scope_hi
            ):
                # partially overlapping scopes: the anchor is covered but not the content
                if not other.covers(frame.anchor):
                    continue
            if best is None or (other.scope_hi - other.scope_lo) < (best.scope_hi - best.scope_lo):
                best = other
        return best

    # -- segments -----------------------------------------------------------------------
    def _segments(self, sent: Span, lo: int, hi: int, frames: list[Frame]) -> list[Segment]:
        toks = self.toks
        bounds: list[tuple[int, str]] = []
        anchors = {f.anchor for f in frames if not f.register_only}
        for tok in toks[lo + 2 : hi - 2]:
            if tok.lower_ not in _BOUNDARY_WORDS:
                continue
            if tok.text == ";":
                bounds.append((tok.i + 1, "semi"))
            elif tok.lower_ in ("and", "but", "yet") and tok.dep_ in ("cc", "ROOT"):
                if self._starts_clause(tok, lo, hi):
                    bounds.append((tok.i, "cc"))
            elif (
                tok.lower_ in ("although", "though", "whereas", "while")
                and tok.dep_ == "mark"
                and toks[tok.i - 1].is_punct
            ):
                bounds.append((tok.i, "mark"))
            elif (
                tok.tag_ in ("WP", "WDT")
                and tok.dep_ in ("nsubj",)
                and tok.head.i in anchors
                and toks[tok.i - 1].text == ","
            ):
                bounds.append((tok.i, "relcl"))
        bounds.sort()
        segs: list[Segment] = []
        start = lo
        kind = ""
        for b, k in bounds:
            if b <= start:
                continue
            segs.append(Segment(start, b, kind))
            start, kind = b, k
        segs.append(Segment(start, hi, kind))
        return segs

    def _starts_clause(self, cc: Token, lo: int, hi: int) -> bool:
        """Whether a coordinator opens a clause: "..., but rebel leaders say ...",
        "... and troops will withdraw ...", "... and accused her of ...".

        Not: "burning 20 homes and looting shops" (participles), "men and boys were ..." (a
        coordinated subject with no finite verb before it).
        """
        toks = self.toks
        finite = ("VBD", "VBZ", "VBP", "MD")
        if not any(t.tag_ in finite for t in toks[lo : cc.i]):
            return False
        head = cc.head
        for sib in head.children:
            if sib.dep_ == "conj" and sib.i > cc.i and sib.pos_ in ("VERB", "AUX"):
                if head.pos_ in ("VERB", "AUX") and (
                    sib.tag_ in finite or any(c.dep_ in ("aux", "auxpass") for c in sib.children)
                ):
                    return True
        seen_nominal = False
        for tok in toks[cc.i + 1 : min(hi, cc.i + 8)]:
            if tok.pos_ in ("DET", "ADJ", "NOUN", "PROPN", "PRON", "NUM") or tok.dep_ == "compound":
                seen_nominal = True
                continue
            if tok.tag_ in finite and seen_nominal and tok.dep_ not in ("acl", "amod", "relcl"):
                # "men and boys were ...": the verb's subject starts before the
                # coordinator, so this coordinates nouns, not clauses.
                verb = tok if tok.tag_ != "MD" else tok.head
                return not any(
                    c.dep_ in ("nsubj", "nsubjpass") and c.i < cc.i for c in verb.children
                )
            break
        return False

    @staticmethod
    def _segment_head(seg: Segment, toks: list[Token]) -> Token:
        for tok in toks[seg.lo : seg.hi]:
            if tok.head.i < seg.lo or tok.head.i >= seg.hi or tok.head.i == tok.i:
                if tok.pos_ in ("VERB", "AUX"):
                    return tok
        for tok in toks[seg.lo : seg.hi]:
            if tok.pos_ in ("VERB", "AUX"):
                return tok
        return toks[seg.lo]

    def _assign(self, seg: Segment, frames: list[Frame], chains: dict[int, list[Link]]) -> None:
        # A frame whose speaker did not resolve ("We believe ..." inside a quote) attributes
        # nothing; the quote's speaker is found across sentences instead.
        live = [f for f in frames if not f.register_only and chains.get(f.anchor)]
        anchored = [f for f in live if seg.lo <= f.anchor < seg.hi]
        strong = [f for f in anchored if not f.weak]
        anchored = strong or anchored
        # "X said the vote was fair, even if the Kremlin has promised to ...": a report inside
        # a side clause of the content is not where the claim comes from.
        main = [f for f in anchored if not in_side_clause(self.toks[f.anchor])]
        anchored = main or anchored
        chosen: Frame | None = None
        if anchored:
            chosen = max(anchored, key=lambda f: (len(chains.get(f.anchor, [])), -f.anchor))
        else:
            head = self._segment_head(seg, self.toks)
            covering = [f for f in live if f.covers(head.i)]
            if covering:
                chosen = min(covering, key=lambda f: f.scope_hi - f.scope_lo)
        if chosen is not None:
            seg.chain = list(chains.get(chosen.anchor, []))
            seg.attributed = True
            seg.from_frame = chosen

    # -- main ---------------------------------------------------------------------------
    def build(self) -> tuple[ClaimResult, ...]:
        doc, toks = self.doc, self.toks
        dates = find_dates(self.text, self.published)
        # A date's digits are no figure ("November 7"), but a count of days or weeks back is
        # one by the annotation rules ("one week ago": 1).
        spans = [(d.start, d.end) for d in dates if not d.text.endswith("ago")]
        quantities = list(find_quantities(doc, spans))
        infos: list[SentenceInfo] = []
        paragraph = 0
        prev_end_char = 0
        for index, sent in enumerate(doc.sents):
            lo, hi = content_bounds(sent)
            if lo >= hi or not any(t.is_alpha or t.like_num for t in toks[lo:hi]):
                # A stray closing quote split off by the parser is no sentence.
                continue
            # A new paragraph (or line) starts when a line break separates the sentences.
            if "\n" in self.text[prev_end_char : toks[lo].idx]:
                paragraph += 1
            prev_end_char = toks[hi - 1].idx + len(toks[hi - 1])
            info = self._sentence(index, sent, paragraph)
            if info is not None:
                infos.append(info)
        self._quote_continuations(infos)
        self._back_references(infos)
        return tuple(self._claims(infos, quantities, dates))

    def _sentence(self, index: int, sent: Span, paragraph: int) -> SentenceInfo | None:
        doc, toks = self.doc, self.toks
        lo, hi = content_bounds(sent)
        if lo >= hi:
            return None
        text = self._span_text(lo, hi)
        start_char = toks[lo].idx
        m = DATELINE.match(text)
        if m:
            start_char += m.end()
            while lo < hi and toks[lo].idx < start_char:
                lo += 1
            if lo >= hi:
                return None
            start_char = toks[lo].idx
        line = is_line(sent)
        info = SentenceInfo(
            index=index, span=sent, start_char=start_char, segments=[], paragraph=paragraph,
            starts_in_quote=self.quote[lo], speaker=None, line=line,
        )  # fmt: skip
        if CREDIT.search(text):
            info.skip = True
            return info
        if line and all(t.is_punct or t.like_num or t.ent_type_ == "DATE" for t in toks[lo:hi]):
            info.skip = True  # a dateline such as "Monday, March 3, 2025"
            return info
        if line and (is_title_case(text) or hi - lo < 6):
            info.segments = [self._headline_segment(sent, lo, hi, index)]
            return info
        # A line in sentence case is a sentence that lost its full stop ("Xinhua says the
        # monks were among the rioters"): read as one.
        frames = [f for f in find_frames(doc[lo:hi], toks[lo:hi]) if f.heads]
        chains = self._sentence_chains(frames, index, lo)
        self.discourse.register_documents(self.toks[lo:hi], index)
        for frame in frames:
            if frame.register_only:
                links = chains.get(frame.anchor, [])
                self._remember(links)
        hedges = find_hedges(doc[lo:hi], toks[lo:hi])
        segs = self._segments(sent, lo, hi, frames)
        for seg in segs:
            self._assign(seg, frames, chains)
            seg.hedges = [h for h in hedges if seg.lo <= h[1] < seg.hi]
            self._hedges_from_sources(seg)
        info.segments = self._merge(segs)
        for seg in info.segments:
            self._remember(seg.chain)
        # The speaker of a quotation, for quotes that run on into the next sentences.
        if any(self.quote[lo:hi]):
            outside = [f for f in frames if not f.register_only and not self.quote[f.anchor]]
            if outside:
                # The outermost speech frame: in '"Russia has indicated X," Dunford told
                # reporters' the next quoted sentences are Dunford's, not Russia's.
                speaker = max(outside, key=lambda f: f.scope_hi - f.scope_lo)
                info.speaker = list(chains.get(speaker.anchor, []))
        return info

    def _hedges_from_sources(self, seg: Segment) -> None:
        # "According to unverified reports, ...": the source mention itself hedges the
        # content (the annotation rules' hedge "unconfirmed").
        for link in seg.chain:
            if link.record.kind is SourceKind.UNCONFIRMED_REPORTS and link.start is not None:
                for word in ("unconfirmed", "unverified"):
                    if word in link.mention.lower() and not any(
                        h[0].lower() == word for h in seg.hedges
                    ):
                        seg.hedges.append((word, -1))

    def _merge(self, segs: list[Segment]) -> list[Segment]:
        """Join neighbouring clause segments that share source and hedge status (§2)."""
        out: list[Segment] = []
        for seg in segs:
            if out:
                prev = out[-1]
                same_chain = [id(link.record) for link in prev.chain] == [
                    id(link.record) for link in seg.chain
                ]
                same_hedge = bool(prev.hedges) == bool(seg.hedges)
                if same_chain and (same_hedge or seg.boundary == "relcl"):
                    prev.hi = seg.hi
                    prev.hedges += seg.hedges
                    prev.attributed = prev.attributed or seg.attributed
                    continue
            out.append(seg)
        return out

    def _remember(self, chain: list[Link]) -> None:
        """Record, for every source in a chain, the relays it came through (rule 3.4)."""
        for k, link in enumerate(chain):
            relays = tuple(x.record for x in chain[k + 1 :] if not x.joint)
            if relays or not link.record.relays:
                link.record.relays = relays

    def _headline_segment(self, sent: Span, lo: int, hi: int, index: int) -> Segment:
        seg = Segment(lo, hi)
        text = self._span_text(lo, hi)
        source = headline_source(text)
        if source is not None:
            at, name, cue = source
            start = self.toks[lo].idx + at
            span = self.doc.char_span(start, start + len(name), alignment_mode="expand")
            if span is not None:
                resolved = self.discourse.resolve_span(span, index)
                if not resolved.inherit:
                    # A source first named in a headline ("Troops Arrive, Spy Agency Says") is
                    # named again in full in the story; it is no antecedent for "the agency".
                    self.discourse.forget(resolved.record)
                seg.chain = [
                    Link(resolved.mention, resolved.record, cue, span.start_char, span.end_char)
                ]
                seg.attributed = True
        seg.hedges = [(t.text, t.i) for t in self.toks[lo:hi] if t.lower_ in HEADLINE_HEDGES]
        return seg

    def _span_text(self, lo: int, hi: int) -> str:
        """`doc[lo:hi].text` for a non-empty range, without building the tokens again."""
        last = self.toks[hi - 1]
        return self.text[self.toks[lo].idx : last.idx + len(last)]

    # -- cross-sentence passes ----------------------------------------------------------
    def _quote_continuations(self, infos: list[SentenceInfo]) -> None:
        """Quotes over several sentences keep their speaker (the annotation rules on spans):
        '"A. B," he said.' gives A to him; '"A," X said. "B."' gives B to X."""
        for k, info in enumerate(infos):
            if info.skip or info.line or not info.starts_in_quote:
                continue
            if any(seg.attributed for seg in info.segments):
                continue
            speaker: list[Link] | None = None
            # forward: the sentence that closes the quote names the speaker
            for nxt in infos[k + 1 : k + 6]:
                if nxt.paragraph != info.paragraph:
                    break
                if nxt.speaker is not None:
                    speaker = nxt.speaker
                    break
                if not nxt.starts_in_quote:
                    break
            if speaker is None and k > 0:
                prev = infos[k - 1]
                if prev.paragraph == info.paragraph and prev.speaker is not None:
                    speaker = prev.speaker
                elif prev.paragraph == info.paragraph and prev.starts_in_quote:
                    inherited = [s for s in prev.segments if s.attributed and s.boundary == "quote"]
                    if inherited:
                        speaker = inherited[0].chain
            if speaker is None:
                continue
            for seg in info.segments:
                seg.chain = list(speaker)
                seg.attributed = True
                seg.boundary = "quote"

    def _back_references(self, infos: list[SentenceInfo]) -> None:
        """ "X happened. That visit, as reported by state television, ..." attributes X too."""
        for k in range(1, len(infos)):
            info, prev = infos[k], infos[k - 1]
            if info.skip or prev.skip or prev.line or not info.segments:
                continue
            first = self.doc[info.span.start]
            while first.is_space and first.i + 1 < len(self.doc):
                first = self.doc[first.i + 1]
            if first.lower_ not in ("this", "that", "these", "those") or first.dep_ != "det":
                continue
            if first.head.dep_ not in ("nsubj", "nsubjpass"):
                continue
            seg = info.segments[0]
            if not seg.attributed or seg.from_frame is None or not seg.from_frame.outer_first:
                continue
            if any(s.attributed for s in prev.segments):
                continue
            for ps in prev.segments:
                ps.chain = [
                    Link(x.mention, x.record, f"{x.cue} (back-reference)", None, None,
                         inherited=True, joint=x.joint)
                    for x in seg.chain
                ]  # fmt: skip
                ps.attributed = True

    # -- output -------------------------------------------------------------------------
    def _claims(
        self, infos: list[SentenceInfo], quantities: list[Quantity], dates: list[DateRef]
    ) -> list[ClaimResult]:
        toks = self.toks
        out: list[ClaimResult] = []
        for info in infos:
            if info.skip:
                continue
            sent_lo, sent_hi = content_bounds(info.span)
            sentence_text = self.text[
                info.start_char : toks[sent_hi - 1].idx + len(toks[sent_hi - 1])
            ]
            for seg in info.segments:
                start = max(toks[seg.lo].idx, info.start_char)
                last = seg.hi - 1
                while last > seg.lo and toks[last].is_space:
                    last -= 1
                end = toks[last].idx + len(toks[last].text)
                qs = tuple(q for q in quantities if start <= q.start < end)
                ds = tuple(d for d in dates if start <= d.start < end)
                counted = [q for q in qs if q.qualifier != "vague"]
                if not (seg.attributed or seg.hedges or counted):
                    continue
                sources = tuple(
                    self._source_ref(link) for link in seg.chain
                    if not self.outlet.is_publisher(link.mention)
                )  # fmt: skip
                hedge_cues = tuple(
                    dict.fromkeys(h[0] for h in sorted(seg.hedges, key=lambda h: h[1]))
                )
                out.append(
                    ClaimResult(
                        text=self.text[start:end],
                        start=start,
                        end=end,
                        sentence=sentence_text,
                        sentence_index=info.index,
                        kind=_kind(bool(sources), hedge_cues, bool(counted)),
                        sources=sources,
                        cue="; ".join(dict.fromkeys(link.cue for link in seg.chain)),
                        hedged=bool(hedge_cues),
                        hedge_cues=hedge_cues,
                        quantities=qs,
                        dates=ds,
                    )
                )
        return out

    def _source_ref(self, link: Link) -> SourceRef:
        rec = link.record
        return SourceRef(
            mention=link.mention,
            name=rec.name,
            kind=rec.kind,
            cue=link.cue,
            start=link.start,
            end=link.end,
            country=rec.country,
            inherited=link.inherited,
            joint=link.joint,
        )


# Words that can open a clause segment: ";", coordinators, contrast marks, relative pronouns.
_BOUNDARY_WORDS = frozenset("; and but yet although though whereas while who which that".split())


def _kind(sourced: bool, hedge_cues: tuple[str, ...], figure: bool) -> ClaimKind:
    if figure:
        return ClaimKind.FIGURE
    if hedge_cues and (not sourced or any(c.lower() in _BELIEF_CUES for c in hedge_cues)):
        return ClaimKind.ASSESSMENT
    if sourced:
        return ClaimKind.STATEMENT
    return ClaimKind.EVENT

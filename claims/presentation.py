"""Pure helpers that shape claims for the pages: text highlights and the chain picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class _Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=_Span)


@dataclass(frozen=True)
class Segment(Generic[S]):
    text: str
    item: S | None


def highlight_segments(text: str, spans: Sequence[S]) -> list[Segment[S]]:
    """Cut `text` into plain and highlighted segments, one per span.

    Spans are taken in order of their start; a span that overlaps one already taken is left out
    rather than nested (claims of one sentence are disjoint clauses, so this only drops
    corrupted offsets, never a claim the extractor meant).
    """
    segments: list[Segment[S]] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.start < pos or span.end > len(text) or span.start >= span.end:
            continue
        if span.start > pos:
            segments.append(Segment(text[pos : span.start], None))
        segments.append(Segment(text[span.start : span.end], span))
        pos = span.end
    if pos < len(text):
        segments.append(Segment(text[pos:], None))
    return segments


@dataclass(frozen=True)
class ChainNode:
    x: int
    label: str
    title: str
    reliability: str
    kind: str
    role: str  # "origin", "relay" or "outlet"
    url: str


@dataclass(frozen=True)
class ChainPicture:
    nodes: tuple[ChainNode, ...]
    arrows: tuple[tuple[int, int], ...]  # (x1, x2) of each arrow, on the middle line
    width: int
    height: int = 96
    node_width: int = 190
    gap: int = 46


def chain_picture(
    links: Sequence[tuple[str, str, str, str, str]], *, max_label: int = 26
) -> ChainPicture:
    """Lay out a chain (origin first) as boxes left to right with arrows between.

    `links` are (label, full title, reliability, kind, url) from origin to the outlet.
    """
    node_width, gap = 190, 46
    nodes = []
    for i, (label, title, reliability, kind, url) in enumerate(links):
        short = label if len(label) <= max_label else label[: max_label - 1] + "…"
        role = (
            "origin"
            if i == 0
            else ("outlet" if kind == "outlet" and i == len(links) - 1 else "relay")
        )
        nodes.append(
            ChainNode(
                x=8 + i * (node_width + gap),
                label=short,
                title=title,
                reliability=reliability,
                kind=kind.replace("_", " "),
                role=role,
                url=url,
            )
        )
    arrows = tuple((n.x + node_width, n.x + node_width + gap) for n in nodes[:-1])
    width = 16 + len(nodes) * node_width + max(0, len(nodes) - 1) * gap
    return ChainPicture(nodes=tuple(nodes), arrows=arrows, width=max(width, 200))

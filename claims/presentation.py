"""Pure helpers that shape claims for the pages: text highlights and the chain picture."""

from __future__ import annotations

import math
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
    width: int
    lines: tuple[str, ...]  # the label, wrapped (at most LABEL_LINES lines)
    title: str
    reliability: str
    caption: str  # "origin · intelligence", "relay · news agency", "outlet"
    url: str

    @property
    def label(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class ChainPicture:
    nodes: tuple[ChainNode, ...]
    arrows: tuple[tuple[int, int], ...]  # (x1, x2) of each arrow, on the middle line
    width: int
    height: int
    box_height: int

    @property
    def middle(self) -> int:
        return 8 + self.box_height // 2


# Box sizes from the text they hold, at the widest a browser draws it: the label at 15px
# semibold (DejaVu Sans, the widest common fallback, averages about 10px a character there)
# and the caption at 11px upper case with letter spacing (under 9px).
LABEL_CHAR_PX = 10.5
CAPTION_CHAR_PX = 9.0
LABEL_LINE_CHARS = 24
LABEL_LINES = 2
BOX_PADDING = 12
MIN_BOX_WIDTH = 140
GAP = 46


def wrap_label(
    label: str, *, width: int = LABEL_LINE_CHARS, lines: int = LABEL_LINES
) -> tuple[str, ...]:
    """The label in at most `lines` lines of at most `width` characters, broken between words
    (a word longer than a line is cut), the last line ending in "…" if the label goes on."""
    out: list[str] = []
    words = label.split()
    while words and len(out) < lines:
        line = words.pop(0)
        if len(line) > width:
            words.insert(0, line[width - 1 :])
            line = line[: width - 1] + "-"
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        last = out[-1]
        out[-1] = (last if len(last) < width else last[: width - 1]) + "…"
    return tuple(out) or ("",)


def chain_picture(links: Sequence[tuple[str, str, str, str, str]]) -> ChainPicture:
    """Lay out a chain (origin first) as boxes left to right with arrows between, each box as
    wide as its text.

    `links` are (label, full title, reliability, kind, url) from origin to the outlet.
    """
    nodes = []
    x = 8
    for i, (label, title, reliability, kind, url) in enumerate(links):
        role = (
            "origin"
            if i == 0
            else ("outlet" if kind == "outlet" and i == len(links) - 1 else "relay")
        )
        kind_words = kind.replace("_", " ")
        caption = role if kind_words == role else f"{role} · {kind_words}"
        lines = wrap_label(label)
        text_px = max(
            max(len(line) for line in lines) * LABEL_CHAR_PX,
            len(caption) * CAPTION_CHAR_PX,
            len(f"reliability {reliability}") * LABEL_CHAR_PX * 0.8,
        )
        width = max(MIN_BOX_WIDTH, math.ceil(text_px) + 2 * BOX_PADDING)
        nodes.append(
            ChainNode(
                x=x,
                width=width,
                lines=lines,
                title=title,
                reliability=reliability,
                caption=caption,
                url=url,
            )
        )
        x += width + GAP
    arrows = tuple((n.x + n.width, n.x + n.width + GAP) for n in nodes[:-1])
    box_height = 80 if all(len(n.lines) == 1 for n in nodes) else 100
    width = x - GAP + 8 if nodes else 200
    return ChainPicture(
        nodes=tuple(nodes),
        arrows=arrows,
        width=max(width, 200),
        height=box_height + 16,
        box_height=box_height,
    )

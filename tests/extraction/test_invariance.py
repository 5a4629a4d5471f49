"""The same paragraph gives the same claims and chains whatever surrounds it: whitespace, line
breaks, its place in the article, curly or straight quotes (each line is parsed on its own)."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction import Extractor
from extraction.pipeline import line_pieces

PUBLISHED = dt.date(2025, 3, 14)

PARAGRAPH = (
    "South Korea's National Intelligence Service told lawmakers, according to Yonhap, that "
    '3,000 troops had arrived. "We expect about 5,000 more by December," the spy agency said.'
)
OTHER = "The foreign ministry in Beijing said on Friday that talks with Tokyo would resume."


def claims_of(extractor: Extractor, text: str, paragraph: str = PARAGRAPH) -> list[tuple]:  # type: ignore[type-arg]
    """The paragraph's claims with their offsets made relative to where it stands."""
    at = (
        text.index(paragraph.replace("'", "\u2019"))
        if paragraph not in text
        else text.index(paragraph)
    )
    out = []
    for c in extractor.extract(text, published=PUBLISHED).claims:
        if at <= c.start < at + len(paragraph):
            out.append(
                (
                    c.start - at,
                    c.end - at,
                    tuple(s.name for s in c.sources),
                    c.hedged,
                    tuple(q.value for q in c.quantities),
                    tuple(d.value for d in c.dates),
                )
            )
    return out


@pytest.mark.parametrize(
    "wrap",
    [
        lambda p: p + "\n",
        lambda p: "\n\n" + p,
        lambda p: "   " + p + "   \n\n\n",
        lambda p: "\t" + p + "\r\n",
        lambda p: OTHER + "\n\n" + p,
        lambda p: OTHER + "\n" + p + "\n\n" + OTHER,
        lambda p: p + "\n\n" + OTHER,
        lambda p: "Troops Arrive, Spy Agency Says\n\n" + p + "\n",
    ],
    ids=["nl", "lead-nl", "spaces", "tab-crlf", "after", "between", "before", "headline"],
)
def test_a_paragraph_gives_the_same_claims_wherever_it_stands(extractor: Extractor, wrap) -> None:  # type: ignore[no-untyped-def]
    alone = claims_of(extractor, PARAGRAPH)
    assert [c[2] for c in alone] == [
        ("National Intelligence Service", "Yonhap News Agency"),
        ("National Intelligence Service", "Yonhap News Agency"),
    ]
    assert claims_of(extractor, wrap(PARAGRAPH)) == alone


def test_curly_and_straight_quotes_give_the_same_claims(extractor: Extractor) -> None:
    curly = (
        PARAGRAPH.replace("'", "\u2019")
        .replace('"We', "\u201cWe")
        .replace('December,"', "December,\u201d")
    )
    assert curly != PARAGRAPH
    assert claims_of(extractor, curly, curly) == claims_of(extractor, PARAGRAPH)
    # ... and the claims keep the text as written.
    texts = [c.text for c in extractor.extract(curly, published=PUBLISHED).claims]
    assert all(t in curly for t in texts)
    assert any("\u2019" in t for t in texts)


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n", "One line", "a\n\nb\n", "  x  \r\n  y  ", "\u2028z\u2029"]
)
def test_line_pieces_cover_the_text_exactly_and_lines_have_no_outer_whitespace(text: str) -> None:
    pieces = line_pieces(text)
    assert "".join(text[lo:hi] for lo, hi, _ in pieces) == text
    assert all(lo < hi for lo, hi, _ in pieces)
    for lo, hi, line in pieces:
        if line:
            assert text[lo:hi] == text[lo:hi].strip()
            assert "\n" not in text[lo:hi]
        else:
            assert text[lo:hi].strip() == ""


def test_whitespace_only_and_empty_texts_give_no_claims(extractor: Extractor) -> None:
    assert extractor.extract("").claims == ()
    assert extractor.extract(" \n\n \t").claims == ()

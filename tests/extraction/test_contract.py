from __future__ import annotations

import datetime as dt
import json

from extraction import result_to_contract
from extraction.types import (
    ClaimKind,
    ClaimResult,
    DateRef,
    ExtractionResult,
    Quantity,
    SourceKind,
    SourceRef,
)


def make_result() -> ExtractionResult:
    claim = ClaimResult(
        text="about 5,000 troops are expected to arrive",
        start=10,
        end=51,
        sentence="Reports say about 5,000 troops are expected to arrive.",
        sentence_index=0,
        kind=ClaimKind.FIGURE,
        sources=(
            SourceRef("officials", "officials", SourceKind.UNNAMED),
            SourceRef("Yonhap", "Yonhap News Agency", SourceKind.NEWS_AGENCY, inherited=True),
        ),
        cue="said; cited by",
        hedged=True,
        hedge_cues=("expected to",),
        quantities=(
            Quantity(5000.0, "about 5,000", "troops", 10, 21, approximate=True, qualifier="about"),
            Quantity(3000.0, "3,000 to 5,000", "people", 30, 44, low=3000.0, high=5000.0),
        ),
        dates=(DateRef("November 7", 0, 10, dt.date(2024, 11, 7)), DateRef("Friday", 0, 6)),
    )
    return ExtractionResult(version="1.0.0", model="en_core_web_sm-3.8.0", claims=(claim,))


def test_the_contract_has_exactly_the_documented_shape() -> None:
    out = result_to_contract(make_result(), path="a.txt")
    assert set(out) == {"path", "extractor", "claims"}
    assert out["extractor"] == {"version": "1.0.0", "model": "en_core_web_sm-3.8.0"}
    (claim,) = out["claims"]
    assert set(claim) == {"text", "start", "end", "sentence", "kind", "sources", "cue",
                          "hedged", "hedge_cues", "quantities", "dates"}  # fmt: skip
    assert claim["sources"] == [
        {"mention": "officials", "name": "officials", "kind": "unnamed"},
        {"mention": "Yonhap", "name": "Yonhap News Agency", "kind": "news_agency"},
    ]


def test_quantities_carry_bounds_and_qualifier_only_when_set() -> None:
    claim = result_to_contract(make_result(), path="a.txt")["claims"][0]
    assert claim["quantities"] == [
        {"value": 5000, "text": "about 5,000", "unit": "troops", "approximate": True,
         "qualifier": "about"},
        {"value": 3000, "text": "3,000 to 5,000", "unit": "people", "approximate": False,
         "low": 3000, "high": 5000},
    ]  # fmt: skip


def test_dates_are_iso_strings_or_null() -> None:
    claim = result_to_contract(make_result(), path="a.txt")["claims"][0]
    assert claim["dates"] == [
        {"text": "November 7", "value": "2024-11-07"},
        {"text": "Friday", "value": None},
    ]


def test_the_contract_is_plain_json() -> None:
    out = result_to_contract(make_result(), path="a.txt")
    assert json.loads(json.dumps(out)) == out

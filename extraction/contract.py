"""Contract 1 of ARCHITECTURE.md: the extractor's JSON output for one article."""

from __future__ import annotations

from typing import Any

from .types import ClaimResult, ExtractionResult, Quantity


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def quantity_to_contract(q: Quantity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": _number(q.value),
        "text": q.text,
        "unit": q.unit,
        "approximate": q.approximate,
    }
    if q.low is not None:
        out["low"] = _number(q.low)
    if q.high is not None:
        out["high"] = _number(q.high)
    if q.qualifier is not None:
        out["qualifier"] = q.qualifier
    return out


def claim_to_contract(c: ClaimResult) -> dict[str, Any]:
    return {
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "sentence": c.sentence,
        "kind": c.kind.value,
        "sources": [
            {"mention": s.mention, "name": s.name, "kind": s.kind.value} for s in c.sources
        ],
        "cue": c.cue,
        "hedged": c.hedged,
        "hedge_cues": list(c.hedge_cues),
        "quantities": [quantity_to_contract(q) for q in c.quantities],
        "dates": [
            {"text": d.text, "value": d.value.isoformat() if d.value is not None else None}
            for d in c.dates
        ],
    }


def result_to_contract(result: ExtractionResult, path: str) -> dict[str, Any]:
    """One JSON Lines object of `manage.py extract` for the article at `path`."""
    return {
        "path": path,
        "extractor": {"version": result.version, "model": result.model},
        "claims": [claim_to_contract(c) for c in result.claims],
    }

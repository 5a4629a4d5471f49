"""Bench-only endpoints, routed only by bench.support.urls (never in production).

`claims_bare` answers the first page of `GET /api/v1/claims` (or of `?source=<id>`; default
ordering, the same rows and
fields: chain, figures, dates and the stored weakest link and corroboration) from `.values()`
and orjson, with no
DRF, serializers or model instances. bench/bench_api.py uses it as the floor the real endpoint
is compared against: what is left once the framework's per-row costs are gone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from claims.models import Attribution, Claim, ClaimDate, Figure
from sources.models import Source

PAGE = 50
_FIELDS = (
    "id",
    "text",
    "kind",
    "cue",
    "hedged",
    "hedge_cues",
    "credibility",
    "credibility_override",
    "verification_status",
    "weakest_reliability",
    "corroboration",
    "independent_origins",
    "article_id",
    "article__title",
    "article__url",
    "article__published_at",
    "article__outlet_id",
)


def claims_bare(request: HttpRequest) -> HttpResponse:
    newest = Claim.objects.order_by("-published_sort", "-id")
    if request.GET.get("source"):
        # The first page of `?source=<id>`: that source's ClaimSource entries, newest first,
        # joined as the real endpoint joins them (bench/bench_api.py's floor for source lists,
        # whose claims are spread over the table where the default page's are side by side).
        # The page's ids first, then its rows, as the real endpoint does: one query joining the
        # articles too let PostgreSQL walk every claim for some sources (290 ms).
        source = int(request.GET["source"])
        page = list(
            newest.filter(
                source_entries__source_id=source,
                source_entries__published_sort=F("published_sort"),
            ).values_list("id", flat=True)[:PAGE]
        )
        found = {c["id"]: c for c in Claim.objects.filter(pk__in=page).values(*_FIELDS)}
        claims = [found[i] for i in page if i in found]
    else:
        claims = list(newest.values(*_FIELDS)[:PAGE])
    ids = [c["id"] for c in claims]
    chains: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in (
        Attribution.objects.filter(claim_id__in=ids)
        .order_by("claim_id", "position")
        .values(
            "claim_id",
            "position",
            "mention",
            "cue",
            "source_id",
        )
    ):
        chains[a["claim_id"]].append(a)
    # Sources by id, as the real endpoint reads them (joined, PostgreSQL hashed the whole table).
    source_ids = {a["source_id"] for chain in chains.values() for a in chain} | {
        c["article__outlet_id"] for c in claims if c["article__outlet_id"] is not None
    }
    sources = {
        s["id"]: s
        for s in Source.objects.filter(pk__in=source_ids).values(
            "id", "name", "kind", "reliability"
        )
    }
    figures: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in (
        Figure.objects.filter(claim_id__in=ids)
        .order_by("claim_id", "start")
        .values(
            "claim_id",
            "id",
            "value",
            "low",
            "high",
            "unit",
            "text",
            "approximate",
            "qualifier",
            "status",
        )
    ):
        figures[f.pop("claim_id")].append(f)
    dates: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in (
        ClaimDate.objects.filter(claim_id__in=ids)
        .order_by("claim_id", "start")
        .values("claim_id", "text", "value")
    ):
        dates[d.pop("claim_id")].append(d)
    results = []
    for c in claims:
        chain = chains.get(c["id"], [])
        results.append(
            {
                "id": c["id"],
                "text": c["text"],
                "kind": c["kind"],
                "cue": c["cue"],
                "hedged": c["hedged"],
                "hedge_cues": c["hedge_cues"],
                "credibility": c["credibility_override"] or c["credibility"],
                "verification_status": c["verification_status"],
                "weakest_reliability": c["weakest_reliability"],
                "corroboration": c["corroboration"],
                "independent_origins": c["independent_origins"],
                "article": {
                    "id": c["article_id"],
                    "title": c["article__title"],
                    "url": c["article__url"],
                    "published_at": c["article__published_at"],
                    "outlet": None
                    if c["article__outlet_id"] is None
                    else sources[c["article__outlet_id"]],
                },
                "chain": [
                    {
                        "position": a["position"],
                        "mention": a["mention"],
                        "cue": a["cue"],
                        "source": sources[a["source_id"]],
                    }
                    for a in chain
                ],
                "figures": figures.get(c["id"], []),
                "dates": dates.get(c["id"], []),
            }
        )
    return HttpResponse(
        orjson.dumps({"next": None, "results": results}), content_type="application/json"
    )

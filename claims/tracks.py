"""Figure tracks: for a subject ("troops", "North Korean troops"), the figures reported over time
with their origins, as rows (`figure_track`, one query) and as an inline SVG chart
(`track_chart`, pure: points in, coordinates out; the template only draws them)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import CharField, F, OuterRef, Q, Subquery

from claims.models import Attribution, Claim, Figure, FigureStatus

TRACK_LIMIT = 500


@dataclass(frozen=True)
class TrackPoint:
    figure_id: int
    claim_id: int
    article_id: int
    value: float
    low: float | None
    high: float | None
    text: str
    unit: str
    approximate: bool
    status: str
    hedged: bool
    published: dt.datetime | None
    origin: str  # the first source of the claim's chain, or the outlet's own reporting
    outlet: str


def figure_track(*, q: str, limit: int = TRACK_LIMIT) -> list[TrackPoint]:
    """Figures whose unit contains `q` ("troops"), or whose unit contains its last word and whose
    claim mentions the rest ("North Korean troops": unit ~ troops, claim text ~ North Korean),
    the latest `limit`, oldest first; dismissed figures are left out. One query: the origin is a
    subquery.
    """
    q = " ".join(q.split())
    if not q:
        return []
    *rest, head = q.split(" ")
    match = Q(unit__icontains=q)
    if rest:
        about = Claim.objects.annotate(sv=SearchVector("text", config="english")).filter(
            sv=SearchQuery(" ".join(rest), config="english")
        )
        match |= Q(unit__icontains=head, claim__in=about.values("pk"))
    origin = Attribution.objects.filter(claim=OuterRef("claim"), position=0).values("source__name")[
        :1
    ]
    rows = (
        Figure.objects.filter(match)
        .exclude(status=FigureStatus.DISMISSED)
        .annotate(origin_name=Subquery(origin, output_field=CharField()))
        .values(
            "id",
            "claim_id",
            "claim__article_id",
            "value",
            "low",
            "high",
            "text",
            "unit",
            "approximate",
            "status",
            "claim__hedged",
            "claim__article__published_at",
            "claim__article__outlet__name",
            "origin_name",
        )
        # The latest `limit` figures (a subject reported for years keeps its recent end), shown
        # oldest first.
        .order_by(F("claim__article__published_at").desc(nulls_last=True), "-id")[:limit]
    )
    return [
        TrackPoint(
            figure_id=r["id"],
            claim_id=r["claim_id"],
            article_id=r["claim__article_id"],
            value=r["value"],
            low=r["low"],
            high=r["high"],
            text=r["text"],
            unit=r["unit"],
            approximate=r["approximate"],
            status=r["status"],
            hedged=r["claim__hedged"],
            published=r["claim__article__published_at"],
            origin=r["origin_name"]
            or f"{r['claim__article__outlet__name'] or 'Unknown outlet'} (own reporting)",
            outlet=r["claim__article__outlet__name"] or "",
        )
        for r in reversed(list(rows))
    ]


# ------------------------------------------------------------------------------ chart

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17806d", "#7f8c8d", "#a04000")


def _nice_ticks(top: float, count: int = 5) -> list[float]:
    if top <= 0:
        return [0.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def track_chart(
    points: Sequence[TrackPoint], *, width: int = 720, height: int = 300
) -> dict[str, Any]:
    """Coordinates for an SVG chart: value (y, from 0) against publication date (x), one
    colour and one line per origin. Undated figures are left off the chart (not the table)."""
    dated = [p for p in points if p.published is not None]
    left, right, top, bottom = 64, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    chart: dict[str, Any] = {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "bottom": height - bottom,
        "right": width - right,
        "series": [],
        "y_ticks": [],
        "x_ticks": [],
    }
    if not dated:
        return chart
    times = [p.published.timestamp() for p in dated if p.published]
    t0, t1 = min(times), max(times)
    span = (t1 - t0) or 86400.0
    highest = max(max(p.high or p.value, p.value) for p in dated)
    ticks = _nice_ticks(highest * 1.05)
    y_max = ticks[-1] or 1.0

    def x(p: TrackPoint) -> float:
        stamp = p.published.timestamp() if p.published else t0
        offset = (stamp - t0) / span if t1 > t0 else 0.5
        return round(left + offset * plot_w, 1)

    def y(value: float) -> float:
        return round(top + plot_h - (value / y_max) * plot_h, 1)

    by_origin: dict[str, list[TrackPoint]] = {}
    for p in dated:
        by_origin.setdefault(p.origin, []).append(p)
    for i, (origin, members) in enumerate(
        sorted(by_origin.items(), key=lambda kv: kv[0].casefold())
    ):
        color = PALETTE[i % len(PALETTE)]
        marks = [
            {
                "x": x(p),
                "y": y(p.value),
                "label": f"{p.text} ({p.published:%Y-%m-%d}), {origin}",
                "claim_id": p.claim_id,
                "low": y(p.low) if p.low is not None else None,
                "high": y(p.high) if p.high is not None else None,
            }
            for p in members
        ]
        chart["series"].append(
            {
                "origin": origin,
                "color": color,
                "points": marks,
                "path": " ".join(f"{m['x']},{m['y']}" for m in marks),
            }
        )
    chart["y_ticks"] = [{"y": y(v), "label": f"{v:,.0f}"} for v in ticks]
    first, last = dt.datetime.fromtimestamp(t0, dt.UTC), dt.datetime.fromtimestamp(t1, dt.UTC)
    chart["x_ticks"] = [{"x": left, "label": f"{first:%Y-%m-%d}"}]
    if t1 > t0:
        chart["x_ticks"].append({"x": left + plot_w, "label": f"{last:%Y-%m-%d}"})
    return chart

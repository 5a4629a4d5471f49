"""Reads for figures (the quantities stated in claims): the figures list, in the API's shape,
and the figures an editor should review."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from claims.models import Attribution, Figure, FigureStatus
from claims.selectors_rows import FigureBriefOutput


class FigureListOutput(FigureBriefOutput):
    """A row of the figures list (its shape in the API's schema too; see `claims.selectors_rows`)."""

    claim_id: int
    article_id: int
    claim_text: str


@dataclass(frozen=True)
class FigureFilters:
    unit: str | None = None  # part of the unit phrase, any case: "troops", "soldiers"
    value_min: float | None = None
    value_max: float | None = None
    status: str | None = None
    claim_id: int | None = None
    article_id: int | None = None


def figure_list(*, filters: FigureFilters | None = None) -> QuerySet[Figure]:
    f = filters or FigureFilters()
    qs = Figure.objects.select_related("claim").defer("claim__hedge_cues")
    if f.unit and f.unit.strip():
        qs = qs.filter(unit__icontains=f.unit.strip())
    if f.value_min is not None:
        qs = qs.filter(value__gte=f.value_min)
    if f.value_max is not None:
        qs = qs.filter(value__lte=f.value_max)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.claim_id is not None:
        qs = qs.filter(claim_id=f.claim_id)
    if f.article_id is not None:
        qs = qs.filter(claim__article_id=f.article_id)
    return qs.order_by("-id")


def figure_list_row(figure: Figure) -> FigureListOutput:
    """A figure of `figure_list` as the figures list answers it."""
    return {
        "id": figure.pk,
        "value": float(figure.value),
        "low": None if figure.low is None else float(figure.low),
        "high": None if figure.high is None else float(figure.high),
        "unit": figure.unit,
        "text": figure.text,
        "approximate": figure.approximate,
        "qualifier": figure.qualifier,
        "status": figure.status,
        "claim_id": figure.claim_id,
        "article_id": figure.claim.article_id,
        "claim_text": figure.claim.text,
    }


# ------------------------------------------------------------------------------ review queue

WEAK_SOURCE_KINDS = ("unnamed", "unconfirmed_reports", "media_reports")


def figure_review_queue() -> QuerySet[Figure]:
    """Figures an editor should look at, with why: in a hedged claim, with no named source (or
    only unnamed/unconfirmed ones), or disagreeing with another figure for the same thing.

    Each figure carries `in_hedged_claim`, `no_named_source` and `disagrees` flags (EXISTS
    subqueries, so the page costs a fixed number of queries).
    """
    named = Attribution.objects.filter(claim=OuterRef("claim")).exclude(
        source__kind__in=WEAK_SOURCE_KINDS
    )
    other = (
        Figure.objects.filter(unit__iexact=OuterRef("unit"))
        .exclude(claim=OuterRef("claim"))
        .exclude(value=OuterRef("value"))
        .exclude(status=FigureStatus.DISMISSED)
        .exclude(unit="")
    )
    return (
        Figure.objects.filter(status=FigureStatus.UNREVIEWED)
        .select_related("claim", "claim__article", "claim__article__outlet")
        .prefetch_related(
            Prefetch(
                "claim__attributions",
                queryset=Attribution.objects.select_related("source").order_by("position"),
            )
        )
        .annotate(
            in_hedged_claim=F("claim__hedged"),
            no_named_source=~Exists(named),
            disagrees=Exists(other),
        )
        .filter(Q(in_hedged_claim=True) | Q(no_named_source=True) | Q(disagrees=True))
        .defer("claim__article__body")
        .order_by("-disagrees", "-claim__hedged", "-id")
    )

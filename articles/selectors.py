"""Reads for sources and articles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from sources.models import Article
from sources.selectors import published_between, sources_named


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.select_related("outlet").filter(pk=article_id).first()


@dataclass(frozen=True)
class ArticleFilters:
    status: str | None = None
    outlet_id: int | None = None
    outlet_name: str | None = None  # name or alias, any case
    published_from: dt.date | None = None  # a date is a whole day, inclusive
    published_until: dt.date | None = None


def article_list(*, filters: ArticleFilters | None = None) -> QuerySet[Article]:
    """Articles without their bodies, newest submission first (ties broken by id)."""
    f = filters or ArticleFilters()
    qs = Article.objects.for_list()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.outlet_id is not None:
        qs = qs.filter(outlet_id=f.outlet_id)
    if f.outlet_name:
        qs = qs.filter(outlet__in=sources_named(f.outlet_name))
    return qs.filter(
        published_between("published_at", f.published_from, f.published_until)
    ).order_by("-id")

"""Reads for articles, and an article's status as the API answers it.

`ArticleStatusOutput` is the one definition of that answer: the views return the data
`article_status` builds, and the OpenAPI schema documents the TypedDict itself
(`core.openapi`), so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from django.db.models import QuerySet

from core.shapes import Choices
from sources.models import Article, ArticleStatus
from sources.selectors import published_between, sources_named


class ArticleStatusOutput(TypedDict):
    id: int
    title: str
    outlet: str | None  # the outlet's name
    url: str
    published_at: dt.datetime | None
    status: Annotated[str, Choices(ArticleStatus.choices)]
    attempts: int
    error: str
    extractor_version: str
    submitted_at: dt.datetime
    processed_at: dt.datetime | None
    status_url: str


class ArticleDetailOutput(ArticleStatusOutput):
    claims: list[dict[str, Any]]


def article_status(article: Article, *, status_url: str) -> ArticleStatusOutput:
    """An article's status, the URL to poll it at given. Plain data: a ModelSerializer built
    its fields anew for every POST, about a tenth of a submission's CPU. Datetimes stay
    datetimes, in UTC, which the API's renderer writes as DRF does (`Z`)."""
    return {
        "id": article.pk,
        "title": article.title,
        "outlet": article.outlet.name if article.outlet is not None else None,
        "url": article.url,
        "published_at": _utc(article.published_at),
        "status": article.status,
        "attempts": article.attempts,
        "error": article.error,
        "extractor_version": article.extractor_version,
        "submitted_at": article.submitted_at.astimezone(dt.UTC),
        "processed_at": _utc(article.processed_at),
        "status_url": status_url,
    }


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


def article_get(*, article_id: int) -> Article | None:
    article: Article | None = Article.objects.select_related("outlet").filter(pk=article_id).first()
    return article


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

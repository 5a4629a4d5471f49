"""Reads for sources and articles."""

from __future__ import annotations

from django.db.models import QuerySet

from sources.models import Article


def article_get(*, article_id: int) -> Article | None:
    return Article.objects.select_related("outlet").filter(pk=article_id).first()


def article_list() -> QuerySet[Article]:
    return Article.objects.for_list().order_by("-submitted_at", "-id")

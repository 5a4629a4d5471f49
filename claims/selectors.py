"""Reads for claims."""

from __future__ import annotations

from django.db.models import QuerySet

from claims.models import Claim


def claim_list_latest(*, limit: int = 50) -> list[Claim]:
    return list(Claim.objects.for_list().order_by("-id")[:limit])


def claim_list_for_article(*, article_id: int) -> QuerySet[Claim]:
    return Claim.objects.for_list().filter(article_id=article_id).order_by("start", "id")

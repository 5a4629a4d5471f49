"""Plain `make_*` factories for tests."""

from __future__ import annotations

import itertools
from typing import Any

from claims.models import Attribution, Claim, ClaimDate, ClaimLink, Figure
from claims.sort_keys import claims_refresh_sort_keys
from sources.models import Article, ArticleStatus, Source
from sources.text import content_hash

_seq = itertools.count(1)


def make_source(**fields: Any) -> Source:
    fields.setdefault("name", f"Source {next(_seq)}")
    fields.setdefault("kind", "government")
    fields.setdefault("reliability", "C")
    return Source.objects.create(**fields)


def make_article(**fields: Any) -> Article:
    body = (
        fields.pop("body", None)
        or f"Officials said on Monday that {next(_seq)} people were evacuated."
    )
    fields.setdefault("status", ArticleStatus.DONE)
    return Article.objects.create(body=body, content_hash=content_hash(body), **fields)


def make_claim(
    *,
    article: Article | None = None,
    sources: list[Source] | None = None,
    figures: int = 1,
    **fields: Any,
) -> Claim:
    article = article or make_article()
    text = fields.pop("text", article.body[:60])
    if article.published_at is not None:
        fields.setdefault("published_on", article.published_at.date())
    claim = Claim.objects.create(
        article=article,
        text=text,
        start=0,
        end=len(text),
        sentence_index=0,
        sentence_start=0,
        sentence_end=len(text),
        kind=fields.pop("kind", "statement"),
        extractor_version="test",
        **fields,
    )
    for position, source in enumerate(sources or []):
        Attribution.objects.create(
            claim=claim, source=source, position=position, mention=source.name
        )
    for i in range(figures):
        Figure.objects.create(
            claim=claim, value=100 + i, text=str(100 + i), unit="people", start=0, end=3
        )
    ClaimDate.objects.create(claim=claim, text="Monday", start=0, end=6)
    claims_refresh_sort_keys(claim_ids=[claim.pk])
    claim.refresh_from_db()
    return claim


def make_claim_link(
    *, from_claim: Claim, to_claim: Claim, kind: str = "corroborates", **fields: Any
) -> ClaimLink:
    link = ClaimLink.objects.create(from_claim=from_claim, to_claim=to_claim, kind=kind, **fields)
    claims_refresh_sort_keys(claim_ids=[from_claim.pk, to_claim.pk])
    return link

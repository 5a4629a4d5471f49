"""Wire-style articles written for the matching tests: one NIS statement relayed by Yonhap and
two outlets, an independent confirmation by Ukraine's government, a contradicting figure from
Ukrainian military intelligence, and NIS's own later, higher figure."""

from __future__ import annotations

import datetime as dt

from articles.processing import claims_extract_for_article
from claims.models import Claim
from sources.models import Article, ArticleStatus, Source
from tests.factories import make_article

YONHAP = (
    "SEOUL, Oct. 23 (Yonhap) -- North Korea has sent 3,000 troops to Russia to support its war "
    "against Ukraine, South Korea's National Intelligence Service said on Wednesday.\n\n"
    "The troops left the port of Chongjin on Russian navy ships, the spy agency told lawmakers in "
    "a closed-door briefing."
)
OUTLET_A = (
    "North Korea has sent 3,000 troops to Russia to support Moscow's war against Ukraine, South "
    "Korea's National Intelligence Service said on Wednesday, according to Yonhap news agency.\n\n"
    "The deployment marks a sharp escalation of military cooperation between Pyongyang and Moscow."
)
OUTLET_B = (
    "South Korea's National Intelligence Service said on Wednesday that North Korea has sent "
    "3,000 troops to Russia to help its war against Ukraine.\n\n"
    "Officials in Seoul summoned the Russian ambassador."
)
KYIV = (
    "KYIV, Oct. 24 -- Ukraine's Defence Ministry said on Thursday that North Korea has sent 3,000 "
    "troops to Russia for the war against Ukraine.\n\n"
    "The ministry said the soldiers were training at ranges in Russia's Far East."
)
CONTRADICTION = (
    "North Korea has sent 5,000 troops to Russia to support its war against Ukraine, Ukraine's "
    "military intelligence agency said on Thursday."
)
UPDATE = (
    "SEOUL, Nov. 13 (Yonhap) -- North Korea has sent 10,000 troops to Russia to support its war "
    "against Ukraine, South Korea's National Intelligence Service said on Wednesday."
)


def outlet(name: str, reliability: str = "B") -> Source:
    return Source.objects.create(name=name, kind="outlet", reliability=reliability)


def extracted(body: str, *, outlet: Source, day: dt.date) -> Article:
    """An article queued as the ingestion would leave it, run through the real extractor."""
    article = make_article(
        body=body,
        status=ArticleStatus.QUEUED,
        outlet=outlet,
        published_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
    )
    claims_extract_for_article(article_id=article.pk, owner="test")
    return article


def troops_claim(article: Article) -> Claim:
    return Claim.objects.get(article=article, text__contains="troops to Russia")

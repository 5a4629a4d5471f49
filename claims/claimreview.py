"""An editor's verdict on a claim as schema.org ClaimReview JSON-LD. PURE: a row in, a dict out.

A claim has a verdict when an editor set its verification status to anything but unverified, or
overrode its credibility; without one there is no review (None), and nothing is published.
`claims.selectors_reviews` reads the row in one query; docs/claimreview.md gives the mapping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Final, Literal, NotRequired, TypedDict

from core.shapes import Doc, IsoDateTime


@dataclass(frozen=True)
class ReviewRow:
    claim_id: int
    text: str
    verification_status: str
    credibility_override: int | None
    verdict_at: dt.datetime  # the verdict's editorial change, else the claim's last change
    article_title: str
    article_url: str
    article_published_at: dt.datetime | None
    outlet_name: str | None
    origin_name: str | None  # position 0 of the chain; None: the outlet's own assertion
    origin_kind: str | None


@dataclass(frozen=True)
class Verdict:
    value: int
    name: str


BEST_RATING: Final = 5
WORST_RATING: Final = 1

# The verification status decides the rating; a credibility override decides it only when the
# status is still unverified (the status is the editor's verdict on the claim itself, the grade
# an assessment of the information).
STATUS_VERDICT: Final = {
    "confirmed": Verdict(5, "True"),
    "corroborated": Verdict(4, "Mostly true"),
    "disputed": Verdict(2, "Disputed"),
    "false": Verdict(1, "False"),
    "retracted": Verdict(1, "Retracted"),
}
CREDIBILITY_VERDICT: Final = {
    1: Verdict(5, "Confirmed by other sources"),
    2: Verdict(4, "Probably true"),
    3: Verdict(3, "Possibly true"),
    4: Verdict(2, "Doubtful"),
    5: Verdict(1, "Improbable"),
    6: Verdict(3, "Truth cannot be judged"),
}
CREDIBILITY_WORDS: Final = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
PERSON_KINDS: Final = frozenset({"official", "person", "expert"})


# The functional form: the JSON-LD keys "@context" and "@type" are not Python names.
ReviewAgent = TypedDict(
    "ReviewAgent",
    {
        "@type": Literal["Organization", "Person"],
        "name": str,
        "url": NotRequired[str],
    },
)
ReviewAppearance = TypedDict(
    "ReviewAppearance",
    {
        "@type": Literal["CreativeWork"],
        "headline": str,
        "url": NotRequired[str],
        "datePublished": NotRequired[IsoDateTime],
        "publisher": NotRequired[ReviewAgent],
    },
)
ReviewedClaim = TypedDict(
    "ReviewedClaim",
    {
        "@type": Literal["Claim"],
        "appearance": Annotated[ReviewAppearance, Doc("The article the claim appeared in.")],
        "author": NotRequired[
            Annotated[ReviewAgent, Doc("The claim's origin: the first source of its chain.")]
        ],
        "datePublished": NotRequired[IsoDateTime],
    },
)
ReviewRating = TypedDict(
    "ReviewRating",
    {
        "@type": Literal["Rating"],
        "ratingValue": Annotated[int, Doc("5 true ... 1 false; docs/claimreview.md.")],
        "bestRating": int,
        "worstRating": int,
        "alternateName": Annotated[str, Doc("The verdict in words: True, Mostly true, ...")],
    },
)
ClaimReview = TypedDict(
    "ClaimReview",
    {
        "@context": Literal["https://schema.org"],
        "@type": Literal["ClaimReview"],
        "url": Annotated[str, Doc("The claim's page, where the review is published.")],
        "claimReviewed": str,
        "datePublished": Annotated[IsoDateTime, Doc("When the editor gave the verdict.")],
        "author": Annotated[ReviewAgent, Doc("The organisation publishing the verdict.")],
        "reviewRating": ReviewRating,
        "itemReviewed": ReviewedClaim,
        "reviewBody": str,
    },
)


def verdict_of(row: ReviewRow) -> Verdict | None:
    if row.verification_status in STATUS_VERDICT:
        return STATUS_VERDICT[row.verification_status]
    if row.credibility_override is not None:
        return CREDIBILITY_VERDICT.get(row.credibility_override)
    return None


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def build_claim_review(
    row: ReviewRow, *, url: str, organization_name: str, organization_url: str = ""
) -> ClaimReview | None:
    """The ClaimReview of the claim's verdict, or None when it has none."""
    verdict = verdict_of(row)
    if verdict is None:
        return None
    author: ReviewAgent = {"@type": "Organization", "name": organization_name}
    if organization_url:
        author["url"] = organization_url
    appearance: ReviewAppearance = {
        "@type": "CreativeWork",
        "headline": row.article_title or "Untitled article",
    }
    if row.article_url:
        appearance["url"] = row.article_url
    if row.article_published_at is not None:
        appearance["datePublished"] = _iso(row.article_published_at)
    if row.outlet_name:
        appearance["publisher"] = {"@type": "Organization", "name": row.outlet_name}
    claim: ReviewedClaim = {"@type": "Claim", "appearance": appearance}
    origin_name = row.origin_name or row.outlet_name
    if origin_name:
        claim["author"] = {
            "@type": "Person" if row.origin_kind in PERSON_KINDS else "Organization",
            "name": origin_name,
        }
    if row.article_published_at is not None:
        claim["datePublished"] = _iso(row.article_published_at)
    body = [f"Verification status: {row.verification_status}."]
    if row.credibility_override is not None:
        words = CREDIBILITY_WORDS.get(row.credibility_override, "")
        body.append(f"Editor's credibility grade: {row.credibility_override} ({words}).")
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": row.text,
        "datePublished": _iso(row.verdict_at),
        "author": author,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": verdict.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": verdict.name,
        },
        "itemReviewed": claim,
        "reviewBody": " ".join(body),
    }

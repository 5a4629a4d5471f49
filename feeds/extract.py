"""The main text and metadata of a fetched web page, with trafilatura.

Trafilatura separates the article from navigation, footers, related links and comments far
better than a tag-stripper could; this module only adapts its output to what article_submit
takes. No Django, no network: bytes or text in, a dataclass out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import trafilatura

from core.errors import ApplicationError

# Trafilatura falls back to whatever text a page has: on a home page, a paywall stub or a
# video page that is a menu ("Home") or a cookie notice. Shorter than this is not an article;
# the shortest wire briefs we ingest are two or three sentences, well above it.
MIN_ARTICLE_CHARS = 150


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str
    published: dt.date | None
    outlet: str  # the site's name (og:site_name and the like), "" when unknown


def page_extract(*, html: str | bytes, url: str) -> ExtractedPage:
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        # The extensive search guesses a date from any number on the page (a copyright year, a
        # "last updated" in the sidebar); a wrong publication date misdates every claim, so
        # only dates the page states as its own are taken.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if len(text) < MIN_ARTICLE_CHARS:
        raise ApplicationError(
            f"No article text was found at {url}. Check that the URL points to an article page "
            "(not a home page, a video or a paywall), or paste the text instead.",
            code="no_text",
            field="url",
        )
    title = " ".join((getattr(document, "title", None) or "").split())
    # Trafilatura keeps the page's <h1> as the first line; the title is stored apart.
    first, _, rest = text.partition("\n")
    if title and " ".join(first.split()) == title and rest.strip():
        text = rest.strip()
    return ExtractedPage(
        text=text,
        title=title,
        published=_date(getattr(document, "date", None)),
        outlet=" ".join((getattr(document, "sitename", None) or "").split()),
    )


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None

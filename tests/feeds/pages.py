"""Sample pages and text served by the tests' local server."""

from __future__ import annotations

PARAGRAPHS = [
    "The defence ministry said on Friday that 300 troops had been moved to the border near the "
    "town of Kursk, according to officials speaking on condition of anonymity.",
    "Yonhap reported, citing the National Intelligence Service, that approximately 5,000 North "
    "Korean engineering troops are expected to arrive in Russia later this month to repair "
    "damaged infrastructure.",
    "The Kremlin declined to comment on the reports, which could not be independently verified "
    "by the agency at the time of publication.",
]


def article_page(
    title: str = "Troops move to the border",
    paragraphs: list[str] | None = None,
    published: str = "2024-11-07T10:00:00+00:00",
) -> str:
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    return (
        "<!doctype html><html><head>"
        f"<title>{title} | Demo Wire</title>"
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:site_name" content="Demo Wire">'
        f'<meta property="article:published_time" content="{published}">'
        "</head><body>"
        f'<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
        f'<li><a href="/politics">Politics</a></li><li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav>'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        '<aside><h3>Most read</h3><ul><li><a href="/x">Celebrity chef opens a new bistro downtown</a></li></ul></aside>'
        "<footer><p>Copyright 2024 Demo Wire. All rights reserved. Cookie settings.</p></footer>"
        "</body></html>"
    )


LONG_TEXT = " ".join(PARAGRAPHS) + " " + "Officials said the talks would resume on Monday. " * 8


def rss(items: list[dict[str, str]], title: str = "Demo Wire: World") -> str:
    rendered = []
    for item in items:
        parts = [f"<title>{item['title']}</title>"]
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{item["guid"]}</guid>')
        if "link" in item:
            parts.append(f"<link>{item['link']}</link>")
        if "description" in item:
            parts.append(f"<description>{item['description']}</description>")
        if "content" in item:
            parts.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        if "date" in item:
            parts.append(f"<pubDate>{item['date']}</pubDate>")
        rendered.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>https://demo.example/</link><description>News</description>"
        + "".join(rendered)
        + "</channel></rss>"
    )


def full_item(n: int) -> dict[str, str]:
    return {
        "title": f"Story {n}",
        "guid": f"story-{n}",
        "link": f"https://demo.example/story-{n}",
        "description": "A teaser.",
        "date": "Thu, 07 Nov 2024 10:00:00 GMT",
        "content": f"<p>Story {n}.</p><p>{LONG_TEXT}</p>",
    }

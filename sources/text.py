"""Turning submitted bytes into article text, with clear errors for what cannot be an article."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html.parser import HTMLParser

from core.errors import ApplicationError

# Characters that never occur in an article's text but always in binary files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "blockquote",
    "tr",
    "table",
    "pre",
    "hr",
    "title",
    "figure",
}
_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
    "figcaption",
}


def decode_upload(data: bytes, *, max_bytes: int) -> str:
    """Decode an uploaded file as UTF-8 text (a BOM is allowed), refusing binary content."""
    if len(data) > max_bytes:
        raise ApplicationError(
            f"The file is {len(data):,} bytes; articles are limited to {max_bytes:,} bytes. "
            "Split it or submit the article's text only.",
            code="too_large",
            field="file",
            status_code=413,
        )
    if not data.strip():
        raise ApplicationError(
            "The file is empty. Upload a .txt or .html file with the article's text.",
            code="empty",
            field="file",
        )
    if b"\x00" in data:
        raise ApplicationError(
            "The file looks binary (it contains NUL bytes). Upload plain text or HTML.",
            code="binary",
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            f"The file is not valid UTF-8 (byte {exc.start}). Save it as UTF-8 and upload it again.",
            code="undecodable",
            field="file",
        ) from None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(p|body|article|div)[\s>]", head)
    )


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Return (title, body text) of an HTML document: one paragraph a line, scripts dropped."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    body = "\n".join(line for line in lines if line)
    return " ".join("".join(parser.title_parts).split()), body


def clean_text(text: str, *, max_bytes: int, field: str = "body") -> str:
    """Normalise an article body and refuse what cannot be one."""
    if _CONTROL.search(text):
        raise ApplicationError(
            "The text contains control characters (it looks binary). Submit plain text.",
            code="binary",
            field=field,
        )
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ApplicationError(
            "The article text is empty. Paste the article or upload a file.",
            code="empty",
            field=field,
        )
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ApplicationError(
            f"The article is {size:,} bytes; the limit is {max_bytes:,} bytes.",
            code="too_large",
            field=field,
            status_code=413,
        )
    return text


def content_hash(text: str) -> str:
    """Hash of the text with white space folded, so a re-pasted copy is recognised."""
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()

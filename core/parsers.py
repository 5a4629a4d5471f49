"""Request parsers. Kept apart from core.api: DRF's views module reads the parser setting
when it is imported, so this module must not import rest_framework.views (a circular import)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with a document nested deeper than Python's parser can follow (a few
    hundred kilobytes of `[[[[...`) answered as a 400 instead of a RecursionError and a 500.
    The default parser of every endpoint (settings.REST_FRAMEWORK)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None

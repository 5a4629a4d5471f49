"""The claims list as a file: `GET /api/v1/claims?<filters>&format=csv` or `format=jsonl` (or
`Accept: text/csv` / `application/x-ndjson`) streams every matching claim in the list's order,
not a page. The rows come from `claims.selectors_export` (a server-side cursor), their bytes
from `claims.export` (pure); this module holds the renderers DRF negotiates the format with
and the streaming response.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from claims.export import csv_chunks, jsonl_chunks
from claims.selectors import ClaimFilters
from claims.selectors_export import claim_export_rows
from claims.selectors_rows import ClaimUrl
from core.errors import ApplicationError


class _ExportRenderer(BaseRenderer):  # type: ignore[misc]  # DRF ships no type hints
    """Lets DRF's negotiation pick an export format (`?format=`, or the Accept header). The view
    streams the file itself; an error answer is JSON whatever the format (the view's
    `finalize_response`), so this never renders anything."""

    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        raise RuntimeError(f"The {self.format} export is streamed by the view, not rendered.")


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class JSONLinesRenderer(_ExportRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"


EXPORT_RENDERERS: dict[str, type[_ExportRenderer]] = {
    "csv": CSVRenderer,
    "jsonl": JSONLinesRenderer,
}


def claim_export_response(
    request: Request, *, filters: ClaimFilters, url_of: ClaimUrl
) -> StreamingHttpResponse:
    """Every claim `filters` selects as the negotiated file. Pagination's parameters are
    refused: a file has every matching claim, and a cursor silently ignored would hand back
    more than the client asked for."""
    for name in ("cursor", "page_size"):
        if name in request.query_params:
            raise ApplicationError(
                f"{name} pages the JSON list; an export has every matching claim, so drop "
                f"{name} (filters choose the claims).",
                field=name,
            )
    fmt = request.accepted_renderer.format
    rows = claim_export_rows(filters=filters, url_of=url_of)  # a bad filter raises here
    chunks = csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)
    renderer = EXPORT_RENDERERS[fmt]
    response = StreamingHttpResponse(
        chunks, content_type=f"{renderer.media_type}; charset={renderer.charset}"
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.{fmt}"'
    # Proxies (nginx) buffer a response by default; a stream of a million rows must flow.
    response["X-Accel-Buffering"] = "no"
    return response

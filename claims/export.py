"""CSV and JSON Lines of claims. PURE: list rows in, bytes out (no Django, no database).

JSON Lines: each line is one claim exactly as an item of the API's list (`ClaimListOutput`:
the chain as JSON, origin first; figures; dates; the article and its outlet).

CSV: one row per claim, flattened for spreadsheets (`CSV_COLUMNS`). Lists are joined with
"; ", the chain with " > " from the origin to the publishing outlet ("National Intelligence
Service > Yonhap > Reuters"). A text cell that a spreadsheet would read as a formula (it
starts with =, +, -, @, a tab or a carriage return: "=HYPERLINK(...)" in an article title)
gets a leading apostrophe, which spreadsheets show as text and hide (OWASP's advice on CSV
injection); JSON Lines carries the text untouched.

Both come in chunks of about `CHUNK_BYTES`, so a server writes few large pieces rather than
a million small ones, and memory holds one chunk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:  # the shape's definition lives with the code that reads the rows
    from claims.selectors_rows import ClaimListOutput

CHUNK_BYTES = 64 * 1024

CSV_COLUMNS = (
    "id",
    "url",
    "text",
    "chain",
    "chain_reliability",
    "weakest_reliability",
    "credibility",
    "independent_origins",
    "corroboration",
    "hedged",
    "hedge_cues",
    "figures",
    "dates",
    "verification_status",
    "kind",
    "article_id",
    "article_title",
    "article_url",
    "outlet",
    "published_at",
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text`, with an apostrophe before it if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_record(row: ClaimListOutput) -> list[Any]:
    """One claim's CSV cells, in `CSV_COLUMNS` order."""
    outlet = row["article"]["outlet"]
    links = [link["source"] for link in row["chain"]] + ([outlet] if outlet else [])
    figures = [
        " ".join(part for part in (f["text"], f["unit"]) if part)
        + ("" if f["status"] == "unreviewed" else f" ({f['status']})")
        for f in row["figures"]
    ]
    dates = [d["text"] + (f" ({d['value']})" if d["value"] else "") for d in row["dates"]]
    cells: list[Any] = [
        row["id"],
        row["url"],
        row["text"],
        " > ".join(source["name"] for source in links),
        " > ".join(source["reliability"] for source in links),
        row["weakest_reliability"],
        row["credibility"],
        row["independent_origins"],
        row["corroboration"],
        "true" if row["hedged"] else "false",
        "; ".join(row["hedge_cues"]),
        "; ".join(figures),
        "; ".join(dates),
        row["verification_status"],
        row["kind"],
        row["article"]["id"],
        row["article"]["title"],
        row["article"]["url"],
        outlet["name"] if outlet else "",
        row["article"]["published_at"] or "",
    ]
    return [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in cells]


def csv_chunks(rows: Iterable[ClaimListOutput]) -> Iterator[bytes]:
    """The header line, then every row, as UTF-8 CSV (RFC 4180: CRLF line ends, fields with
    commas, quotes or line breaks quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    # The header at once, before the first row is read: the client sees the download begin.
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow(csv_record(row))
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def jsonl_chunks(rows: Iterable[ClaimListOutput]) -> Iterator[bytes]:
    """One JSON object per line (UTF-8, `\\n` after each), nothing before or after."""
    parts: list[bytes] = []
    size = 0
    for row in rows:
        line = orjson.dumps(row) + b"\n"
        parts.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)

"""Every claim of a view, as the API's list rows, streamed from a server-side cursor.

The CSV and JSON Lines exports (`GET /api/v1/claims?...&format=csv|jsonl`) read through here.
A page of the list finds its ids first and then loads their rows (claims.selectors_rows);
an export cannot hold a million ids, so it is one statement: the list's query (its filters
and ordering, claims.selectors.claim_list) selecting the columns of a list row, the chain,
figures and dates aggregated by the same correlated subqueries the page uses. PostgreSQL
walks the ordering's index and computes each row as it is fetched; Python holds one chunk.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

from claims.models import Claim
from claims.selectors import ClaimFilters, claim_list
from claims.selectors_rows import LIST_ROW_AGGREGATES, ClaimListOutput, ClaimUrl, list_row

# Rows per FETCH from the server-side cursor: a round trip per chunk (a fraction of a
# millisecond on one host), and a chunk of rows is all the export holds in memory at once.
EXPORT_CHUNK_ROWS = 500

# The list row's columns in `list_row`'s order; the aggregates name the claim by the table
# name the ORM gives it (no alias: it is the query's base table).
_COLUMNS = (
    "pk",
    "text",
    "kind",
    "cue",
    "hedged",
    "hedge_cues",
    "credibility",
    "credibility_override",
    "verification_status",
    "weakest_reliability",
    "corroboration",
    "independent_origins",
    "article_id",
    "article__title",
    "article__url",
    "article__published_at",
    "article__outlet",
    "article__outlet__name",
    "article__outlet__kind",
    "article__outlet__reliability",
    "export_chain",
    "export_figures",
    "export_dates",
)


def claim_export_queryset(*, filters: ClaimFilters) -> QuerySet[Claim]:
    """The list's claims for `filters`, in its ordering, as tuples of a list row's columns.
    Built now: a bad filter raises ApplicationError here, before anything is streamed (and
    full-text search runs its probe query here)."""
    chain, figures, dates = (
        RawSQL(sql.format(claim=Claim._meta.db_table), [], output_field=TextField())
        for sql in LIST_ROW_AGGREGATES
    )
    qs: QuerySet[Claim] = (
        claim_list(filters=filters)
        .prefetch_related(None)  # tuples, not instances: nothing to prefetch into
        .annotate(export_chain=chain, export_figures=figures, export_dates=dates)
        .values_list(*_COLUMNS)
    )
    return qs


def claim_export_rows(
    *, filters: ClaimFilters, url_of: ClaimUrl, chunk_rows: int | None = None
) -> Iterator[ClaimListOutput]:
    """Every claim `filters` selects, in the list's order, as the API's list rows.

    The query is built (and a bad filter raised) when this is called; the rows are read as the
    returned iterator is consumed, from a server-side cursor inside a transaction. Outside a
    transaction Django declares the cursor WITH HOLD, and PostgreSQL computes every row of a
    holdable cursor when its transaction commits, right after the DECLARE: at a million
    claims, seconds before the first row. In one, rows are computed as they are fetched.
    Closing the iterator early (a client that hangs up) rolls back and closes the cursor.
    """
    queryset = claim_export_queryset(filters=filters)
    return _stream(queryset, url_of, chunk_rows or EXPORT_CHUNK_ROWS)


def _stream(
    queryset: QuerySet[Claim], url_of: ClaimUrl, chunk_rows: int
) -> Iterator[ClaimListOutput]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The whole walk's estimated cost (a million rows, three subqueries each) is far
            # above `jit_above_cost`, so PostgreSQL would compile the query with LLVM first:
            # 0.8 s before the first row, to speed up per-row work that is index lookups.
            cursor.execute("SET LOCAL jit = off")
        for raw in queryset.iterator(chunk_size=chunk_rows):
            yield list_row(raw, url_of)

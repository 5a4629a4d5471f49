"""A watchlist's query: the claims API's own filter parameters, read by the API's own parser.

The one place that turns a saved query string into `claims.selectors.ClaimFilters`, so a
watchlist means exactly what `GET /api/v1/claims?<query>` lists, and a rename of the API's
parser (issue #21 unifies the page's and the API's filter names) is a change here alone.
"""

from __future__ import annotations

from django.http import QueryDict

from claims.apis import ClaimListQuery, claim_filters
from claims.selectors import ClaimFilters
from core.errors import ApplicationError

# Parameters of the list that are not filters: a page, not a view, so they are dropped.
_NOT_FILTERS = ("cursor", "page_size", "format")


def _params(query: str) -> QueryDict:
    params = QueryDict(query.strip().lstrip("?"), mutable=True)
    for name in _NOT_FILTERS:
        params.pop(name, None)
    return params


def watchlist_filters(query: str) -> ClaimFilters:
    """The filters a saved query string means. Raises ApplicationError (field `query`) naming
    each unknown parameter or bad value, with the API's own messages."""
    params = _params(query)
    parser = ClaimListQuery(data=params)
    unknown = sorted(set(params) - set(parser.fields))
    if unknown:
        raise ApplicationError(
            f"Unknown filter {', '.join(unknown)}: a watchlist keeps the filters of "
            f"GET /api/v1/claims ({', '.join(sorted(parser.fields))}).",
            field="query",
            details={"unknown": unknown},
        )
    repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
    if repeated:
        raise ApplicationError(
            f"Give each filter once; {', '.join(repeated)} is repeated.", field="query"
        )
    if not parser.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in parser.errors.items()
        )
        raise ApplicationError(
            f"The query is not a valid claims view ({problems}).",
            field="query",
            details={"fields": {k: [str(m) for m in v] for k, v in parser.errors.items()}},
        )
    return claim_filters(dict(parser.validated_data))


def watchlist_query_normalized(query: str) -> str:
    """The query as stored: the filters only, with empty values dropped, in the order given."""
    params = _params(query)
    kept = QueryDict(mutable=True)
    for name, value in params.items():
        if value.strip():
            kept[name] = value.strip()
    return str(kept.urlencode())

"""The claims list's query parameters: one set of names and values for the API and the pages.

`GET /api/v1/claims?<params>` and the claims page (`/?<params>`) read the same query string,
so any view of the claims is one URL that works on both (and a saved view, such as a
watchlist's, is that query string). `ClaimListQuery` is the one definition of the parameters
(the OpenAPI schema documents it); `claim_filters_from_params` turns a query string into
`ClaimFilters` or raises the API's 400 naming the parameter at fault; `claim_params_check`
is its tolerant half for the page, which shows a bad value beside its field and applies the
other filters.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import serializers

from claims.models import VerificationStatus
from claims.selectors import ClaimFilters, ClaimOrdering, SourceRole
from core.api_tools import (
    DateOrDateTimeField,
    IdField,
    IdOrNameField,
    query_check,
    query_error,
    split_id_or_name,
)
from extraction.types import SourceKind
from sources.models import Reliability


class ClaimListQuery(serializers.Serializer):  # type: ignore[misc]  # DRF ships no type hints
    source = IdOrNameField(
        required=False,
        help_text=(
            "A source id, or a name or alias (any case): claims whose chain includes it, "
            "the publishing outlet included unless `source_role` says otherwise."
        ),
    )
    source_role = serializers.ChoiceField(
        choices=[r.value for r in SourceRole],
        required=False,
        help_text="Where `source` must be: any link (default), origin (position 0), relay (later, or the outlet).",
    )
    source_kind = serializers.ChoiceField(
        choices=[k.value for k in SourceKind],
        required=False,
        help_text="Some link of the chain (or the outlet) is of this kind.",
    )
    min_reliability = serializers.ChoiceField(
        choices=Reliability.values,
        required=False,
        help_text=(
            "Every link of the chain, outlet included, is at least this reliable (A best, F worst). "
            "An article without an outlet counts as F."
        ),
    )
    max_credibility = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=6,
        help_text="Credibility at most N (1 confirmed ... 6 cannot be judged).",
    )
    hedged = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only hedged (true) or unhedged (false) claims.",
    )
    verification_status = serializers.ChoiceField(choices=VerificationStatus.values, required=False)
    flagged_figures = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: claims with a figure an editor flagged `unconfirmed`; false: without one.",
    )
    article = IdField(required=False, help_text="Claims of this article.")
    outlet = IdOrNameField(
        required=False, help_text="The publishing outlet: an id, or a name or alias."
    )
    published_from = DateOrDateTimeField(
        required=False,
        help_text=("Published at or after: a date (the whole day) or an ISO 8601 date-time."),
    )
    published_until = DateOrDateTimeField(
        required=False,
        help_text=("Published at or before: a date (the whole day) or an ISO 8601 date-time."),
    )
    search = serializers.CharField(
        required=False,
        max_length=500,
        help_text=(
            "Full-text search over the claim text (English stemming), web-search syntax: "
            'words, "a phrase", -excluded, or.'
        ),
    )
    min_origins = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=("At least N independent origins (see `independent_origins`)."),
    )
    ordering = serializers.ChoiceField(
        choices=[o.value for o in ClaimOrdering],
        required=False,
        help_text=(
            "-published (default), published, reliability (weakest link A first), -reliability, "
            "-corroboration, corroboration, -id, id, -origins (most independent origins first), origins. "
            "Ties are broken by newest publication, then id."
        ),
    )


def claim_filters(query: dict[str, Any], **fixed: Any) -> ClaimFilters:
    """`ClaimFilters` from `ClaimListQuery`'s validated data; `fixed` overrides some."""
    source_id, source_name = split_id_or_name(query.get("source"))
    outlet_id, outlet_name = split_id_or_name(query.get("outlet"))
    values: dict[str, Any] = {
        "source_id": source_id,
        "source_name": source_name,
        "source_role": SourceRole(query.get("source_role", SourceRole.ANY)),
        "source_kind": query.get("source_kind"),
        "min_reliability": query.get("min_reliability"),
        "max_credibility": query.get("max_credibility"),
        "hedged": query.get("hedged"),
        "verification_status": query.get("verification_status"),
        "flagged_figures": query.get("flagged_figures"),
        "article_id": query.get("article"),
        "outlet_id": outlet_id,
        "outlet_name": outlet_name,
        "published_from": query.get("published_from"),
        "published_until": query.get("published_until"),
        "search": query.get("search"),
        "min_origins": query.get("min_origins"),
        "ordering": ClaimOrdering(query.get("ordering", ClaimOrdering.NEWEST)),
    }
    values.update(fixed)
    return ClaimFilters(**values)


def claim_params_check(params: QueryDict) -> tuple[ClaimFilters, dict[str, str]]:
    """The filters of the good parameters, and a message per bad one (unknown, repeated or
    with a bad value), for a page that reports them and applies the rest. `cursor`,
    `page_size` and `format` are the pagination's and the export's, not filters."""
    values, problems = query_check(ClaimListQuery, params)
    return claim_filters(values), problems


def claim_filters_from_params(params: QueryDict, **fixed: Any) -> ClaimFilters:
    """The filters a query string asks for (`fixed` overrides some, e.g. a path's source).
    Raises ApplicationError (the API's 400) naming the first bad parameter, every one in
    `details.fields`."""
    values, problems = query_check(ClaimListQuery, params)
    if problems:
        raise query_error(problems)
    return claim_filters(values, **fixed)

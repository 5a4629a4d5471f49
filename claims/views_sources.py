"""Pages for articles and sources."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.selectors import source_history
from claims import source_editorial
from claims.selectors import (
    ClaimFilters,
    ClaimOrdering,
    SourceRole,
    claim_list,
)
from claims.selectors_sources import SourceFilters, source_cited_most, source_get, source_list
from claims.views import _int, _report
from core.errors import ApplicationError
from core.pagination import keyset_page
from extraction.types import SourceKind
from sources.models import Reliability

SOURCE_PAGE_SIZE = 50
# Each ends in the primary key, so it is a total order a keyset cursor can resume.
SOURCE_SORTS = {
    "name": ("name", "id"),
    "reliability": ("reliability", "name", "id"),
    "-reliability": ("-reliability", "name", "id"),
    "kind": ("kind", "name", "id"),
    "country": ("country", "name", "id"),
    "-originated": ("-claims_originated", "name", "id"),
    "-relayed": ("-claims_relayed", "name", "id"),
}


def source_list_view(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "name")
    ordering = SOURCE_SORTS.get(sort, SOURCE_SORTS["name"])
    filters = SourceFilters(
        search=request.GET.get("q") or None,
        kind=request.GET.get("kind") or None,
        reliability=request.GET.get("reliability") or None,
    )
    page = keyset_page(
        request, source_list(filters=filters), ordering=ordering, size=SOURCE_PAGE_SIZE
    )
    return render(
        request,
        "sources/source_list.html",
        {
            "page": page,
            "sort": sort,
            "q": filters.search or "",
            "sorts": SOURCE_SORTS,
        },
    )


def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    source = source_get(source_id=source_id)
    if source is None:
        raise Http404("No such source.")
    originated = list(
        claim_list(
            filters=ClaimFilters(
                source_id=source.pk, source_role=SourceRole.ORIGIN, ordering=ClaimOrdering.NEWEST
            )
        )[:20]
    )
    relayed = list(
        claim_list(
            filters=ClaimFilters(
                source_id=source.pk, source_role=SourceRole.RELAY, ordering=ClaimOrdering.NEWEST
            )
        )[:20]
    )
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "originated": originated,
            "relayed": relayed,
            "cited": source_cited_most(source_id=source.pk),
            "history": source_history(source.pk),
            "grades": Reliability.choices,
            "kinds": [(k.value, k.value.replace("_", " ")) for k in SourceKind],
        },
    )


@require_POST
def source_edit_view(request: HttpRequest, source_id: int) -> HttpResponse:
    """One form post per editorial action on a source; the services check the role."""
    p, user = request.POST, request.user
    version, reason, op = _int(p.get("version")), p.get("reason", ""), p.get("op", "")
    target = source_id
    try:
        if op == "rate":
            source_editorial.source_rate(
                actor=user,
                source_id=source_id,
                expected_version=version,
                reliability=p.get("reliability", ""),
                reason=reason,
                evidence=p.get("evidence", ""),
            )
        elif op == "update":
            parent = p.get("parent", "").strip()
            parent_id: int | None | bool = False
            if parent == "-":
                parent_id = None
            elif parent:
                found = (
                    source_list(filters=SourceFilters(search=parent))
                    .filter(name__iexact=parent)
                    .first()
                )
                if found is None:
                    raise ApplicationError(f"There is no source named {parent!r}.", field="parent")
                parent_id = found.pk
            source_editorial.source_update(
                actor=user,
                source_id=source_id,
                expected_version=version,
                reason=reason,
                kind=p.get("kind") or None,
                country=p.get("country"),
                parent_id=parent_id,
            )
        elif op == "alias":
            source_editorial.source_alias_add(
                actor=user, source_id=source_id, alias=p.get("alias", ""), reason=reason
            )
        elif op == "merge":
            source_editorial.source_merge(
                actor=user,
                source_id=source_id,
                other_id=_int(p.get("other_id")) or 0,
                reason=reason,
            )
        else:
            raise ApplicationError(f"Unknown action {op!r}.")
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, "Saved. The change is recorded in the source's history.")
    return redirect(reverse("source-detail", args=[target]) + "#edit")

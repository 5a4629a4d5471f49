"""Pages for analysts: the claims browser and a claim's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from claims.forms import ClaimFilterForm
from claims.presentation import chain_picture
from claims.selectors import (
    CLAIM_ORDERING_FIELDS,
    ClaimFilters,
    ClaimOrdering,
    claim_get,
    claim_list,
)
from provenance.errors import ApplicationError
from provenance.paging import keyset_page

PAGE_SIZE = 25


def claim_browser(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None)
    filters = form.to_filters() if form.is_valid() else ClaimFilters()
    error = None
    try:
        page = keyset_page(claim_list(filters=filters), ordering=CLAIM_ORDERING_FIELDS[ClaimOrdering(filters.ordering)],
                           cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    except ApplicationError as exc:
        error = exc.message
        page = keyset_page(claim_list(filters=filters), ordering=CLAIM_ORDERING_FIELDS[ClaimOrdering(filters.ordering)],
                           cursor=None, size=PAGE_SIZE)
    next_query = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_query = params.urlencode()
    filtered = any(v for k, v in request.GET.items() if k != "cursor")
    return render(request, "claims/browser.html", {
        "form": form, "claims": page.rows, "next_query": next_query, "error": error,
        "filtered": filtered, "first_page": not request.GET.get("cursor"),
    })


def _chain_links(claim) -> list[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    links = [
        (a.mention, f"{a.source.name} · {a.source.get_kind_display()} · reliability {a.source.reliability}"
         + (f" · “{a.cue}”" if a.cue else ""), a.source.reliability, a.source.kind,
         reverse("source-detail", args=[a.source_id]))
        for a in claim.attributions.all()
    ]
    outlet = claim.article.outlet
    if outlet is not None:
        links.append((outlet.name, f"{outlet.name} · publishing outlet · reliability {outlet.reliability}",
                      outlet.reliability, "outlet", reverse("source-detail", args=[outlet.pk])))
    return links


def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = claim_get(claim_id=claim_id)
    if claim is None:
        raise Http404("No such claim.")
    body = claim.article.body
    # The sentence in its paragraph: a window around the claim, cut at line breaks.
    window_start = body.rfind("\n", 0, max(0, claim.sentence_start - 1)) + 1
    window_end = body.find("\n", claim.sentence_end)
    window_end = len(body) if window_end < 0 else window_end
    context = {
        "before": body[window_start:claim.start],
        "text": body[claim.start:claim.end],
        "after": body[claim.end:window_end],
    }
    links = [(link, link.to_claim, "out") for link in claim.links_out.all()] + [
        (link, link.from_claim, "in") for link in claim.links_in.all()
    ]
    return render(request, "claims/detail.html", {
        "claim": claim, "context": context, "picture": chain_picture(_chain_links(claim)),
        "links": links,
    })



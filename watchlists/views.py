"""Watchlist pages: "My watchlists", one watchlist (its matches, deliveries and feed URL),
saving the claims page's view, and the private Atom feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from watchlists.models import MatchReason
from watchlists.selectors import (
    RECENT,
    watchlist_deliveries,
    watchlist_for_feed,
    watchlist_get,
    watchlist_list,
    watchlist_matches,
)
from watchlists.services import watchlist_create, watchlist_delete


@login_required
def watchlist_list_view(request: HttpRequest) -> HttpResponse:
    watchlists = list(watchlist_list(user=request.user)[:200])
    return render(request, "watchlists/list.html", {"watchlists": watchlists})


@login_required
@require_POST
def watchlist_create_view(request: HttpRequest) -> HttpResponse:
    """The claims page's "Save as watchlist" form: a name and the page's query string (the page
    takes the API's filter names, so the string is stored as it is)."""
    try:
        watchlist = watchlist_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except ApplicationError as exc:
        messages.error(request, f"The watchlist was not saved: {exc.message}")
        return redirect(reverse("home") + "?" + request.POST.get("query", ""))
    messages.success(request, f"Saved “{watchlist.name}”. New matching claims will show here.")
    return redirect("watchlists:detail", watchlist_id=watchlist.pk)


@login_required
def watchlist_detail_view(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = watchlist_get(user=request.user, watchlist_id=watchlist_id)
    if watchlist is None:
        raise Http404("No such watchlist of yours.")
    feed = reverse("watchlists:feed", args=[watchlist.pk]) + f"?token={watchlist.feed_token}"
    claims_api = reverse("api:claim-list") + (f"?{watchlist.query}" if watchlist.query else "")
    return render(
        request,
        "watchlists/detail.html",
        {
            "watchlist": watchlist,
            "matches": list(watchlist_matches(watchlist_id=watchlist.pk)[:RECENT]),
            "deliveries": list(watchlist_deliveries(watchlist_id=watchlist.pk)[:RECENT]),
            "feed_url": request.build_absolute_uri(feed),
            "claims_api_url": claims_api,
            "filters": list(QueryDict(watchlist.query).items()),
        },
    )


@login_required
@require_POST
def watchlist_delete_view(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    try:
        watchlist_delete(actor=request.user, watchlist_id=watchlist_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Watchlist deleted.")
    return redirect("watchlists:list")


_REASON_TITLE = {
    MatchReason.NEW_CLAIM: "New claim",
    MatchReason.CONTRADICTED: "Contradicted",
}


def watchlist_feed_view(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    """The watchlist's recent matches as Atom. The token in the URL is the key: a feed reader
    cannot sign in, and a wrong token is a 404, like a watchlist that does not exist."""
    watchlist = watchlist_for_feed(watchlist_id=watchlist_id, token=request.GET.get("token", ""))
    if watchlist is None:
        raise Http404("No such feed.")
    page = request.build_absolute_uri(reverse("watchlists:detail", args=[watchlist.pk]))
    feed = feedgenerator.Atom1Feed(
        title=f"Provenance watchlist: {watchlist.name}",
        link=page,
        description=f"Claims newly matching {watchlist.query or 'all claims'}",
        feed_url=request.build_absolute_uri(),
        feed_guid=f"{page}#feed",
        language="en",
    )
    for match in watchlist_matches(watchlist_id=watchlist.pk)[:RECENT]:
        claim, article = match.claim, match.claim.article
        outlet = article.outlet.name if article.outlet else "an unknown outlet"
        what = _REASON_TITLE[MatchReason(match.reason)]
        detail = f"{what} in “{article.title or f'article {article.pk}'}” ({outlet})."
        if match.link is not None:
            other = (
                match.link.to_claim_id
                if match.link.from_claim_id == claim.pk
                else match.link.from_claim_id
            )
            detail += f" Claim {other} contradicts it."
        feed.add_item(
            title=f"{what}: {claim.text[:200]}",
            link=request.build_absolute_uri(reverse("claim-detail", args=[claim.pk])),
            description=f"{claim.text}\n\n{detail}",
            unique_id=f"{page}#match-{match.pk}",
            unique_id_is_permalink=False,
            pubdate=match.matched_at,
            updateddate=match.matched_at,
            categories=[match.reason],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response

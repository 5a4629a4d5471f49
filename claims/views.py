"""Pages for analysts: the claims browser and a claim's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.selectors import claim_history
from claims import editorial
from claims.forms import ClaimFilterForm
from claims.links import claim_link_review
from claims.models import Claim, Credibility, VerificationStatus
from claims.origins import claim_origins
from claims.presentation import chain_picture
from claims.selectors import (
    CLAIM_ORDERING_FIELDS,
    ClaimFilters,
    ClaimOrdering,
    claim_get,
    claim_list,
)
from claims.selectors_figures import figure_review_queue
from claims.tracks import figure_track, track_chart
from core.access import Role, role_of
from core.editing import ConflictError
from core.errors import ApplicationError
from core.pagination import keyset_page

PAGE_SIZE = 25


def claim_browser(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None)
    filters = form.to_filters() if form.is_valid() else ClaimFilters()
    page = keyset_page(
        request,
        claim_list(filters=filters),
        ordering=CLAIM_ORDERING_FIELDS[ClaimOrdering(filters.ordering)],
        size=PAGE_SIZE,
    )
    filtered = any(v for k, v in request.GET.items() if k != "cursor")
    return render(
        request,
        "claims/browser.html",
        {
            "form": form,
            "claims": page.rows,
            "next_query": page.next_query,
            "error": page.error,
            "filtered": filtered,
            "first_page": page.is_first,
        },
    )


def _chain_links(claim: Claim) -> list[tuple[str, str, str, str, str]]:
    links = [
        (
            a.mention,
            f"{a.source.name} · {a.source.get_kind_display()} · reliability {a.source.reliability}"
            + (f" · “{a.cue}”" if a.cue else ""),
            a.source.reliability,
            a.source.kind,
            reverse("source-detail", args=[a.source_id]),
        )
        for a in claim.attributions.all()
    ]
    outlet = claim.article.outlet
    if outlet is not None:
        links.append(
            (
                outlet.name,
                f"{outlet.name} · publishing outlet · reliability {outlet.reliability}",
                outlet.reliability,
                "outlet",
                reverse("source-detail", args=[outlet.pk]),
            )
        )
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
        "before": body[window_start : claim.start],
        "text": body[claim.start : claim.end],
        "after": body[claim.end : window_end],
    }
    links = [(link, link.to_claim, "out") for link in claim.links_out.all()] + [
        (link, link.from_claim, "in") for link in claim.links_in.all()
    ]
    chain_text = "\n".join(
        a.source.name if a.mention == a.source.name else f"{a.source.name} | {a.mention}"
        for a in claim.attributions.all()
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "context": context,
            "picture": chain_picture(_chain_links(claim)),
            "origins": claim_origins(claim_id=claim.pk),
            "links": links,
            "history": claim_history(claim.pk),
            "chain_text": chain_text,
            "statuses": VerificationStatus.choices,
            "grades": Credibility.choices,
        },
    )


# ------------------------------------------------------------------------------ editors


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _report(request: HttpRequest, exc: ApplicationError) -> None:
    message = exc.message
    current = exc.details.get("current") if isinstance(exc, ConflictError) else None
    if current:
        newer = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in current.items())
        message = f"{message} The newer value is {newer}." if newer else message
    messages.error(request, message)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@require_POST
def claim_edit_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    """One form post per editorial action on a claim; the services check the role."""
    p, user = request.POST, request.user
    version, reason, op = _int(p.get("version")), p.get("reason", ""), p.get("op", "")
    try:
        if op == "verification":
            editorial.claim_set_verification(
                actor=user,
                claim_id=claim_id,
                expected_version=version,
                status=p.get("status", ""),
                reason=reason,
            )
        elif op == "credibility":
            editorial.claim_override_credibility(
                actor=user,
                claim_id=claim_id,
                expected_version=version,
                credibility=_int(p.get("credibility")),
                reason=reason,
            )
        elif op == "span":
            editorial.claim_correct_span(
                actor=user,
                claim_id=claim_id,
                expected_version=version,
                start=_int(p.get("start")) or 0,
                end=_int(p.get("end")) or 0,
                reason=reason,
            )
        elif op == "chain":
            links = []
            for line in p.get("chain", "").splitlines():
                name, _, mention = (part.strip() for part in line.partition("|"))
                if name:
                    links.append(editorial.ChainLink(name=name, mention=mention or name))
            editorial.claim_set_chain(
                actor=user, claim_id=claim_id, expected_version=version, links=links, reason=reason
            )
        elif op == "split":
            editorial.claim_split(
                actor=user,
                claim_id=claim_id,
                expected_version=version,
                at=_int(p.get("at")) or 0,
                reason=reason,
            )
        else:
            raise ApplicationError(f"Unknown action {op!r}.")
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(request, "Saved. The change is recorded in the claim's history.")
    return redirect(reverse("claim-detail", args=[claim_id]) + "#edit")


@require_POST
def figure_review_view(request: HttpRequest, figure_id: int) -> HttpResponse:
    p = request.POST
    try:
        figure = editorial.figure_review(
            actor=request.user,
            figure_id=figure_id,
            expected_version=_int(p.get("version")),
            action=p.get("action", ""),
            reason=p.get("reason", ""),
            evidence=p.get("evidence", ""),
        )
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(
            request, f"Figure “{figure.text}” is now {figure.get_status_display().lower()}."
        )
    return _back(request, reverse("review-queue"))


def review_queue(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) < Role.ANALYST:
        return redirect_to_login(request.get_full_path())
    page = keyset_page(request, figure_review_queue(), ordering=("-id",), size=PAGE_SIZE)
    return render(
        request,
        "claims/review_queue.html",
        {"figures": page.rows, "next_query": page.next_query, "error": page.error},
    )


@require_POST
def link_review_view(request: HttpRequest, link_id: int) -> HttpResponse:
    """Confirm or reject a proposed claim link from a claim's page; the service checks the role."""
    p = request.POST
    try:
        link = claim_link_review(
            actor=request.user,
            link_id=link_id,
            action=p.get("action", ""),
            reason=p.get("reason", ""),
        )
    except ApplicationError as exc:
        _report(request, exc)
    else:
        messages.success(
            request,
            f"Link {link.get_status_display().lower()}: "
            f"{link.get_kind_display().lower()}. Origins and credibility recomputed.",
        )
    return _back(request, reverse("home"))


def figure_track_view(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    points = figure_track(q=q) if q else []
    return render(
        request,
        "claims/figure_track.html",
        {
            "q": q,
            "points": points,
            "chart": track_chart(points),
        },
    )

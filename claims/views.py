"""Pages for analysts: the claims browser and a claim's page."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.selectors import claim_history
from claims import editorial
from claims.claimreview import build_claim_review
from claims.forms import ClaimFilterForm
from claims.links import claim_link_review
from claims.models import Claim, Credibility, VerificationStatus
from claims.origins import claim_origins
from claims.presentation import chain_picture
from claims.selectors import CLAIM_ORDERING_FIELDS, ClaimOrdering, claim_get, claim_list
from claims.selectors_figures import figure_review_queue
from claims.selectors_reviews import claim_review_row
from claims.tracks import figure_track, track_chart
from core.access import Role, role_of
from core.editing import ConflictError
from core.errors import ApplicationError
from core.pagination import keyset_page

PAGE_SIZE = 25


# The page's filter names before it took the API's, and what each became: old links and
# bookmarks are redirected to the same view under the new names.
_OLD_NAMES = {"q": "search", "status": "verification_status", "sort": "ordering"}
_OLD_VALUES = {"hedged": {"yes": "true", "no": "false"}}
EXPORT_FORMATS = ("csv", "jsonl")


def _tidied(params: QueryDict) -> QueryDict | None:
    """`params` under the API's names and values without empty ones (the form sends every
    field), or None if they are so already."""
    if not (
        set(params) & {*_OLD_NAMES, "flagged"}
        or any(params.get(name) in values for name, values in _OLD_VALUES.items())
        or any("" in values for _, values in params.lists())
    ):
        return None
    new = QueryDict(mutable=True)
    old_first = sorted(params.lists(), key=lambda item: item[0] not in {*_OLD_NAMES, "flagged"})
    for name, values in old_first:  # a new name given beside its old one wins
        if name == "flagged":
            name, values = "flagged_figures", ["true"] if any(values) else []
        name = _OLD_NAMES.get(name, name)
        renames = _OLD_VALUES.get(name, {})
        given = [renames.get(value, value) for value in values if value != ""]
        if given:
            new.setlist(name, given)
    return new


def claim_browser(request: HttpRequest) -> HttpResponse:
    """The claims list with the API's filters (`claims.params`): a bad value is shown beside
    its field and the others apply; `format=csv|jsonl` hands over to the API's export."""
    tidied = _tidied(request.GET)
    if tidied is not None:
        # Old names and values become the API's; the form's empty fields are dropped, so the
        # URL to share is short. A 302: where a bookmark lands may change again.
        return redirect(f"{request.path}?{tidied.urlencode()}")
    if request.GET.get("format") in EXPORT_FORMATS:
        return redirect(f"{reverse('api:claim-list')}?{request.GET.urlencode()}")
    form = ClaimFilterForm(request.GET or None)
    form.is_valid()  # runs the API's check: form.filters, form.problems
    page = keyset_page(
        request,
        claim_list(filters=form.filters),
        ordering=CLAIM_ORDERING_FIELDS[ClaimOrdering(form.filters.ordering)],
        size=PAGE_SIZE,
    )
    # The download links carry the filters the page applied: not the bad ones (the API would
    # refuse the file), not the page's position (a file has every matching claim).
    applied = request.GET.copy()
    for name in [*form.problems, "cursor", "page_size", "format"]:
        applied.pop(name, None)
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
            "downloads": [
                (fmt.upper() if fmt == "csv" else "JSON Lines", _with(applied, format=fmt))
                for fmt in EXPORT_FORMATS
            ],
            "api_query": applied.urlencode(),
        },
    )


def _with(params: QueryDict, **more: str) -> str:
    params = params.copy()
    for name, value in more.items():
        params[name] = value
    return f"{reverse('api:claim-list')}?{params.urlencode()}"


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


# What Django's json_script escapes: the JSON stays JSON, and no "</script>" in a claim's text
# can end the element early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _claim_review_json(request: HttpRequest, claim_id: int) -> str:
    """The claim's ClaimReview as JSON for a <script type="application/ld+json">, or ""."""
    row = claim_review_row(claim_id=claim_id)
    review = (
        build_claim_review(
            row,
            url=request.build_absolute_uri(reverse("claim-detail", args=[claim_id])),
            organization_name=settings.CLAIMREVIEW_ORGANIZATION_NAME,
            organization_url=settings.CLAIMREVIEW_ORGANIZATION_URL,
        )
        if row is not None
        else None
    )
    if review is None:
        return ""
    return json.dumps(review, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


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
            "claimreview": _claim_review_json(request, claim.pk),
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

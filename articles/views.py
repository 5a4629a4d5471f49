"""Pages for articles and sources."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from articles.forms import ArticleSubmitForm
from articles.selectors import article_get
from articles.services import article_reextract, article_submit, article_submit_file
from claims.presentation import highlight_segments
from claims.selectors import (
    claim_list_for_article,
)
from core.access import can_submit, require_editor
from core.errors import ApplicationError


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_get(article_id=article_id)
    if article is None:
        raise Http404("No such article.")
    claims = list(claim_list_for_article(article_id=article.pk))
    return render(
        request,
        "sources/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "segments": highlight_segments(article.body, claims),
        },
    )


@require_POST
def article_retry(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        require_editor(request.user)
        article_reextract(article_id=article_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The article is queued for extraction again.")
    return redirect("article-detail", article_id=article_id)


def article_submit_view(request: HttpRequest) -> HttpResponse:
    if not can_submit(request.user):
        # The page says to sign in instead of showing a form this visitor cannot use.
        if request.method == "POST":
            messages.error(request, "Sign in to submit articles.")
        status = 403 if request.method == "POST" else 200
        return render(request, "sources/submit.html", {"form": None}, status=status)
    form = ArticleSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        meta = {
            "title": form.cleaned_data.get("title") or "",
            "outlet": form.cleaned_data.get("outlet") or "",
            "url": form.cleaned_data.get("url") or "",
            "published_at": form.cleaned_data.get("published_at"),
        }
        try:
            upload = form.cleaned_data.get("file")
            if upload is not None:
                result = article_submit_file(data=upload.read(), filename=upload.name or "", **meta)
            else:
                result = article_submit(body=form.cleaned_data["body"], **meta)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if result.created:
                messages.success(
                    request, "Article received; its claims appear below as soon as it is processed."
                )
            else:
                messages.info(
                    request, "This text was already submitted; here is the stored article."
                )
            return redirect("article-detail", article_id=result.article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sources/submit.html", {"form": form}, status=status)

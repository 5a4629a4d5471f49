from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from claims.selectors import claim_list_for_article
from provenance.errors import ApplicationError
from sources.forms import ArticleSubmitForm
from sources.selectors import article_get
from sources.services import article_submit, article_submit_file


def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = article_get(article_id=article_id)
    if article is None:
        raise Http404("No such article.")
    claims = list(claim_list_for_article(article_id=article.pk))
    return render(request, "sources/article_detail.html", {"article": article, "claims": claims})


def article_submit_view(request: HttpRequest) -> HttpResponse:
    form = ArticleSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        meta = {k: form.cleaned_data[k] for k in ("title", "outlet", "url", "published_at")}
        meta = {k: v if v is not None else ("" if k != "published_at" else None) for k, v in meta.items()}
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
                messages.success(request, "Article received; its claims appear below as soon as it is processed.")
            else:
                messages.info(request, "This text was already submitted; here is the stored article.")
            return redirect("article-detail", article_id=result.article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sources/submit.html", {"form": form}, status=status)

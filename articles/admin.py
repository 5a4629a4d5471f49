from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from articles.forms import ArticleAdminAddForm
from articles.services import article_submit
from audit.services import audit_context
from claims.origins import claims_article_changed
from core.errors import ApplicationError
from sources.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "outlet", "status", "attempts", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["title", "url"]
    raw_id_fields = ["outlet"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "content_hash",
        "status",
        "attempts",
        "lease_owner",
        "lease_expires_at",
        "enqueued_at",
        "error",
        "extractor_version",
        "submitted_at",
        "processed_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        if obj is None:
            return ["title", "outlet_name", "url", "published_at", "body"]
        return super().get_fields(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Article | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ArticleAdminAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Article, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            # Audited with the admin user as actor; its claims follow (publication day, outlet
            # reliability in their weakest link and credibility).
            with audit_context(
                actor=request.user,
                action="article.admin_edit",
                reason=f"Edited in the admin: {', '.join(form.changed_data) or 'no field'}",
            ):
                super().save_model(request, obj, form, change)
                if {"published_at", "outlet"} & set(form.changed_data):
                    claims_article_changed(article_id=obj.pk)
            return
        # New articles go through the one submission service, like every other door.
        try:
            result = article_submit(
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title", ""),
                outlet=form.cleaned_data.get("outlet_name", ""),
                url=form.cleaned_data.get("url", ""),
                published_at=form.cleaned_data.get("published_at"),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = result.article.pk
        if not result.created:
            messages.warning(
                request, "This text was already submitted; showing the stored article."
            )

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from core.errors import ApplicationError
from feeds.models import Feed, FeedEntry, UrlSubmission
from feeds.services import feed_create, feed_poll_request, feed_update

_EDITABLE = ["url", "name", "outlet", "poll_interval_minutes", "is_active"]
_HEALTH = [
    "last_polled_at",
    "last_success_at",
    "last_error",
    "last_error_at",
    "consecutive_failures",
    "articles_added",
    "next_poll_at",
    "lease_expires_at",
    "etag",
    "last_modified",
    "created_at",
]


class FeedAdminForm(forms.ModelForm):
    url = forms.URLField(
        max_length=2000, assume_scheme="https", widget=forms.URLInput(attrs={"size": 80})
    )

    class Meta:
        model = Feed
        fields = _EDITABLE

    def clean_url(self) -> str:
        # The model's URLField also accepts ftp://; the fetcher would only refuse it later.
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter an http or https URL.")
        return url


class FeedEntryInline(admin.TabularInline):
    model = FeedEntry
    extra = 0
    fields = ["title", "url", "status", "error", "attempts", "article", "first_seen_at"]
    readonly_fields = fields
    raw_id_fields = ["article"]
    ordering = ["-first_seen_at", "-id"]
    show_change_link = False
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Feed | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeedEntry]:
        return super().get_queryset(request).select_related("article")


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "url",
        "is_active",
        "consecutive_failures",
        "articles_added",
        "last_success_at",
        "next_poll_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "url", "outlet"]
    fields = [*_EDITABLE, *_HEALTH]
    readonly_fields = _HEALTH
    form = FeedAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [FeedEntryInline]
    actions = ["poll_now"]

    def save_model(
        self, request: HttpRequest, obj: Feed, form: FeedAdminForm, change: bool
    ) -> None:
        # Through the services, like every other door: the same validation, the first poll
        # enqueued after commit, and update_fields so the poller's health columns survive.
        values = {name: form.cleaned_data[name] for name in _EDITABLE if name in form.cleaned_data}
        try:
            if change:
                feed_update(actor=request.user, feed=Feed.objects.get(pk=obj.pk), **values)
            else:
                obj.pk = feed_create(actor=request.user, **values).pk
        except ApplicationError as exc:
            messages.error(request, exc.message)

    @admin.action(description="Poll the selected feeds now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        feeds = list(queryset.filter(is_active=True))
        for feed in feeds:
            feed_poll_request(feed=feed)
        messages.info(request, f"{len(feeds)} active feed(s) will be polled in a moment.")


@admin.register(UrlSubmission)
class UrlSubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "url", "status", "attempts", "article", "created_at"]
    list_filter = ["status"]
    search_fields = ["url"]
    list_select_related = ["article"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "url",
        "status",
        "error",
        "attempts",
        "lease_expires_at",
        "article",
        "article_created",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New submissions come through the form or the API, which enqueue the fetch.
        return False

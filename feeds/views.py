"""HTML pages for feeds and URL submissions: parse the form, call one service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.selectors import feed_history
from core.errors import ApplicationError
from feeds.access import feeds_access_check, url_access_check
from feeds.forms import FeedForm, UrlSubmitForm
from feeds.models import Feed
from feeds.selectors import (
    feed_entry_list,
    feed_get,
    feed_list,
    url_submission_get,
    url_submission_list_recent,
)
from feeds.services import feed_create, feed_poll_request, feed_update
from feeds.url_submissions import url_submission_create


def _feed_or_404(feed_id: int) -> Feed:
    feed = feed_get(feed_id=feed_id)
    if feed is None:
        raise Http404("No such feed.")
    return feed


def _form_error(form: forms.Form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@feeds_access_check
def feed_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "feeds/feed_list.html", {"feeds": list(feed_list())})


@feeds_access_check
def feed_create_view(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feed = feed_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Feed added; it is polled right away when active.")
            return redirect("feeds:detail", feed_id=feed.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "feeds/feed_form.html", {"form": form, "feed": None}, status=status)


@feeds_access_check
def feed_detail_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = _feed_or_404(feed_id)
    entries = feed_entry_list(feed_id=feed.pk)
    return render(
        request,
        "feeds/feed_detail.html",
        {"feed": feed, "entries": entries, "history": feed_history(feed.pk)},
    )


@feeds_access_check
def feed_edit_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = _feed_or_404(feed_id)
    initial = {name: getattr(feed, name) for name in FeedForm.base_fields}
    form = FeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feed_update(actor=request.user, feed=feed, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Feed saved.")
            return redirect("feeds:detail", feed_id=feed.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "feeds/feed_form.html", {"form": form, "feed": feed}, status=status)


@require_POST
@feeds_access_check
def feed_poll_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = _feed_or_404(feed_id)
    try:
        feed_poll_request(feed=feed)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, "The feed will be polled in a moment; reload to see the result.")
    return redirect("feeds:detail", feed_id=feed.pk)


@url_access_check
def url_submit_view(request: HttpRequest) -> HttpResponse:
    form = UrlSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission, created = url_submission_create(url=form.cleaned_data["url"])
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            if created:
                messages.success(request, "URL received; a worker is fetching the page.")
            else:
                messages.info(request, "This URL was already submitted; here is its submission.")
            return redirect("feeds:url-detail", submission_id=submission.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "feeds/url_submit.html",
        {"form": form, "submissions": url_submission_list_recent()},
        status=status,
    )


@url_access_check
def url_submission_detail_view(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = url_submission_get(submission_id=submission_id)
    if submission is None:
        raise Http404("No such URL submission.")
    return render(request, "feeds/url_detail.html", {"submission": submission})

from __future__ import annotations

from django import forms

from feeds.models import MAX_POLL_MINUTES, MIN_POLL_MINUTES


class FeedForm(forms.Form):
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        label="Feed URL",
        help_text="The address of the RSS or Atom feed itself.",
    )
    name = forms.CharField(
        max_length=300, required=False, help_text="Leave empty to use the feed's own title."
    )
    outlet = forms.CharField(
        max_length=300,
        required=False,
        label="Outlet (publisher)",
        help_text="Leave empty to use the feed's title as the outlet.",
    )
    poll_interval_minutes = forms.IntegerField(
        min_value=MIN_POLL_MINUTES,
        max_value=MAX_POLL_MINUTES,
        initial=60,
        label="Poll every (minutes)",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active (polled)")


class UrlSubmitForm(forms.Form):
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        label="Article URL",
        help_text="A worker fetches the page and extracts the article's text.",
    )

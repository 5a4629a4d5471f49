from __future__ import annotations

from django import forms
from django.conf import settings

from core.errors import ApplicationError
from sources.models import Article
from sources.text import clean_text


class ArticleSubmitForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}), required=False, label="Article text", strip=False
    )
    file = forms.FileField(required=False, label="…or upload a .txt or .html file")
    title = forms.CharField(max_length=500, required=False)
    outlet = forms.CharField(max_length=300, required=False, label="Outlet (publisher)")
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https", label="URL")
    published_at = forms.DateField(
        required=False, label="Publication date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("body", "").strip() and not data.get("file"):
            raise forms.ValidationError("Paste the article's text or choose a file to upload.")
        if data.get("body", "").strip() and data.get("file"):
            raise forms.ValidationError("Paste text or upload a file, not both.")
        return data


class ArticleAdminAddForm(forms.ModelForm):
    outlet_name = forms.CharField(max_length=300, required=False, label="Outlet")
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https", label="URL")

    class Meta:
        model = Article
        fields = ["title", "url", "published_at", "body"]

    def clean_body(self) -> str:
        # The same checks as every other door, so the admin shows them as form errors.
        try:
            return clean_text(
                self.cleaned_data.get("body", ""), max_bytes=settings.ARTICLE_MAX_BYTES
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None

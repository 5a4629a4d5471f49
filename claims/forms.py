from __future__ import annotations

from django import forms

from claims.models import VerificationStatus
from claims.selectors import ClaimFilters, ClaimOrdering
from extraction.types import SourceKind

_ANY = [("", "Any")]


class ClaimFilterForm(forms.Form):
    """The claims browser's filters. Every value lives in the URL, so a view can be shared."""

    q = forms.CharField(
        required=False,
        label="Search claims",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": 'troops "North Korea" -drill'}
        ),
    )
    min_reliability = forms.ChoiceField(
        required=False,
        label="Minimum source reliability",
        choices=_ANY + [(g, f"{g} or better") for g in "ABCDE"],
    )
    source = forms.CharField(required=False, label="Source", max_length=300)
    source_kind = forms.ChoiceField(
        required=False,
        label="Source kind",
        choices=_ANY + [(k.value, k.value.replace("_", " ")) for k in SourceKind],
    )
    outlet = forms.CharField(required=False, label="Outlet", max_length=300)
    hedged = forms.ChoiceField(
        required=False,
        label="Hedged",
        choices=[("", "Any"), ("yes", "Hedged"), ("no", "Not hedged")],
    )
    status = forms.ChoiceField(
        required=False, label="Verification", choices=_ANY + VerificationStatus.choices
    )
    flagged = forms.BooleanField(required=False, label="Flagged figures only")
    min_origins = forms.IntegerField(
        required=False, min_value=1, max_value=1000, label="At least N independent origins"
    )
    published_from = forms.DateField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_until = forms.DateField(
        required=False, label="Published until", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            (ClaimOrdering.NEWEST.value, "Newest"),
            (ClaimOrdering.OLDEST.value, "Oldest"),
            (ClaimOrdering.MOST_RELIABLE.value, "Most reliable chain"),
            (ClaimOrdering.LEAST_RELIABLE.value, "Least reliable chain"),
            (ClaimOrdering.MOST_ORIGINS.value, "Most independent origins"),
            (ClaimOrdering.MOST_CORROBORATED.value, "Most corroborating links"),
            (ClaimOrdering.LATEST_EXTRACTED.value, "Latest extracted"),
        ],
    )

    def to_filters(self) -> ClaimFilters:
        d = self.cleaned_data
        hedged = {"yes": True, "no": False}.get(d.get("hedged") or "")
        return ClaimFilters(
            search=d.get("q") or None,
            min_reliability=d.get("min_reliability") or None,
            source_name=d.get("source") or None,
            source_kind=d.get("source_kind") or None,
            outlet_name=d.get("outlet") or None,
            hedged=hedged,
            verification_status=d.get("status") or None,
            flagged_figures=True if d.get("flagged") else None,
            min_origins=d.get("min_origins"),
            published_from=d.get("published_from"),
            published_until=d.get("published_until"),
            ordering=ClaimOrdering(d.get("sort") or ClaimOrdering.NEWEST.value),
        )

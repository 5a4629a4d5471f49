from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from claims.models import Credibility, VerificationStatus
from claims.params import claim_params_check
from claims.selectors import ClaimFilters, ClaimOrdering, SourceRole
from extraction.types import SourceKind

_ANY = [("", "Any")]
_YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class ClaimFilterForm(forms.Form):
    """The claims browser's filters, named and valued as the API's (`claims.params`), so a
    view is one query string for `/` and `/api/v1/claims`.

    The form only draws the fields: the values are checked by the API's own check
    (`claim_params_check`), so the page and the API cannot disagree about what a value means.
    A bad value is an error beside its field and the other filters still apply (`filters`);
    an unknown parameter is reported above the fields and ignored.
    """

    search = forms.CharField(
        required=False,
        label="Search claims",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": 'troops "North Korea" -drill'}
        ),
    )
    min_reliability = forms.ChoiceField(
        required=False,
        label="Minimum source reliability",
        choices=_ANY + [(g, f"{g} or better") for g in "ABCDE"] + [("F", "F (any)")],
    )
    max_credibility = forms.ChoiceField(
        required=False,
        label="Credibility at most",
        choices=_ANY + [(str(value), label) for value, label in Credibility.choices],
    )
    source = forms.CharField(required=False, label="Source", help_text="A name, an alias or an id.")
    source_role = forms.ChoiceField(
        required=False,
        label="Source's place in the chain",
        choices=[
            ("", "Anywhere"),
            (SourceRole.ORIGIN.value, "Origin"),
            (SourceRole.RELAY.value, "Relay (or outlet)"),
        ],
    )
    source_kind = forms.ChoiceField(
        required=False,
        label="Source kind",
        choices=_ANY + [(k.value, k.value.replace("_", " ")) for k in SourceKind],
    )
    outlet = forms.CharField(required=False, label="Outlet")
    hedged = forms.ChoiceField(required=False, label="Hedged", choices=_YES_NO)
    verification_status = forms.ChoiceField(
        required=False, label="Verification", choices=_ANY + VerificationStatus.choices
    )
    flagged_figures = forms.ChoiceField(
        required=False,
        label="Flagged figures",
        choices=[("", "Any"), ("true", "With a flagged figure"), ("false", "Without")],
    )
    min_origins = forms.CharField(
        required=False,
        label="At least N independent origins",
        widget=forms.NumberInput(attrs={"min": 1}),
    )
    published_from = forms.CharField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_until = forms.CharField(
        required=False, label="Published until", widget=forms.DateInput(attrs={"type": "date"})
    )
    article = forms.CharField(
        required=False, label="Article id", widget=forms.NumberInput(attrs={"min": 1})
    )
    ordering = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            (ClaimOrdering.NEWEST.value, "Newest"),
            (ClaimOrdering.OLDEST.value, "Oldest"),
            (ClaimOrdering.MOST_RELIABLE.value, "Most reliable chain"),
            (ClaimOrdering.LEAST_RELIABLE.value, "Least reliable chain"),
            (ClaimOrdering.MOST_ORIGINS.value, "Most independent origins"),
            (ClaimOrdering.FEWEST_ORIGINS.value, "Fewest independent origins"),
            (ClaimOrdering.MOST_CORROBORATED.value, "Most corroborating links"),
            (ClaimOrdering.LEAST_CORROBORATED.value, "Fewest corroborating links"),
            (ClaimOrdering.LATEST_EXTRACTED.value, "Latest extracted"),
            (ClaimOrdering.FIRST_EXTRACTED.value, "First extracted"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = ClaimFilters()
        self.problems: dict[str, str] = {}
        for name in ("published_from", "published_until"):
            # The API takes a date-time too; a date input would show it as empty and drop it
            # on the next submit, so such a value gets a text input.
            if len(self.data.get(name) or "") > 10:
                self.fields[name].widget = forms.TextInput()

    def full_clean(self) -> None:
        """The API's check in place of the form's own (see the class's docstring)."""
        self._errors = ErrorDict()
        self.cleaned_data: dict[str, Any] = {}
        if not self.is_bound:
            return
        self.filters, self.problems = claim_params_check(self.data)
        for name, message in self.problems.items():
            if name in self.fields:
                self.add_error(name, f"{message} This filter was not applied.")
            else:
                self.add_error(None, f"{name}: {message} Ignored.")

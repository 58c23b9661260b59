from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .exports import FORMATS
from .models import RecordKind, RetentionAction, RetentionPolicy
from .retention import MAX_DAYS
from .search import KINDS as SEARCH_KINDS

SELECT = {"class": "usa-select"}
INPUT = {"class": "usa-input"}


class PoliciesForm(forms.Form):
    """One row per kind of record: days (empty: keep) and purge or anonymise."""

    def __init__(self, *args: Any, policies: dict[str, RetentionPolicy], kinds: list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds or list(RecordKind.values)
        labels = dict(RecordKind.choices)
        for kind in self.kinds:
            policy = policies.get(kind)
            self.fields[f"{kind}_days"] = forms.IntegerField(
                label=_("%(kind)s: days kept") % {"kind": labels[kind]}, required=False, min_value=1,
                max_value=MAX_DAYS, initial=policy.days if policy else None, widget=forms.NumberInput(attrs=INPUT),
                help_text=_("Empty: keep until a policy is set."))
            self.fields[f"{kind}_action"] = forms.ChoiceField(
                label=_("%(kind)s: when expired") % {"kind": labels[kind]}, choices=RetentionAction.choices,
                initial=policy.action if policy else RetentionAction.ANONYMISE, widget=forms.Select(attrs=SELECT))

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{k}_days"], self[f"{k}_action"]) for k in self.kinds]


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=300,
                             widget=forms.TextInput(attrs=INPUT))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200, widget=forms.TextInput(attrs={**INPUT, "type": "search"}),
                        help_text=_("A phone, e-mail, @handle, plate, a person's name or words"))
    kind = forms.ChoiceField(label=_("Search by"), required=False, widget=forms.Select(attrs=SELECT), choices=[
        ("auto", _("Anything (guess)")), ("phone", _("Phone")), ("email", _("E-mail")), ("handle", _("Online account")),
        ("plate", _("Vehicle plate")), ("name", _("Person's name (on a case)")), ("text", _("Words"))])
    dob = forms.CharField(label=_("Date of birth (with a name, when recorded)"), required=False, max_length=20,
                          widget=forms.TextInput(attrs=INPUT))

    def clean_kind(self) -> str:
        value = self.cleaned_data.get("kind") or "auto"
        return value if value in SEARCH_KINDS else "auto"


class ExportForm(forms.Form):
    """The filters of one export (the page shows one per kind the user may export)."""

    output = forms.ChoiceField(label=_("Format"), choices=[(f, {"csv": "CSV", "json": "JSON Lines"}[f]) for f in FORMATS],
                               widget=forms.Select(attrs=SELECT))
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={**INPUT, "type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={**INPUT, "type": "date"}))
    status = forms.CharField(label=_("Status"), required=False, max_length=30, widget=forms.TextInput(attrs=INPUT))
    county = forms.CharField(label=_("County FIPS"), required=False, max_length=5, widget=forms.TextInput(attrs=INPUT))

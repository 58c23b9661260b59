from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from beacon.core.models import County, User
from beacon.core.templatetags.beacon_format import person_name

from . import triage
from .models import Situation, Status
from .services import NARRATIVE_MAX, NARRATIVE_MIN, TipInput, idempotency_key_ok

YES_NO = [("yes", _("Yes")), ("no", _("No")), ("unsure", _("I don't know"))]
ANSWER: dict[str, bool | None] = {"yes": True, "no": False}  # "unsure" and unanswered: None (unknown)


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "usa-input", **attrs})


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "usa-textarea", "rows": rows, **attrs})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name; checked by content later (photos.prepare), never refused here."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class ErrorSummaryMixin:
    """``fields_with_errors`` for the error summary at the top of a public form (tips/_error_summary.html)."""

    @property
    def fields_with_errors(self) -> list[Any]:
        form: Any = self
        return [form[name] for name in form.errors if name in form.fields]


class PublicTipForm(ErrorSummaryMixin, forms.Form):
    narrative = forms.CharField(
        label=_("What happened?"), min_length=NARRATIVE_MIN, max_length=NARRATIVE_MAX,
        help_text=_("Describe what you saw or heard, in your own words. At least 10 characters."),
        widget=_area(8, maxlength=NARRATIVE_MAX),
    )
    occurred = forms.CharField(label=_("When did it happen?"), required=False, max_length=200,
                               help_text=_("For example: last night, every weekend, since March."), widget=_text())
    place_text = forms.CharField(label=_("Where? Address, business, city or town"), required=False, max_length=300,
                                 widget=_text())
    county = forms.ChoiceField(label=_("County"), required=False, widget=forms.Select(attrs={"class": "usa-select"}))
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"class": "usa-input", "step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"class": "usa-input", "step": "any"}))
    # Optional and never preselected: an unanswered question and "I don't know" are unknown, not No.
    danger = forms.ChoiceField(label=_("Is anyone in immediate danger?"), choices=YES_NO, required=False,
                               widget=forms.RadioSelect)
    minor = forms.ChoiceField(label=_("Does it involve someone under 18?"), choices=YES_NO, required=False,
                              widget=forms.RadioSelect)
    situation = forms.ChoiceField(label=_("What kind of situation do you think it is?"), choices=Situation.choices,
                                  initial=Situation.UNSURE, widget=forms.RadioSelect)
    indicators = forms.MultipleChoiceField(
        label=_("Did you notice any of these?"), required=False,
        choices=[(k, v) for k, v in triage.INDICATORS.items()], widget=forms.CheckboxSelectMultiple,
    )
    photos = PhotosField(
        label=_("Photos or screenshots (optional)"), required=False,
        help_text=_("Up to 5 files, 10 MB each: JPEG, PNG or WebP. Location and camera details are removed "
                    "from the pictures before they are stored."),
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": "image/jpeg,image/png,image/webp"}),
    )
    people = forms.CharField(label=_("People: what did they look like? (one person per line)"), required=False,
                             max_length=3000, widget=_area())
    vehicle_description = forms.CharField(label=_("Vehicle: make, model, colour"), required=False, max_length=300,
                                          widget=_text())
    vehicle_plate = forms.CharField(label=_("Licence plate"), required=False, max_length=20, widget=_text())
    vehicle_state = forms.CharField(label=_("Plate state (for example MO)"), required=False, max_length=2,
                                    widget=_text(size=2))
    phones = forms.CharField(label=_("Phone numbers (one per line)"), required=False, max_length=1000, widget=_area(2))
    accounts = forms.CharField(label=_("Online accounts, websites or e-mail addresses (one per line)"),
                               required=False, max_length=2000, widget=_area(2))
    business_name = forms.CharField(label=_("Business name"), required=False, max_length=200, widget=_text())
    business_address = forms.CharField(label=_("Business address"), required=False, max_length=300, widget=_text())
    contact = forms.CharField(
        label=_("Your contact details (optional)"), required=False, max_length=500, widget=_area(2),
        help_text=_("Only if you want to be contacted. Stored encrypted; only the task force supervisors handling "
                    "your report can read it."),
    )
    language = forms.ChoiceField(label=_("Which language should we use with you?"),
                                 choices=[("en", "English"), ("es", "Español")],
                                 widget=forms.Select(attrs={"class": "usa-select"}))
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    # Random token made when the form is shown: the same submission sent twice files one tip.
    token = forms.CharField(required=False, widget=forms.HiddenInput)  # any value: clean_token decides

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = secrets.token_urlsafe(32)
        for name in ("danger", "minor"):  # no radio button starts checked, whatever the browser restores
            self.fields[name].initial = None
        self.fields["county"].choices = [("", _("- Choose a county (optional) -")), *County.objects.order_by("name").values_list("fips", "name")]  # type: ignore[attr-defined]
        self.fields["language"].initial = "es" if (get_language() or "").startswith("es") else "en"

    def clean_token(self) -> str:
        """A token that is not one this form could have made is ignored (the tip is filed without
        one), never an error: a reporter cannot see or fix a hidden field."""
        token = self.cleaned_data.get("token") or ""
        return token if idempotency_key_ok(token) else ""

    def to_input(self) -> TipInput:
        d = self.cleaned_data
        subjects: dict[str, Any] = {}
        if d["people"].strip():
            subjects["people"] = [p.strip() for p in d["people"].splitlines() if p.strip()]
        if d["phones"].strip():
            subjects["phones"] = [p.strip() for p in d["phones"].splitlines() if p.strip()]
        if d["accounts"].strip():
            subjects["accounts"] = [p.strip() for p in d["accounts"].splitlines() if p.strip()]
        if d["vehicle_description"].strip() or d["vehicle_plate"].strip():
            subjects["vehicles"] = [{"description": d["vehicle_description"].strip(), "plate": d["vehicle_plate"].strip(),
                                     "state": d["vehicle_state"].strip().upper()}]
        if d["business_name"].strip() or d["business_address"].strip():
            subjects["businesses"] = [{"name": d["business_name"].strip(), "address": d["business_address"].strip()}]
        return TipInput(
            narrative=d["narrative"], occurred=d["occurred"], place_text=d["place_text"], county_fips=d["county"] or "",
            lat=d["lat"], lon=d["lon"], situation=d["situation"], danger=ANSWER.get(d["danger"]),
            minor=ANSWER.get(d["minor"]), indicators=list(d["indicators"]), subjects=subjects, language=d["language"],
            contact=d["contact"], honeypot=d["website"],
        )


class FollowupForm(ErrorSummaryMixin, forms.Form):
    receipt_code = forms.CharField(label=_("Receipt code"), max_length=20,
                                   widget=_text(autocomplete="off", autocapitalize="characters"))
    passphrase = forms.CharField(
        label=_("Passphrase"), max_length=40,
        help_text=_("Groups of four letters and numbers, as on your receipt. Spaces instead of dashes, and lower case, are fine."),
        widget=forms.PasswordInput(attrs={"class": "usa-input beacon-passphrase", "autocomplete": "off",
                                          "autocapitalize": "characters", "spellcheck": "false"}, render_value=True))


class ReporterInfoForm(forms.Form):
    body = forms.CharField(label=_("Add information or answer a question"), max_length=5000, widget=_area(5))


# --- Staff -----------------------------------------------------------------------------------
class QueueFilterForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), required=False, coerce=int, empty_value=None,
                                      choices=[("", _("Any")), (1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")])
    county = forms.ChoiceField(label=_("County"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), ("open", _("Open (not closed or escalated)")), *Status.choices])
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    spam = forms.ChoiceField(label=_("Spam"), required=False, initial="exclude",
                             choices=[("exclude", _("Hide spam")), ("include", _("Include spam")), ("only", _("Only spam"))])
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    unassigned = forms.BooleanField(label=_("Not assigned to anyone"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("Any")), *County.objects.order_by("name").values_list("fips", "name")]  # type: ignore[attr-defined]
        for name, f in self.fields.items():
            if name not in ("mine", "unassigned"):
                f.widget.attrs.setdefault("class", "usa-select" if isinstance(f, forms.ChoiceField) else "usa-input")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=forms.Select(attrs={"class": "usa-select"}))


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=[(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")],
                                      widget=forms.Select(attrs={"class": "usa-select"}))
    reason = forms.CharField(label=_("Reason for the override"), min_length=3, max_length=500, widget=_text())


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), required=False,
                                      empty_label=_("Nobody"), widget=forms.Select(attrs={"class": "usa-select"}))

    def __init__(self, *args: Any, users: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in users]).order_by("last_name", "first_name", "username")  # type: ignore[attr-defined]
        field.label_from_instance = person_name  # type: ignore[attr-defined]


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Question for the reporter"), min_length=3, max_length=5000, widget=_area(3))


class SpamForm(forms.Form):
    is_spam = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200, widget=_text())

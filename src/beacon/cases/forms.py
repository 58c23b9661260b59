from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.identifiers import Kind
from beacon.core.models import Agency, County, TaskForce, User

from .models import Case, CaseEvent, Person
from .services import EXPORT_PASSWORD_MIN, MAX_GRANT_DAYS
from .typology import VenueType

# ISO dates whatever the language: a type="date" input shows nothing for "29/11/2026".
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "usa-input"})


class _Uswds(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                w.attrs.setdefault("class", "usa-select")
            elif isinstance(w, forms.Textarea):
                w.attrs.setdefault("class", "usa-textarea")
            elif isinstance(w, forms.ClearableFileInput | forms.FileInput):
                w.attrs.setdefault("class", "usa-file-input")
            else:
                w.attrs.setdefault("class", "usa-input")


class CaseForm(_Uswds):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Trafficking type"), choices=Case.Kind.choices, initial=Case.Kind.UNKNOWN)
    venue_type = forms.ChoiceField(label=_("Venue / industry (Polaris typology)"), required=False,
                                   choices=[("", "—"), *VenueType.choices])
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"), queryset=County.objects.order_by("name"), required=False,
        help_text=_("Hold Ctrl (Command on a Mac) to choose more than one."),
        # beacon/select-filter.js adds a box that narrows the 115 options as you type.
        widget=forms.SelectMultiple(attrs={"size": 8, "data-beacon-filter": _("Find a county")}))
    opened_on = forms.DateField(label=_("Opened on"), initial=timezone.localdate, widget=DATE)


class CaseUpdateForm(_Uswds):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Trafficking type"), choices=Case.Kind.choices)
    venue_type = forms.ChoiceField(label=_("Venue / industry (Polaris typology)"), required=False,
                                   choices=[("", "—"), *VenueType.choices])
    status = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(label=_("Outcome (when closed)"), required=False, choices=Case.Outcome.choices)
    lead_user = forms.ModelChoiceField(label=_("Case lead"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead_user"]).queryset = User.objects.filter(agency_id=case.lead_agency_id, is_active=True).order_by("username")


class PersonForm(_Uswds):
    role = forms.ChoiceField(label=_("Role"), choices=Person.Role.choices)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    date_of_birth = forms.CharField(label=_("Date of birth"), required=False, max_length=20,
                                    help_text=_("YYYY-MM-DD, if known"))
    age_group = forms.ChoiceField(label=_("Age group"), choices=Person.AgeGroup.choices, initial=Person.AgeGroup.UNKNOWN)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.UNKNOWN)
    nationality = forms.CharField(label=_("Nationality"), required=False, max_length=80)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IdentifierForm(_Uswds):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    raw = forms.CharField(label=_("Identifier"), max_length=300)
    person = forms.ModelChoiceField(label=_("Person (optional)"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = case.persons.order_by("id")


class TaskForm(_Uswds):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = [case.lead_agency_id, *case.participating_agencies.values_list("pk", flat=True)]
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = User.objects.filter(agency_id__in=agencies, is_active=True).order_by("username")


class EventForm(_Uswds):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (k, label) for k, label in CaseEvent.Kind.choices if k not in (CaseEvent.Kind.STATUS, CaseEvent.Kind.LINK)])
    occurred_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    count = forms.IntegerField(label=_("How many (arrests, charges, referrals)"), min_value=1, max_value=1000, initial=1)
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(_Uswds):
    file = forms.FileField(label=_("File"))


class AgencyForm(_Uswds):
    agency = forms.ModelChoiceField(label=_("Participating agency"), queryset=Agency.objects.order_by("name"))


class GrantForm(_Uswds):
    username = forms.CharField(label=_("User (username)"), required=False, max_length=150)
    agency = forms.ModelChoiceField(label=_("or agency"), queryset=Agency.objects.order_by("name"), required=False)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    victim_identity = forms.BooleanField(label=_("May see potential victims' identities"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = (data.get("username") or "").strip()
        user = User.objects.filter(username=username, is_active=True).first() if username else None
        if username and user is None:
            self.add_error("username", _("No active user has that username."))
        if bool(user) == bool(data.get("agency")) and not self.errors:
            raise forms.ValidationError(_("Give either a user or an agency."))
        data["user"] = user
        expires = data.get("expires_on")
        if expires:
            data["expires_at"] = timezone.make_aware(dt.datetime.combine(expires, dt.time(23, 59)))
            if expires > timezone.localdate() + dt.timedelta(days=MAX_GRANT_DAYS):
                self.add_error("expires_on", _("Grants last at most a year."))
        return data


class SourceForm(_Uswds):
    source = forms.CharField(label=_("Tip or ad operation"), help_text=_("tip:<id> or operation:<id>"), max_length=80)


class ExportForm(_Uswds):
    password = forms.CharField(label=_("Archive password"), min_length=EXPORT_PASSWORD_MIN,
                               widget=forms.PasswordInput(render_value=False))
    confirm = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput(render_value=False))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The passwords differ."))
        return data


class ReportForm(_Uswds):
    task_force = forms.ModelChoiceField(label=_("Task force"), queryset=TaskForce.objects.none(), to_field_name="slug")
    quarter = forms.RegexField(label=_("Quarter"), regex=r"^\d{4}-?[Qq][1-4]$", required=False,
                               help_text=_("e.g. 2026Q3; or give a custom period below"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To (inclusive)"), required=False, widget=DATE)

    def __init__(self, *args: Any, forces: list[TaskForce], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["task_force"]).queryset = TaskForce.objects.filter(Q(pk__in=[f.pk for f in forces]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("quarter") and not (data.get("start") and data.get("end")):
            raise forms.ValidationError(_("Give a quarter or both dates."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

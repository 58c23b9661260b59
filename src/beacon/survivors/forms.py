from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import Agency, County

from . import taxonomy
from .models import SHAREABLE_FIELDS, Consent, Goal, Service
from .services import LANGUAGE_NAMES, ServiceInput

LANGUAGE_CHOICES = [("", _("Any language"))] + [(c, n) for c, n in LANGUAGE_NAMES.items()]


def need_choices(blank: str | None = None) -> list[tuple[str, Any]]:
    items = [(c, n) for c, n in taxonomy.NEEDS.items()]
    return ([("", blank)] if blank else []) + items


def county_choices() -> list[tuple[str, str]]:
    return [("", str(_("Any county")))] + list(County.objects.order_by("name").values_list("fips", "name"))


class SearchForm(forms.Form):
    need = forms.ChoiceField(label=_("What help is needed"), required=False)
    county = forms.ChoiceField(label=_("County served"), required=False)
    near = forms.CharField(label=_("Near (city, county or ZIP code)"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    gender = forms.ChoiceField(label=_("Gender"), required=False)
    open_24_7 = forms.BooleanField(label=_("Open 24 hours, 7 days"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = need_choices(str(_("Any need")))  # type: ignore[attr-defined]
        self.fields["county"].choices = county_choices()  # type: ignore[attr-defined]
        self.fields["gender"].choices = [("", _("Any"))] + list(taxonomy.GENDERS.items())  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)
    needs = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    open_24_7 = forms.BooleanField(required=False, label=_("Open 24 hours, 7 days"))
    free = forms.BooleanField(required=False, label=_("Free of charge"))
    public = forms.BooleanField(required=False, initial=True, label=_("List in the public directory"))
    genders = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Leave empty when every gender is served."))
    minimum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    maximum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    languages = forms.MultipleChoiceField(required=False, choices=LANGUAGE_CHOICES[1:], widget=forms.CheckboxSelectMultiple)
    statewide = forms.BooleanField(required=False, label=_("Serves all of Missouri"))
    counties = forms.MultipleChoiceField(required=False, help_text=_("Counties served (hold Ctrl to pick several)."))
    address_1 = forms.CharField(required=False, max_length=300, label=_("Street address"))
    city = forms.CharField(required=False, max_length=100)
    postal_code = forms.CharField(required=False, max_length=10, label=_("ZIP code"))
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    confidential = forms.BooleanField(required=False, label=_("Confidential location (never publish the address)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_choices()  # type: ignore[attr-defined]
        self.fields["genders"].choices = list(taxonomy.GENDERS.items())  # type: ignore[attr-defined]
        self.fields["counties"].choices = county_choices()[1:]  # type: ignore[attr-defined]

    def to_input(self) -> ServiceInput:
        d = self.cleaned_data
        return ServiceInput(**{k: v for k, v in d.items()})

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        codes = {a.taxonomy_term.code for a in service.attributes.select_related("taxonomy_term")}
        sal = service.service_at_locations.select_related("location").first()
        loc = sal.location if sal else None
        addr = loc.addresses.first() if loc else None
        phone = service.phones.first()
        return {
            "name": service.name, "description": service.description, "url": service.url, "email": service.email,
            "phone": phone.number if phone else "", "needs": [c for c in codes if c in taxonomy.NEEDS],
            "open_24_7": taxonomy.OPEN_24_7 in codes, "free": taxonomy.FREE in codes,
            "public": taxonomy.NOT_PUBLIC not in codes,
            "genders": [g for g in taxonomy.GENDERS if f"gender-{g}" in codes],
            "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
            "languages": list(service.languages.values_list("code", flat=True)),
            "statewide": service.service_areas.filter(statewide=True).exists(),
            "counties": list(service.service_areas.filter(county__isnull=False).values_list("county_id", flat=True)),
            "address_1": addr.address_1 if addr else "", "city": addr.city if addr else "",
            "postal_code": addr.postal_code if addr else "", "latitude": loc.latitude if loc else None,
            "longitude": loc.longitude if loc else None, "confidential": bool(loc and loc.confidential),
        }


class SurvivorForm(forms.Form):
    preferred_name = forms.CharField(max_length=200, label=_("Preferred name (any name the survivor chooses)"))
    legal_name = forms.CharField(max_length=200, required=False)
    date_of_birth = forms.CharField(max_length=20, required=False, help_text=_("YYYY-MM-DD, if the survivor wants it recorded"))
    phone = forms.CharField(max_length=50, required=False, help_text=_("A number that is safe to call"))
    email = forms.EmailField(required=False)
    address = forms.CharField(max_length=300, required=False)
    languages = forms.CharField(max_length=200, required=False, help_text=_("Language codes, e.g. en, es"))
    needs = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    county = forms.ModelChoiceField(queryset=County.objects.order_by("name"), required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_choices()  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    description = forms.CharField(max_length=300)
    need = forms.ChoiceField(required=False)
    target_date = forms.DateField(required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = need_choices("—")  # type: ignore[attr-defined]


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Goal.Status.choices)


class ServiceReceivedForm(forms.Form):
    description = forms.CharField(max_length=300)
    received_on = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class ConsentForm(forms.Form):
    recipient_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Share with (agency)"))
    share = forms.MultipleChoiceField(choices=list(SHAREABLE_FIELDS.items()), widget=forms.CheckboxSelectMultiple,
                                      label=_("Fields the survivor agrees to share"))
    purpose = forms.CharField(max_length=300)
    method = forms.ChoiceField(choices=Consent.Method.choices, label=_("How consent was given"))
    expires_on = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Consent expires on"))

    def __init__(self, *args: Any, own_agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(kind__in=["ngo", "health", "tribal", "other"]).order_by("name")
        if own_agency_id is not None:
            agencies = agencies.exclude(pk=own_agency_id)
        self.fields["recipient_agency"].queryset = agencies  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("expires_on", (timezone.localdate() + dt.timedelta(days=90)).isoformat())

    def expires_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none())
    consent = forms.ModelChoiceField(queryset=Consent.objects.none(), required=False,
                                     help_text=_("Only active consents are listed."))
    shared_fields = forms.MultipleChoiceField(choices=list(SHAREABLE_FIELDS.items()), widget=forms.CheckboxSelectMultiple,
                                              label=_("Share"))
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Do not put identifying details here."))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("accepted", _("Accept")), ("declined", _("Decline")),
                                        ("completed", _("Completed")), ("withdrawn", _("Withdraw"))])
    reason = forms.CharField(required=False, max_length=300)


class RevokeForm(forms.Form):
    reason = forms.CharField(required=False, max_length=300)


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label=_("HSDS package: a zip of a data package (datapackage.json and CSV files) or a JSON file"))
    hsds_version = forms.ChoiceField(label=_("HSDS version"), required=False, choices=[
        ("", _("Recognize it from the tables")), ("1.1", "1.1"), ("2.0", "2.0"), ("3", "3.x")],
        widget=forms.Select(attrs={"class": "usa-select"}))
    agency = forms.ModelChoiceField(label=_("Agency that runs the imported organizations (optional)"), required=False,
                                    queryset=Agency.objects.order_by("name"),
                                    widget=forms.Select(attrs={"class": "usa-select"}))

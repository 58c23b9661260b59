from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.models import County, TaskForce

from .metrics import regions
from .models import Audience, Campaign, Channel, Material
from .selectors import MAP_METRICS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format or "%Y-%m-%d")  # ISO whatever the language (type="date" needs it)


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput(attrs={"class": "usa-input"}))
    end = forms.DateField(label=_("To (inclusive)"), required=False, widget=DateInput(attrs={"class": "usa-input"}))
    region = forms.ChoiceField(label=_("Region"), required=False, widget=forms.Select(attrs={"class": "usa-select"}))
    task_force = forms.ChoiceField(label=_("Task force"), required=False,
                                   widget=forms.Select(attrs={"class": "usa-select"}))
    metric = forms.ChoiceField(label=_("Map shows"), required=False, widget=forms.Select(attrs={"class": "usa-select"}),
                               choices=[(k, v[0]) for k, v in MAP_METRICS.items()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", _("All regions"))] + [(r.slug, r.name) for r in regions()]
        cast(forms.ChoiceField, self.fields["task_force"]).choices = [("", _("Any task force"))] + list(
            TaskForce.objects.order_by("name").values_list("slug", "name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))
    status = forms.ChoiceField(choices=Campaign.Status.choices, widget=forms.Select(attrs={"class": "usa-select"}))
    start_date = forms.DateField(widget=DateInput(attrs={"class": "usa-input"}))
    end_date = forms.DateField(widget=DateInput(attrs={"class": "usa-input"}))
    counties = forms.MultipleChoiceField(label=_("Target counties"),
                                         widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": 10}))
    audiences = forms.MultipleChoiceField(choices=Audience.choices, required=False, widget=forms.CheckboxSelectMultiple)
    channels = forms.MultipleChoiceField(choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["counties"]).choices = list(County.objects.order_by("name").values_list("fips", "name"))


class ActivityForm(forms.Form):
    county = forms.ChoiceField(widget=forms.Select(attrs={"class": "usa-select"}))
    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.Select(attrs={"class": "usa-select"}))
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    planned_date = forms.DateField(widget=DateInput(attrs={"class": "usa-input"}))
    planned_reach = forms.IntegerField(min_value=0, initial=0, widget=forms.NumberInput(attrs={"class": "usa-input"}))
    public_event = forms.BooleanField(required=False, label=_("List on the public Awareness Day page"))
    location = forms.CharField(max_length=200, required=False, label=_("Public place name"),
                               widget=forms.TextInput(attrs={"class": "usa-input"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["county"]).choices = [(c.fips, c.name) for c in sorted(campaign.counties.all(), key=lambda c: c.name)]


class DeliverForm(forms.Form):
    delivered_date = forms.DateField(widget=DateInput(attrs={"class": "usa-input"}))
    reach = forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs={"class": "usa-input"}))


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    kind = forms.ChoiceField(choices=Material.Kind.choices, widget=forms.Select(attrs={"class": "usa-select"}))
    language = forms.CharField(max_length=10, initial="en", widget=forms.TextInput(attrs={"class": "usa-input"}))
    quantity = forms.IntegerField(min_value=0, initial=0, widget=forms.NumberInput(attrs={"class": "usa-input"}))
    url = forms.URLField(required=False, assume_scheme="https", widget=forms.URLInput(attrs={"class": "usa-input"}))

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beacon.core.models import County

from .models import Audience, Feedback, Workshop


class USWDSMixin:
    """Give widgets the USWDS classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):
                continue
            css = ("usa-select" if isinstance(widget, forms.Select) else
                   "usa-textarea" if isinstance(widget, forms.Textarea) else "usa-input")
            widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format or "%Y-%m-%d")  # ISO whatever the language (type="date" needs it)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WorkshopFilterForm(USWDSMixin, forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.all(), required=False,
                                    empty_label=_("Any county"))
    audience = forms.ChoiceField(label=_("Audience"), choices=[("", _("Any audience")), *Audience.choices], required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)


class RegistrationForm(USWDSMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("We send your confirmation and a link to cancel here."))
    organisation = forms.CharField(label=_("Organization (optional)"), max_length=200, required=False)
    # Honeypot: hidden from view and from assistive technology, and out of the tab order.
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class CertificateForm(USWDSMixin, forms.Form):
    learner_name = forms.CharField(label=_("Name to print on the certificate"), max_length=150)
    learner_email = forms.EmailField(label=_("E-mail address (optional)"), required=False, max_length=254,
                                     help_text=_("We e-mail you the certificate. Leave empty to download it only."))


class VerifyForm(USWDSMixin, forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)


class FeedbackForm(USWDSMixin, forms.ModelForm):
    rating = forms.TypedChoiceField(label=_("How useful was the workshop?"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(5, _("5 - very useful")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 - not useful"))])

    class Meta:
        model = Feedback
        fields: ClassVar = ["rating", "knows_what_to_do", "comments"]
        labels: ClassVar = {
            "knows_what_to_do": _("Do you know what to do if you see signs of trafficking?"),
            "comments": _("Anything else? (optional; please do not include anyone's personal details)"),
        }
        widgets: ClassVar = {"knows_what_to_do": forms.RadioSelect, "comments": forms.Textarea(attrs={"rows": 4})}


class WorkshopForm(USWDSMixin, forms.ModelForm):
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Workshop
        fields: ClassVar = ["title", "description", "audience", "course", "language", "starts_at", "ends_at", "county",
                            "venue_name", "venue_address", "online_url", "capacity", "waitlist_enabled", "waitlist_limit"]
        widgets: ClassVar = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                             "description": forms.Textarea(attrs={"rows": 3})}


class CoverageForm(USWDSMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To (inclusive)"), widget=DateInput)
    audience = forms.ChoiceField(label=_("Audience"), choices=[("", _("All audiences")), *Audience.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["start"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.cleaned_data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


def default_period() -> dict[str, dt.date]:
    today = timezone.localdate()
    return {"start": today - dt.timedelta(days=365), "end": today}

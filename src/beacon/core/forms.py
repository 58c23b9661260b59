from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Agency, County


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "class": "usa-input"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "usa-input"}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"), regex=r"^\s*(\d{6}|[A-Za-z2-7]{8})\s*$",
        help_text=_("Lost your phone? Enter one of your recovery codes instead."),
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows, or an 8-character recovery code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "usa-input"}),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, label=_("User"))
    action = forms.ChoiceField(required=False, label=_("Action"), choices=[("", _("Any"))])
    object_type = forms.CharField(required=False, label=_("Object type"))
    object_id = forms.CharField(required=False, label=_("Object id"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("Until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from .models import AuditEvent

        self.fields["action"].choices = [("", _("Any")), *AuditEvent.Action.choices]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "usa-input" if not isinstance(field, forms.ChoiceField) else "usa-select")


# --- People ----------------------------------------------------------------------------------
def _roles_field() -> forms.MultipleChoiceField:
    from .models import Role

    return forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))


class UserEditForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False,
                                    empty_label=_("No agency (platform administrator)"))

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field()
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name != "roles":
                field.widget.attrs.setdefault("class", "usa-select" if name == "agency" else "usa-input")


class InviteForm(UserEditForm):
    username = forms.RegexField(label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")})
    field_order = ["username", "email", "first_name", "last_name", "agency", "roles"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["class"] = "usa-input"


class EnrolForm(forms.Form):
    """The enrolment page: a new password (invitation) or the current one (MFA reset), then a TOTP code."""

    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "usa-input"}),
    )

    def __init__(self, *args: Any, new_password: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pw = {"class": "usa-input"}
        if new_password:
            self.fields["password1"] = forms.CharField(
                label=_("Choose a password"), strip=False,
                widget=forms.PasswordInput(attrs={**pw, "autocomplete": "new-password"}))
            self.fields["password2"] = forms.CharField(
                label=_("Type the password again"), strip=False,
                widget=forms.PasswordInput(attrs={**pw, "autocomplete": "new-password"}))
        else:
            self.fields["password"] = forms.CharField(
                label=_("Your password"), strip=False,
                widget=forms.PasswordInput(attrs={**pw, "autocomplete": "current-password"}))
        self.order_fields(["password1", "password2", "password", "token"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


# --- Task forces and agencies ------------------------------------------------------------------
class TaskForceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}))


class TaskForceCreateForm(TaskForceForm):
    slug = forms.SlugField(label=_("Short name (for links and the command line)"), required=False,
                           widget=forms.TextInput(attrs={"class": "usa-input"}))
    statewide = forms.BooleanField(label=_("Statewide (covers every county; takes what no regional force covers)"),
                                   required=False, widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))


class CoverageForm(forms.Form):
    """Which agencies belong to the task force and which counties it covers."""

    agencies = forms.ModelMultipleChoiceField(label=_("Member agencies"), queryset=Agency.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    counties = forms.ModelMultipleChoiceField(label=_("Counties covered"), queryset=County.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["counties"].queryset = County.objects.order_by("name")  # type: ignore[attr-defined]


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "usa-input"}))
    kind = forms.ChoiceField(label=_("Type"), widget=forms.Select(attrs={"class": "usa-select"}))
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none(), required=False,
                                    widget=forms.Select(attrs={"class": "usa-select"}))
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False,
                                     widget=forms.EmailInput(attrs={"class": "usa-input"}))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"class": "usa-input"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Agency.Kind.choices  # type: ignore[attr-defined]
        self.fields["county"].queryset = County.objects.order_by("name")  # type: ignore[attr-defined]

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "class": "usa-input"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "usa-input"}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "usa-input"}),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, label=_("User"))
    action = forms.ChoiceField(required=False, label=_("Action"), choices=[("", _("Any"))])
    object_type = forms.CharField(required=False, label=_("Object type"))
    object_id = forms.CharField(required=False, label=_("Object id"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from .models import AuditEvent

        self.fields["action"].choices = [("", _("Any")), *AuditEvent.Action.choices]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "usa-input" if not isinstance(field, forms.ChoiceField) else "usa-select")

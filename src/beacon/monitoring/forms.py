from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdKind, OperationDecision
from .selectors import QUEUE_FILTERS


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Show"), required=False, initial="open", choices=[
        ("open", _("Open (new and watched)")), ("new", _("New")), ("watch", _("Watched")),
        ("escalated", _("Escalated")), ("dismissed", _("Dismissed")), ("all", _("All")),
    ])
    min_ads = forms.IntegerField(label=_("At least this many ads"), required=False, min_value=1, initial=2)
    q = forms.CharField(label=_("Phone, handle or words"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind of ads"), required=False,
                             choices=[("", _("All kinds")), *AdKind.choices])

    def filters(self) -> dict[str, object]:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "open"
        return {"status": status if status in QUEUE_FILTERS else "open", "min_ads": data.get("min_ads") or 2,
                "q": (data.get("q") or "").strip(), "kind": data.get("kind") or ""}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=OperationDecision.Decision.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == OperationDecision.Decision.DISMISS and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason to dismiss an operation."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ad file (JSONL or CSV, gzip allowed)"))
    kind = forms.ChoiceField(label=_("Kind of ads in the file"), choices=AdKind.choices, initial=AdKind.ESCORT, required=False,
                             help_text=_("A row's own kind column wins."))

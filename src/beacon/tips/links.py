"""The tip line's ``LinkProvider``: how the case link graph and escalation find tips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.core.links import LinkedObject, by_object, int_ids

from .access import visible_tips
from .models import Tip, TipIdentifier


class TipLinkProvider:
    object_type = "tip"

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        return by_object(TipIdentifier.objects.filter(tip_id__in=int_ids(object_ids)).values_list("tip_id", "identifier_id"))

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        return by_object(
            TipIdentifier.objects.filter(identifier_id__in=list(identifier_ids)).values_list("tip_id", "identifier_id"))

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        ids = int_ids(object_ids)
        return {str(pk) for pk in visible_tips(user).filter(pk__in=ids).values_list("pk", flat=True)}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        out = {}
        for tip in Tip.objects.filter(pk__in=int_ids(object_ids)).select_related("county"):
            county = tip.county.name if tip.county else _("county unknown")
            out[str(tip.pk)] = LinkedObject(
                object_type="tip", object_id=str(tip.pk),
                label=_("Tip #%(n)s (P%(p)s, %(county)s, %(when)s)") % {
                    "n": tip.pk, "p": tip.priority, "county": county,
                    "when": f"{timezone.localtime(tip.created_at):%Y-%m-%d %H:%M}"},
                url=reverse("tips:detail", args=[tip.pk]),
            )
        return out

"""The tip line's ``LinkProvider``: how the case link graph and escalation find tips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from beacon.core.links import LinkedObject

from .access import visible_tips
from .models import Tip, TipIdentifier


def _ids(object_ids: Iterable[Any]) -> list[int]:
    out = []
    for value in object_ids:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


class TipLinkProvider:
    object_type = "tip"

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for tip_id, ident in TipIdentifier.objects.filter(tip_id__in=_ids(object_ids)).values_list("tip_id", "identifier_id"):
            out.setdefault(str(tip_id), set()).add(ident)
        return out

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        rows = TipIdentifier.objects.filter(identifier_id__in=list(identifier_ids)).values_list("tip_id", "identifier_id")
        for tip_id, ident in rows:
            out.setdefault(str(tip_id), set()).add(ident)
        return out

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        ids = _ids(object_ids)
        return {str(pk) for pk in visible_tips(user).filter(pk__in=ids).values_list("pk", flat=True)}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        out = {}
        for tip in Tip.objects.filter(pk__in=_ids(object_ids)).select_related("county"):
            county = tip.county.name if tip.county else "county unknown"
            out[str(tip.pk)] = LinkedObject(
                object_type="tip", object_id=str(tip.pk),
                label=f"Tip #{tip.pk} (P{tip.priority}, {county}, {tip.created_at:%Y-%m-%d})",
                url=reverse("tips:detail", args=[tip.pk]),
            )
        return out

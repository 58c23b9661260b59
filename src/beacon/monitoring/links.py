"""The link provider of ad operations: tips and cases sharing a phone, e-mail or handle link to them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.core.links import LinkedObject, by_object, int_ids
from beacon.core.permissions import Perm, has_perm

from .models import AdKey, Operation


class OperationLinkProvider:
    """``core.links.LinkProvider`` for object_type ``"operation"`` (live operations only, not merged ones)."""

    object_type = "operation"

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        rows = AdKey.objects.filter(ad__operation_id__in=int_ids(object_ids), identifier__isnull=False)
        return by_object(rows.values_list("ad__operation_id", "identifier_id").distinct())

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        rows = (AdKey.objects.filter(identifier_id__in=int_ids(identifier_ids), ad__operation__isnull=False)
                .exclude(ad__operation__status=Operation.Status.MERGED))
        return by_object(rows.values_list("ad__operation_id", "identifier_id").distinct())

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        """Everyone who may review ads sees every operation (ads are public postings)."""
        return {str(i) for i in object_ids} if has_perm(user, Perm.REVIEW_ADS) else set()

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        out = {}
        for op in Operation.objects.filter(pk__in=int_ids(object_ids)):
            what = (_("Job-ad operation #%(n)s: %(ads)s ads, risk %(risk)s") if op.kinds == ["job"]
                    else _("Ad operation #%(n)s: %(ads)s ads, risk %(risk)s"))
            label = what % {"n": op.pk, "ads": op.ad_count, "risk": f"{op.risk:g}"}
            out[str(op.pk)] = LinkedObject("operation", str(op.pk), label, reverse("monitoring:operation", args=[op.pk]))
        return out

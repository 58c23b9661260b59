"""The cases app's link provider ("case"), registered in ``CasesConfig.ready``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.core.links import LinkedObject, by_object, int_ids

from .access import visible_cases
from .models import Case, CaseIdentifier


class CaseLinkProvider:
    object_type = "case"

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        return by_object(CaseIdentifier.objects.filter(case_id__in=int_ids(object_ids)).values_list(
            "case_id", "identifier_id"))

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        return by_object(CaseIdentifier.objects.filter(identifier_id__in=list(identifier_ids)).values_list(
            "case_id", "identifier_id"))

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        ids = int_ids(object_ids)
        if not ids:
            return set()
        return {str(pk) for pk in visible_cases(user).filter(pk__in=ids).values_list("pk", flat=True)}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        base = reverse("cases:index")  # the detail page is "<index><id>/" (one reverse, not one per case)
        return {
            str(pk): LinkedObject("case", str(pk), _("Case #%(n)s: %(title)s") % {"n": pk, "title": title}, f"{base}{pk}/")
            for pk, title in Case.objects.filter(pk__in=int_ids(object_ids)).values_list("pk", "title")
        }

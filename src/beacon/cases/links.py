"""The cases app's link provider ("case"), registered in ``CasesConfig.ready``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from beacon.core.links import LinkedObject

from .access import visible_cases
from .models import Case, CaseIdentifier


def _ints(ids: Iterable[Any]) -> list[int]:
    out = []
    for i in ids:
        try:
            out.append(int(i))
        except (TypeError, ValueError):
            continue
    return out


class CaseLinkProvider:
    object_type = "case"

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        for case_id, ident_id in CaseIdentifier.objects.filter(case_id__in=_ints(object_ids)).values_list(
                "case_id", "identifier_id"):
            found[str(case_id)].add(ident_id)
        return dict(found)

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        for case_id, ident_id in CaseIdentifier.objects.filter(identifier_id__in=list(identifier_ids)).values_list(
                "case_id", "identifier_id"):
            found[str(case_id)].add(ident_id)
        return dict(found)

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        ids = _ints(object_ids)
        if not ids:
            return set()
        return {str(pk) for pk in visible_cases(user).filter(pk__in=ids).values_list("pk", flat=True)}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        base = reverse("cases:index")  # the detail page is "<index><id>/" (one reverse, not one per case)
        return {
            str(pk): LinkedObject("case", str(pk), f"Case #{pk}: {title}", f"{base}{pk}/")
            for pk, title in Case.objects.filter(pk__in=_ints(object_ids)).values_list("pk", "title")
        }

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from beacon.core import links
from beacon.core.identifiers import identifier_for
from beacon.core.links import LinkedObject
from beacon.core.permissions import Perm, has_perm
from beacon.monitoring.models import Ad, IngestRun


class FakeTips:
    """A tip provider as the tips app registers it: tip 1 holds the I-70 phone, tip 2 too but is restricted."""

    object_type = "tip"

    def __init__(self, identifier_id: int) -> None:
        self.held = {"1": {identifier_id}, "2": {identifier_id}}

    def identifiers_of(self, object_ids: Iterable[str]) -> dict[str, set[int]]:
        return {o: self.held[o] for o in object_ids if o in self.held}

    def objects_with(self, identifier_ids: Iterable[int]) -> dict[str, set[int]]:
        ids = set(identifier_ids)
        return {o: held & ids for o, held in self.held.items() if held & ids}

    def visible_to(self, user: Any, object_ids: Iterable[str]) -> set[str]:
        return {o for o in object_ids if o == "1" and has_perm(user, Perm.TRIAGE_TIPS)}

    def describe(self, object_ids: Iterable[str]) -> dict[str, LinkedObject]:
        return {o: LinkedObject("tip", o, f"Tip T-{o}", f"/staff/tips/{o}/") for o in object_ids}


def test_provider_is_registered_and_answers(ingested: IngestRun, user_factory: Any) -> None:
    provider = links.provider("operation")
    op = Ad.objects.get(external_id="demo-i70-01").operation
    assert op is not None
    phone = identifier_for("phone", "+18165550102")
    assert phone.pk in provider.identifiers_of([str(op.pk)])[str(op.pk)]
    assert provider.objects_with([phone.pk]) == {str(op.pk): {phone.pk}}
    assert provider.visible_to(user_factory("investigator"), [str(op.pk)]) == {str(op.pk)}
    assert provider.visible_to(user_factory("advocate"), [str(op.pk)]) == set()
    described = provider.describe([str(op.pk)])[str(op.pk)]
    assert described.url == reverse("monitoring:operation", args=[op.pk]) and "8 ads" in described.label


def test_operation_page_lists_linked_tips_the_user_may_see(mo: Any, ingested: IngestRun, staff_client: Any,
                                                           monkeypatch: Any) -> None:
    phone = identifier_for("phone", "+18165550101")
    monkeypatch.setitem(links._PROVIDERS, "tip", FakeTips(phone.pk))
    op = Ad.objects.get(external_id="demo-i70-01").operation
    assert op is not None
    client, _ = staff_client("analyst")
    response = client.get(reverse("monitoring:operation", args=[op.pk]))
    found = response.context["links"]
    assert [o.label for o in found.visible] == ["Tip T-1"]
    assert found.restricted == {"tip": 1}
    assert b'href="/staff/tips/1/"' in response.content and b"/staff/tips/2/" not in response.content

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse

from beacon.cases import services
from beacon.cases.models import DeconflictionAlert
from beacon.core.models import AuditEvent


def test_shared_phone_alerts_both_leads_without_revealing_content(world: Any, open_case: Any, staff_client: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    kc_case = open_case(world.kc_inv, title="KC massage parlor ring", summary="Confidential KC summary")
    stl_case = open_case(world.stl_inv, title="STL truck stop", summary="Confidential STL summary")
    services.identifier_add(case=kc_case, acting_user=world.kc_inv, kind="phone", raw="(816) 555-0101")
    assert not DeconflictionAlert.objects.exists()

    client, _ = staff_client(user=world.stl_inv)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:identifier_add", args=[stl_case.pk]), {"kind": "phone", "raw": "816.555.0101"})
    assert response.status_code == 302

    mine = DeconflictionAlert.objects.get(case=stl_case)
    theirs = DeconflictionAlert.objects.get(case=kc_case)
    assert (mine.recipient, mine.other_agency, mine.identifier_kind) == (world.stl_inv, world.kc, "phone")
    assert (theirs.recipient, theirs.other_agency, theirs.identifier_kind) == (world.kc_inv, world.stl, "phone")
    assert AuditEvent.objects.filter(object_type="deconfliction_alert", action="create").count() == 2

    # Each lead is e-mailed the other agency's name and contact and the identifier type, nothing else.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.kc_inv.email, world.stl_inv.email])
    for message in mail.outbox:
        body = message.subject + message.body
        assert "phone" in body
        assert "555-0101" not in body and "+18165550101" not in body
        assert "Confidential" not in body and "massage" not in body and "truck stop" not in body
    to_stl = next(m for m in mail.outbox if m.to == [world.stl_inv.email])
    assert world.kc.name in to_stl.body and world.kc.contact_email in to_stl.body and "816-555-0000" in to_stl.body
    assert f"#{stl_case.pk}" in to_stl.body and f"#{kc_case.pk}" not in to_stl.body

    page = client.get(reverse("cases:detail", args=[stl_case.pk])).content.decode()
    assert world.kc.name in page and "Deconfliction" in page
    assert "KC massage parlor ring" not in page and "Confidential KC summary" not in page
    alerts_page = client.get(reverse("cases:alerts")).content.decode()
    assert world.kc.name in alerts_page and f"case #{kc_case.pk}" not in alerts_page.lower()


def test_no_alert_within_one_agency_or_on_closed_cases_and_no_repeats(world: Any, open_case: Any,
                                                                        user_factory: Any) -> None:
    a = open_case(world.kc_inv)
    colleague = user_factory("investigator", agency=world.kc)
    b = open_case(colleague)
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="email", raw="x@example.org")
    services.identifier_add(case=b, acting_user=colleague, kind="email", raw="X@Example.org")
    assert not DeconflictionAlert.objects.exists()

    closed = open_case(world.stl_inv)
    services.identifier_add(case=closed, acting_user=world.stl_inv, kind="plate", raw="MO ABC123")
    services.case_update(case=closed, acting_user=world.stl_inv, status="closed", outcome="unfounded")
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="plate", raw="mo: abc-123")
    assert not DeconflictionAlert.objects.exists()

    stl = open_case(world.stl_inv)
    services.identifier_add(case=stl, acting_user=world.stl_inv, kind="email", raw="x@example.org")
    assert DeconflictionAlert.objects.count() == 4  # stl<->a and stl<->b
    services.identifier_add(case=stl, acting_user=world.stl_inv, kind="email", raw="x@example.org")
    assert DeconflictionAlert.objects.count() == 4


def test_same_person_on_two_agencies_cases_alerts(world: Any, open_case: Any) -> None:
    a = open_case(world.kc_inv)
    b = open_case(world.stl_inv)
    services.person_add(case=a, acting_user=world.kc_inv, role="suspect", name="José  Álvarez-Ruiz",
                        date_of_birth="1990-02-03")
    services.person_add(case=b, acting_user=world.stl_inv, role="suspect", name="ruiz, jose alvarez",
                        date_of_birth="1990-02-03")
    alerts = DeconflictionAlert.objects.order_by("case_id")
    assert [(x.case_id, x.identifier_kind) for x in alerts] == [(a.pk, "person"), (b.pk, "person")]
    # A different birth date is a different person.
    c = open_case(world.stl_inv)
    services.person_add(case=c, acting_user=world.stl_inv, role="suspect", name="Jose Alvarez Ruiz",
                        date_of_birth="1991-01-01")
    assert DeconflictionAlert.objects.count() == 2


def test_acknowledge_alert(world: Any, open_case: Any, staff_client: Any, user_factory: Any) -> None:
    a = open_case(world.kc_inv)
    b = open_case(world.stl_inv)
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="phone", raw="314-555-0188")
    services.identifier_add(case=b, acting_user=world.stl_inv, kind="phone", raw="3145550188")
    alert = DeconflictionAlert.objects.get(case=a)
    outsider, _ = staff_client("investigator")
    assert outsider.post(reverse("cases:alert_ack", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert AuditEvent.objects.filter(action="denied", object_type="deconfliction_alert").exists()

    client, _ = staff_client(user=world.kc_inv)
    assert client.post(reverse("cases:alert_ack", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by == world.kc_inv
    assert f'data-alert="{alert.pk}"' not in client.get(reverse("cases:alerts")).content.decode()
    assert f'data-alert="{alert.pk}"' in client.get(reverse("cases:alerts") + "?all=1").content.decode()

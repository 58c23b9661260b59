from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from beacon.cases import services
from beacon.cases.access import access_case, can_see_victim_identity, visible_cases
from beacon.cases.models import AccessGrant, Case
from beacon.core.access import AccessDenied
from beacon.core.models import AuditEvent


def _denied(user: Any, case: Case) -> bool:
    return AuditEvent.objects.filter(actor=user, action="denied", object_type="case", object_id=str(case.pk)).exists()


def test_other_agency_cannot_see_case_until_granted(world: Any, open_case: Any, staff_client: Any) -> None:
    case = open_case(world.kc_inv, title="Secret KC case")
    client, _ = staff_client(user=world.stl_inv)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    assert b"Secret KC case" not in response.content
    assert _denied(world.stl_inv, case)
    assert b"Secret KC case" not in client.get(reverse("cases:index")).content
    # Writing is refused the same way, and nothing changes.
    response = client.post(reverse("cases:identifier_add", args=[case.pk]), {"kind": "phone", "raw": "816-555-0101"})
    assert response.status_code == 404
    assert case.identifiers.count() == 0

    services.grant_create(case=case, acting_user=world.kc_inv, user=world.stl_inv, reason="joint operation",
                          expires_at=timezone.now() + dt.timedelta(days=7))
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200 and b"Secret KC case" in response.content
    read = AuditEvent.objects.filter(actor=world.stl_inv, action="read", object_type="case", object_id=str(case.pk))
    assert read.count() == 1


def test_grant_expires_and_can_be_revoked(world: Any, open_case: Any) -> None:
    case = open_case(world.kc_inv)
    grant = services.grant_create(case=case, acting_user=world.kc_inv, agency=world.stl, reason="task force",
                                  expires_at=timezone.now() + dt.timedelta(hours=1))
    assert access_case(world.stl_inv, case.pk) == case
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(AccessDenied):
        access_case(world.stl_inv, case.pk)
    assert _denied(world.stl_inv, case)

    grant2 = services.grant_create(case=case, acting_user=world.kc_inv, user=world.stl_inv, reason="again",
                                   expires_at=timezone.now() + dt.timedelta(days=1))
    assert visible_cases(world.stl_inv).filter(pk=case.pk).exists()
    services.grant_revoke(grant=grant2, acting_user=world.kc_inv)
    assert not visible_cases(world.stl_inv).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(object_type="case_grant", action="update", object_id=str(grant2.pk)).exists()


def test_grant_rules(world: Any, open_case: Any) -> None:
    from django.core.exceptions import ValidationError

    case = open_case(world.kc_inv)
    with pytest.raises(ValidationError):  # in the past
        services.grant_create(case=case, acting_user=world.kc_inv, user=world.stl_inv, reason="x",
                              expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):  # too long
        services.grant_create(case=case, acting_user=world.kc_inv, user=world.stl_inv, reason="x",
                              expires_at=timezone.now() + dt.timedelta(days=400))
    with pytest.raises(ValidationError):  # not the lead agency
        services.grant_create(case=case, acting_user=world.stl_inv, user=world.stl_inv, reason="x",
                              expires_at=timezone.now() + dt.timedelta(days=1))
    assert AccessGrant.objects.count() == 0


def test_participating_agency_sees_but_not_victim_identity(world: Any, open_case: Any, staff_client: Any) -> None:
    case = open_case(world.kc_inv)
    services.person_add(case=case, acting_user=world.kc_inv, role="victim", name="Jane Q Sample", age_group="minor")
    services.person_add(case=case, acting_user=world.kc_inv, role="suspect", name="John Suspect")
    services.case_add_agency(case=case, agency=world.stl, acting_user=world.kc_inv)
    client, _ = staff_client(user=world.stl_inv)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "John Suspect" in page and "Jane Q Sample" not in page and "Withheld" in page
    lead_page = staff_client(user=world.kc_inv)[0].get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Jane Q Sample" in lead_page
    assert not can_see_victim_identity(world.stl_inv, case)
    services.grant_create(case=case, acting_user=world.kc_inv, user=world.stl_inv, reason="victim services liaison",
                          victim_identity=True, expires_at=timezone.now() + dt.timedelta(days=2))
    assert can_see_victim_identity(world.stl_inv, case)


def test_participant_cannot_change_status_or_grant(world: Any, open_case: Any, staff_client: Any) -> None:
    case = open_case(world.kc_inv)
    services.case_add_agency(case=case, agency=world.stl, acting_user=world.kc_inv)
    client, _ = staff_client(user=world.stl_inv)
    response = client.post(reverse("cases:update", args=[case.pk]), {
        "title": "Renamed", "kind": "sex", "status": "closed", "outcome": "unfounded", "lead_user": world.stl_inv.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "open" and case.title == "Test case"
    assert _denied(world.stl_inv, case)
    response = client.post(reverse("cases:grant_add", args=[case.pk]), {
        "username": world.stl_inv.username, "expires_on": "2099-01-01", "reason": "x"})
    assert response.status_code == 403 and AccessGrant.objects.count() == 0


def test_task_force_membership_opens_no_case(world: Any, open_case: Any, user_factory: Any,
                                             agency_factory: Any) -> None:
    """Not even a supervisor's, not even in the same task force: only lead, participation or a grant."""
    kc_case = open_case(world.kc_inv)
    stl_case = open_case(world.stl_inv)
    partner = agency_factory("prosecutor", task_force="kansas-city")
    supervisor = user_factory("supervisor", agency=partner)
    assert not visible_cases(supervisor).exists()
    for case in (kc_case, stl_case):
        with pytest.raises(AccessDenied):
            access_case(supervisor, case.pk)
        assert _denied(supervisor, case)
    services.case_add_agency(case=kc_case, agency=partner, acting_user=world.kc_inv)
    assert set(visible_cases(supervisor)) == {kc_case}


@pytest.mark.parametrize(("role", "status"), [("advocate", 403), ("trainer", 403), ("viewer", 403), ("analyst", 403),
                                              ("investigator", 200), ("supervisor", 200)])
def test_case_pages_per_role(role: str, status: int, staff_client: Any, mo: Any) -> None:
    client, user = staff_client(role)
    assert client.get(reverse("cases:index")).status_code == status
    assert client.get(reverse("cases:alerts")).status_code == status
    if status == 403:
        assert AuditEvent.objects.filter(actor=user, action="denied").exists()


def test_case_lifecycle_through_pages(world: Any, staff_client: Any) -> None:
    client, user = staff_client(user=world.kc_inv)
    response = client.post(reverse("cases:create"), {"title": "Labor camp", "kind": "labor", "venue_type": "agriculture",
                                                     "opened_on": "2026-01-05", "counties": ["29095"]})
    case = Case.objects.get(title="Labor camp")
    assert response.status_code == 302 and case.lead_agency == world.kc and case.lead_user == user
    assert AuditEvent.objects.filter(action="create", object_type="case", object_id=str(case.pk)).exists()
    client.post(reverse("cases:task_add", args=[case.pk]), {"title": "Interview owner", "owner": user.pk,
                                                            "due_on": "2026-02-01"})
    task = case.tasks.get()
    client.post(reverse("cases:task_done", args=[case.pk, task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None
    client.post(reverse("cases:event_add", args=[case.pk]), {"kind": "arrest", "occurred_on": "2026-02-03",
                                                             "count": 2, "text": "Two arrested"})
    assert case.events.filter(kind="arrest", count=2).exists()
    # Closing needs an outcome.
    client.post(reverse("cases:update", args=[case.pk]), {"title": "Labor camp", "kind": "labor", "status": "closed",
                                                          "outcome": "", "lead_user": user.pk})
    case.refresh_from_db()
    assert case.status == "open"
    client.post(reverse("cases:update", args=[case.pk]), {"title": "Labor camp", "kind": "labor", "status": "closed",
                                                          "outcome": "conviction", "lead_user": user.pk})
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "conviction" and case.closed_on is not None
    assert case.events.filter(kind="status").exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Interview owner" in page and "Two arrested" in page and "Agriculture" in page


def test_case_list_has_no_n_plus_one(world: Any, open_case: Any, staff_client: Any,
                                     django_assert_max_num_queries: Any) -> None:
    client, _ = staff_client(user=world.kc_inv)
    for i in range(3):
        open_case(world.kc_inv, title=f"case {i}")
    client.get(reverse("cases:index"))
    with django_assert_max_num_queries(14) as ctx:
        client.get(reverse("cases:index"))
    few = len(ctx.captured_queries)
    for i in range(10):
        open_case(world.kc_inv, title=f"more {i}", counties=[])
    with django_assert_max_num_queries(few):
        response = client.get(reverse("cases:index"))
    assert response.content.count(b'href="/staff/cases/') >= 13

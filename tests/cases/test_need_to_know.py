"""Need-to-know between agencies (issue #11): one rule for every way into a case.

Read: the lead agency, a participating agency, or an active grant.  Write: the lead or a
participating agency only (grants are read-only).  Task-force membership opens nothing, not even
for a supervisor of the statewide task force that both agencies belong to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beacon.cases import services
from beacon.cases.access import access_case, can_write, visible_cases, writable_cases
from beacon.cases.models import Case
from beacon.core.access import AccessDenied
from beacon.core.models import Agency, AuditEvent, TaskForce, User


@dataclass
class Statewide:
    kc: Agency
    stl: Agency
    kc_supervisor: User
    kc_inv: User
    stl_inv: User
    case: Case  # led by St. Louis


@pytest.fixture
def statewide(mo: Any, agency_factory: Any, user_factory: Any, open_case: Any) -> Statewide:
    """The demo's shape: Kansas City and St. Louis police both in the statewide task force."""
    kc = agency_factory("law_enforcement", name="KC Metro Police", county="29095", task_force="kansas-city")
    stl = agency_factory("law_enforcement", name="STL Area Police", county="29510", task_force="st-louis")
    state = TaskForce.objects.get(statewide=True)
    state.agencies.add(kc, stl)
    stl_inv = user_factory("investigator", agency=stl, username="stl_lead")
    case = open_case(stl_inv, title="I-70 truck stop (STL)")
    services.identifier_add(case=case, acting_user=stl_inv, kind="plate", raw="MO: STL-0001")
    return Statewide(kc=kc, stl=stl, kc_supervisor=user_factory("supervisor", agency=kc, username="kc_sup"),
                     kc_inv=user_factory("investigator", agency=kc, username="kc_inv2"), stl_inv=stl_inv, case=case)


def _denials(user: User, case: Case) -> int:
    return AuditEvent.objects.filter(actor=user, action="denied", object_type="case", object_id=str(case.pk)).count()


def _unchanged(case: Case) -> None:
    assert case.identifiers.count() == 1 and case.persons.count() == 0
    assert case.tasks.count() == 0 and case.links.count() == 0
    assert not case.events.exclude(kind="status").exists()


def _routes(case_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        ("page", "get", reverse("cases:detail", args=[case_id]), {}),
        ("page", "get", reverse("cases:graph") + f"?start=case:{case_id}", {}),
        ("page", "post", reverse("cases:identifier_add", args=[case_id]), {"kind": "phone", "raw": "816-555-0199"}),
        ("page", "post", reverse("cases:person_add", args=[case_id]), {"role": "suspect", "name": "Added By KC",
                                                                       "age_group": "adult", "sex": "male"}),
        ("api", "get", f"/api/v1/cases/{case_id}/", {}),
        ("api", "get", f"/api/v1/cases/{case_id}/graph/", {}),
        ("api", "get", f"/api/v1/cases/graph/?start=case:{case_id}", {}),
        ("api", "post", f"/api/v1/cases/{case_id}/identifiers/", {"kind": "phone", "value": "816-555-0199"}),
        ("api", "post", f"/api/v1/cases/{case_id}/persons/", {"role": "suspect", "name": "Added By KC"}),
    ]


def test_task_force_supervisor_cannot_open_another_agencys_case(statewide: Statewide, staff_client: Any,
                                                                  api_client_for: Any) -> None:
    """The reported finding: KC supervisor read case 2 (STL), its graph, and added to it (201)."""
    sup, case = statewide.kc_supervisor, statewide.case
    page, _ = staff_client(user=sup)
    api, _ = api_client_for(user=sup)
    for kind, method, url, data in _routes(case.pk):
        before = _denials(sup, case)
        client = page if kind == "page" else api
        response = getattr(client, method)(url, data, **({"format": "json"} if kind == "api" else {}))
        assert response.status_code == 404, (kind, method, url, response.status_code)
        assert b"I-70 truck stop" not in response.content
        assert _denials(sup, case) == before + 1, url
    _unchanged(case)
    assert not visible_cases(sup).filter(pk=case.pk).exists()
    assert b"I-70 truck stop" not in page.get(reverse("cases:index")).content
    assert all(c["id"] != case.pk for c in api.get("/api/v1/cases/").json()["results"])
    assert not AuditEvent.objects.filter(actor=sup, action="read", object_type="case", object_id=str(case.pk)).exists()


def test_escalating_into_another_agencys_case_is_refused(statewide: Statewide, staff_client: Any,
                                                         fake_tips: Any) -> None:
    fake_tips.add("7", ("phone", "816-555-0123"))
    client, sup = staff_client(user=statewide.kc_supervisor)
    url = reverse("cases:link", args=[statewide.case.pk])
    assert client.post(url, {"source": "testtip:7"}).status_code == 404
    assert client.get(url + "?from=testtip:7").status_code == 404
    assert _denials(sup, statewide.case) == 2
    _unchanged(statewide.case)


def test_participation_opens_reading_and_writing(statewide: Statewide, staff_client: Any, api_client_for: Any) -> None:
    case = statewide.case
    services.case_add_agency(case=case, agency=statewide.kc, acting_user=statewide.stl_inv)
    assert AuditEvent.objects.filter(action="update", object_type="case", object_id=str(case.pk),
                                     detail__participant_added=statewide.kc.pk).exists()
    for user in (statewide.kc_supervisor, statewide.kc_inv):
        assert can_write(user, case) and writable_cases(user).filter(pk=case.pk).exists()
    client, _ = staff_client(user=statewide.kc_inv)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and b'id="identifier-form"' in page.content
    assert client.post(reverse("cases:identifier_add", args=[case.pk]),
                       {"kind": "phone", "raw": "816-555-0199"}).status_code == 302
    api, _ = api_client_for(user=statewide.kc_supervisor)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api.post(f"/api/v1/cases/{case.pk}/persons/", {"role": "suspect"}, format="json").status_code == 201
    assert case.identifiers.count() == 2 and case.persons.count() == 1
    # A participant does not decide who else participates.
    response = api.post(f"/api/v1/cases/{case.pk}/agencies/", {"agency": statewide.kc.pk}, format="json")
    assert response.status_code == 403 and set(response.json()) == {"error", "fields"}
    # Ending the participation closes the case again, at once.
    services.case_remove_agency(case=case, agency=statewide.kc, acting_user=statewide.stl_inv)
    with pytest.raises(AccessDenied):
        access_case(statewide.kc_inv, case.pk)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_grant_is_read_only(statewide: Statewide, staff_client: Any, api_client_for: Any) -> None:
    case = statewide.case
    services.grant_create(case=case, acting_user=statewide.stl_inv, user=statewide.kc_supervisor,
                          reason="joint briefing", expires_at=timezone.now() + dt.timedelta(days=3))
    sup = statewide.kc_supervisor
    client, _ = staff_client(user=sup)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and b"I-70 truck stop" in page.content
    assert b'id="identifier-form"' not in page.content and b"read-only access" in page.content
    assert client.get(reverse("cases:graph") + f"?start=case:{case.pk}").status_code == 200
    api, _ = api_client_for(user=sup)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api.get(f"/api/v1/cases/{case.pk}/graph/").status_code == 200
    writes = [r for r in _routes(case.pk) if r[1] == "post"]
    writes += [("page", "post", reverse("cases:task_add", args=[case.pk]), {"title": "x"}),
               ("page", "post", reverse("cases:event_add", args=[case.pk]), {"kind": "note", "text": "x",
                                                                             "occurred_on": "2026-01-01", "count": 1})]
    for kind, _method, url, data in writes:
        before = _denials(sup, case)
        response = (client.post(url, data) if kind == "page" else api.post(url, data, format="json"))
        assert response.status_code == 403, url
        assert _denials(sup, case) == before + 1
    _unchanged(case)
    assert not can_write(sup, case)


def test_lead_agency_reads_and_writes(statewide: Statewide, api_client_for: Any) -> None:
    api, _ = api_client_for(user=statewide.stl_inv)
    case = statewide.case
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api.post(f"/api/v1/cases/{case.pk}/identifiers/", {"kind": "phone", "value": "314-555-0100"},
                    format="json").status_code == 201


def test_lead_agency_manages_participation_through_api_and_page(statewide: Statewide, api_client_for: Any,
                                                               staff_client: Any) -> None:
    case = statewide.case
    api, lead = api_client_for(user=statewide.stl_inv)
    response = api.post(f"/api/v1/cases/{case.pk}/agencies/", {"agency": statewide.kc.pk}, format="json")
    assert response.status_code == 201 and response.json() == [{"id": statewide.kc.pk, "name": "KC Metro Police"}]
    assert api.get(f"/api/v1/cases/{case.pk}/agencies/").json() == response.json()
    assert api.post(f"/api/v1/cases/{case.pk}/agencies/", {"agency": "nope"}, format="json").status_code == 400
    assert api.post(f"/api/v1/cases/{case.pk}/agencies/", {"agency": statewide.stl.pk},
                    format="json").status_code == 400  # already leads
    assert can_write(statewide.kc_inv, case)
    assert api.delete(f"/api/v1/cases/{case.pk}/agencies/{statewide.kc.pk}/").status_code == 204
    assert api.delete(f"/api/v1/cases/{case.pk}/agencies/{statewide.kc.pk}/").status_code == 404
    assert not case.participating_agencies.exists()
    assert AuditEvent.objects.filter(actor=lead, action="update", object_type="case", object_id=str(case.pk),
                                     detail__participant_removed=statewide.kc.pk).exists()
    # The page: add, see the remove button, remove.
    client, _ = staff_client(user=lead)
    client.post(reverse("cases:agency_add", args=[case.pk]), {"agency": statewide.kc.pk})
    assert list(case.participating_agencies.all()) == [statewide.kc]
    remove = reverse("cases:agency_remove", args=[case.pk, statewide.kc.pk])
    assert remove.encode() in client.get(reverse("cases:detail", args=[case.pk])).content
    assert client.post(remove).status_code == 302 and not case.participating_agencies.exists()
    # A participant's removal attempt is refused (403, denied, nothing changes).
    services.case_add_agency(case=case, agency=statewide.kc, acting_user=lead)
    kc_client, sup = staff_client(user=statewide.kc_supervisor)
    assert kc_client.post(remove).status_code == 403 and _denials(sup, case) == 1
    assert list(case.participating_agencies.all()) == [statewide.kc]


def test_only_the_lead_agency_changes_participation(statewide: Statewide) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.case_add_agency(case=statewide.case, agency=statewide.kc, acting_user=statewide.kc_supervisor)
    assert not statewide.case.participating_agencies.exists()


def test_deconfliction_tells_only_agency_and_type_and_opens_nothing(
        statewide: Statewide, open_case: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kc_case = open_case(statewide.kc_inv, title="Westport storefronts (KC)")
    with django_capture_on_commit_callbacks(execute=True):
        services.identifier_add(case=kc_case, acting_user=statewide.kc_inv, kind="plate", raw="MO: STL-0001")
    assert kc_case.alerts.get().other_agency == statewide.stl
    assert statewide.case.alerts.get().other_agency == statewide.kc
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert set(bodies) == {statewide.kc_inv.email, statewide.stl_inv.email}
    for body in bodies.values():
        assert "vehicle plate" in body
        assert "STL-0001" not in body and "I-70" not in body and "Westport" not in body
        assert "does not open either case" in body and "task-force membership alone gives no access" in body
    assert "STL Area Police" in bodies[statewide.kc_inv.email]
    # What the e-mail says is true: neither side (nor their supervisors) can open the other case.
    for user, other in ((statewide.kc_inv, statewide.case), (statewide.kc_supervisor, statewide.case),
                        (statewide.stl_inv, kc_case)):
        with pytest.raises(AccessDenied):
            access_case(user, other.pk)


def test_federal_report_counts_without_opening_cases(statewide: Statewide) -> None:
    """A task-force report aggregates its member agencies' cases: counts only, never a case."""
    from beacon.cases import reports

    state = TaskForce.objects.get(statewide=True)
    report = reports.federal_report(state, timezone.localdate() - dt.timedelta(days=1),
                                    timezone.localdate() + dt.timedelta(days=1))
    assert report.investigations_opened == 1
    text = report.csv()
    assert "I-70" not in text and str(statewide.case.pk) not in {row[1] for row in report.rows()}

"""Who read a case: shown to the case lead and the lead agency's supervisors, nobody else."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.cases.access import access_case
from beacon.core.models import AuditEvent
from tests.conftest import verify_client


def test_lead_agency_supervisor_sees_who_read_the_case(world: Any, open_case: Any, user_factory: Any,
                                                       staff_client: Any, api_client_for: Any) -> None:
    case = open_case(world.kc_inv, title="Read log case")
    colleague = user_factory("investigator", agency=world.kc, username="kc_colleague")
    access_case(colleague, case.pk)  # an audited read by someone else
    supervisor_client, supervisor = staff_client("supervisor", agency=world.kc)
    page = supervisor_client.get(reverse("cases:detail", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Who read this case" in html
    assert "kc_colleague" in html and supervisor.username in html
    assert AuditEvent.objects.filter(actor=supervisor, object_type="case_read_log", object_id=str(case.pk)).exists()
    api, api_supervisor = api_client_for("supervisor", agency=world.kc)
    response = api.get(f"/api/v1/cases/{case.pk}/reads/")
    assert response.status_code == 200
    users = [r["user"] for r in response.json()["results"]]
    assert "kc_colleague" in users and supervisor.username in users
    assert response.json()["results"][0]["agency"] == world.kc.name


def test_case_lead_sees_the_read_log(world: Any, open_case: Any, client: Any) -> None:
    case = open_case(world.kc_inv)
    assert case.lead_user == world.kc_inv
    html = verify_client(client, world.kc_inv).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Who read this case" in html


def test_others_do_not_see_the_read_log(world: Any, open_case: Any, user_factory: Any, staff_client: Any,
                                        api_client_for: Any) -> None:
    case = open_case(world.kc_inv)
    # A colleague in the lead agency who is neither lead nor supervisor can open the case, not its read log.
    colleague_client, colleague = staff_client("investigator", agency=world.kc)
    page = colleague_client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and b"Who read this case" not in page.content
    api, api_user = api_client_for("investigator", agency=world.kc)
    assert api.get(f"/api/v1/cases/{case.pk}/reads/").status_code == 404
    assert AuditEvent.objects.filter(actor=api_user, action="denied", object_type="case_read_log").count() == 1
    # A supervisor of another agency cannot even see the case.
    other_api, other = api_client_for("supervisor", agency=world.stl)
    assert other_api.get(f"/api/v1/cases/{case.pk}/reads/").status_code == 404
    assert AuditEvent.objects.filter(actor=other, action="denied", object_type="case").exists()
    assert not AuditEvent.objects.filter(object_type="case_read_log", action="read").exists()


def test_read_log_is_paginated(world: Any, open_case: Any, staff_client: Any, api_client_for: Any) -> None:
    case = open_case(world.kc_inv)
    for _ in range(30):
        access_case(world.kc_inv, case.pk)
    client, _supervisor = staff_client("supervisor", agency=world.kc)
    first = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "reads_page=2" in first and first.count("kc_inv") >= 20
    second = client.get(reverse("cases:detail", args=[case.pk]), {"reads_page": 2})
    assert second.status_code == 200 and "Page 2 of" in second.content.decode()
    api, _ = api_client_for("supervisor", agency=world.kc)
    body = api.get(f"/api/v1/cases/{case.pk}/reads/", {"per_page": 10}).json()
    assert len(body["results"]) == 10 and body["count"] >= 31 and body["next"]

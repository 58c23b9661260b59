from __future__ import annotations

from typing import Any

from beacon.cases import services
from beacon.cases.models import Case, DeconflictionAlert
from beacon.core.models import AuditEvent


def test_api_lists_only_visible_cases_without_n_plus_one(world: Any, open_case: Any, api_client_for: Any,
                                                          django_assert_max_num_queries: Any) -> None:
    api, _ = api_client_for(user=world.kc_inv)
    open_case(world.stl_inv, title="not mine")
    for i in range(3):
        open_case(world.kc_inv, title=f"mine {i}", counties=[])
    with django_assert_max_num_queries(12) as ctx:
        first = api.get("/api/v1/cases/").json()
    for i in range(10):
        open_case(world.kc_inv, title=f"more {i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        data = api.get("/api/v1/cases/").json()
    assert first["count"] == 3 and data["count"] == 13
    assert all(r["lead_agency"] == world.kc.name for r in data["results"])


def test_api_create_person_identifier_and_detail(world: Any, api_client_for: Any, open_case: Any) -> None:
    api, _ = api_client_for(user=world.kc_inv)
    response = api.post("/api/v1/cases/", {"title": "API", "kind": "sex", "venue_type": "hotels"}, format="json")
    assert response.status_code == 201
    case_id = response.json()["id"]
    bad = api.post("/api/v1/cases/", {"title": "API", "kind": "nonsense"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]
    person = api.post(f"/api/v1/cases/{case_id}/persons/", {"role": "victim", "name": "Api Victim", "age_group": "minor"},
                      format="json")
    assert person.status_code == 201 and person.json()["name"] == "Api Victim"
    ident = api.post(f"/api/v1/cases/{case_id}/identifiers/", {"kind": "phone", "value": "(816) 555-0155",
                                                                 "person": person.json()["id"]}, format="json")
    assert ident.status_code == 201 and ident.json()["value"] == "+18165550155"
    invalid = api.post(f"/api/v1/cases/{case_id}/identifiers/", {"kind": "phone", "value": "not a phone"}, format="json")
    assert invalid.status_code == 400 and "raw" in invalid.json()["fields"]
    detail = api.get(f"/api/v1/cases/{case_id}/").json()
    assert detail["persons"][0]["name"] == "Api Victim" and detail["venue_type"] == "hotels"

    # A participant sees the case but not the victim's name or phone.
    services.case_add_agency(case=Case.objects.get(pk=case_id), agency=world.stl, acting_user=world.kc_inv)
    stl_api, _ = api_client_for(user=world.stl_inv)
    seen = stl_api.get(f"/api/v1/cases/{case_id}/").json()
    assert seen["persons"][0]["name"] is None and seen["identifiers"][0]["value"] is None


def test_api_denies_other_agency_and_audits(world: Any, open_case: Any, api_client_for: Any) -> None:
    case = open_case(world.kc_inv)
    api, _ = api_client_for(user=world.stl_inv)
    for response in (api.get(f"/api/v1/cases/{case.pk}/"),
                     api.post(f"/api/v1/cases/{case.pk}/identifiers/", {"kind": "phone", "value": "8165550100"},
                              format="json")):
        assert response.status_code == 404 and response.json()["error"] == "Not found."
    assert case.identifiers.count() == 0
    assert AuditEvent.objects.filter(actor=world.stl_inv, action="denied", object_id=str(case.pk)).count() == 2
    advocate_api, _ = api_client_for("advocate", kind="ngo")
    assert advocate_api.get("/api/v1/cases/").status_code == 403


def test_api_alerts_and_acknowledge(world: Any, open_case: Any, api_client_for: Any) -> None:
    a = open_case(world.kc_inv)
    b = open_case(world.stl_inv)
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="payment", raw="$CashDemo")
    api, _ = api_client_for(user=world.stl_inv)
    api.post(f"/api/v1/cases/{b.pk}/identifiers/", {"kind": "payment", "value": "$cashdemo"}, format="json")
    alerts = api.get("/api/v1/cases/alerts/").json()["results"]
    assert len(alerts) == 1 and alerts[0]["other_agency"] == world.kc.name and alerts[0]["identifier_kind"] == "payment"
    assert set(alerts[0]) == {"id", "case", "other_agency", "other_agency_email", "other_agency_phone",
                              "identifier_kind", "created_at", "acknowledged_at"}
    kc_alert = DeconflictionAlert.objects.get(case=a)
    assert api.post(f"/api/v1/cases/alerts/{kc_alert.pk}/acknowledge/").status_code == 404
    assert api.post(f"/api/v1/cases/alerts/{alerts[0]['id']}/acknowledge/").json()["acknowledged_at"]
    assert api.get("/api/v1/cases/alerts/").json()["count"] == 0

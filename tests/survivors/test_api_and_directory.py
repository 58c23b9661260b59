from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from beacon.core.models import Agency, AuditEvent
from beacon.survivors import services, stats, taxonomy
from beacon.survivors.models import Consent, Organization, Referral, Service, Survivor


@pytest.fixture
def pair(mo: Any, agency_factory: Callable[..., Agency], provider: Callable[..., Service]) -> dict[str, Any]:
    ours = agency_factory("ngo", name="Our NGO", county="29019")
    theirs = agency_factory("ngo", name="Their NGO", county="29095")
    return {"ours": ours, "theirs": theirs, "service": provider("Their clinic", agency=theirs, needs=["medical"],
                                                                address_1="1 A St", city="Kansas City",
                                                                postal_code="64106")}


def test_api_survivor_referral_flow(pair: dict[str, Any], api_client_for: Any) -> None:
    api, advocate = api_client_for("advocate", agency=pair["ours"])
    created = api.post("/api/v1/survivors/", {"preferred_name": "Ana", "phone": "555-0123", "needs": ["medical"]},
                       format="json")
    assert created.status_code == 201, created.json()
    sid = created.json()["id"]
    refused = api.post("/api/v1/referrals/", {"survivor": sid, "service": str(pair["service"].id),
                                              "shared_fields": ["preferred_name"]}, format="json")
    assert refused.status_code == 400 and "consent" in refused.json()["fields"]
    c = api.post(f"/api/v1/survivors/{sid}/consents/", {
        "recipient_agency": pair["theirs"].pk, "fields": ["preferred_name"], "purpose": "Medical care",
        "method": "e_signed", "expires_at": (timezone.now() + dt.timedelta(days=10)).isoformat()}, format="json")
    assert c.status_code == 201, c.json()
    r = api.post("/api/v1/referrals/", {"survivor": sid, "service": str(pair["service"].id), "consent": c.json()["id"],
                                        "shared_fields": ["preferred_name"]}, format="json")
    assert r.status_code == 201, r.json()
    receiver, _ = api_client_for("advocate", agency=pair["theirs"])
    detail = receiver.get(f"/api/v1/referrals/{r.json()['id']}/").json()
    assert detail["side"] == "receiver" and detail["survivor"] == {"preferred_name": "Ana"}
    assert receiver.get(f"/api/v1/survivors/{sid}/").status_code == 404
    api.post(f"/api/v1/survivors/consents/{c.json()['id']}/revoke/", {"reason": "no"}, format="json")
    assert receiver.get(f"/api/v1/referrals/{r.json()['id']}/").json()["survivor"] == {}
    moved = receiver.post(f"/api/v1/referrals/{r.json()['id']}/status/", {"status": "declined", "reason": "Full"},
                          format="json")
    assert moved.json()["status"] == "declined" and moved.json()["decline_reason"] == "Full"


def test_api_denies_law_enforcement(pair: dict[str, Any], api_client_for: Any) -> None:
    api, user = api_client_for("investigator")
    assert api.get("/api/v1/survivors/").status_code == 403
    assert api.post("/api/v1/survivors/", {"preferred_name": "X"}, format="json").status_code == 403
    assert Survivor.objects.count() == 0
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2


def test_api_lists_have_no_n_plus_one(pair: dict[str, Any], api_client_for: Any, user_factory: Any,
                                      django_assert_max_num_queries: Any) -> None:
    api, advocate = api_client_for("advocate", agency=pair["ours"])
    for n in range(8):
        s = services.survivor_create(acting_user=advocate, preferred_name=f"S{n}")
        c = services.consent_record(acting_user=advocate, survivor=s, recipient_agency=pair["theirs"],
                                    fields=["preferred_name"], purpose="p", method="written",
                                    expires_at=timezone.now() + dt.timedelta(days=5))
        services.referral_create(acting_user=advocate, survivor=s, service=pair["service"], consent=c,
                                 shared_fields=["preferred_name"])
    with django_assert_max_num_queries(10):
        assert len(api.get("/api/v1/survivors/").json()["results"]) == 8
    with django_assert_max_num_queries(10):
        assert len(api.get("/api/v1/referrals/", {"box": "sent"}).json()["results"]) == 8


def test_directory_management_is_own_organisation_only(pair: dict[str, Any], staff_client: Any) -> None:
    client, user = staff_client("advocate", agency=pair["theirs"])
    org = pair["service"].organization
    response = client.post(f"/staff/survivors/directory/{org.pk}/services/new/", {
        "name": "New shelter", "needs": ["shelter"], "public": "on", "confidential": "on", "address_1": "9 Quiet St",
        "city": "Kansas City", "postal_code": "64106", "open_24_7": "on", "counties": ["29095"]})
    assert response.status_code == 302
    svc = Service.objects.get(name="New shelter")
    codes = set(svc.attributes.values_list("taxonomy_term__code", flat=True))
    assert codes == {"shelter", taxonomy.OPEN_24_7}
    assert svc.service_at_locations.get().location.confidential
    assert svc.service_at_locations.get().location.county_id == "29095"
    assert client.get("/staff/survivors/directory/").status_code == 200
    other, other_user = staff_client("advocate", agency=pair["ours"])
    before = Service.objects.count()
    denied = other.post(f"/staff/survivors/directory/{org.pk}/services/new/", {"name": "Sneaky", "needs": ["shelter"]})
    assert denied.status_code == 404 and Service.objects.count() == before
    assert AuditEvent.objects.filter(actor=other_user, action="denied", object_type="hsds_organization").exists()
    viewer, _ = staff_client("viewer", kind="ngo")
    assert viewer.get("/staff/survivors/directory/").status_code == 403
    edit = client.post(f"/staff/survivors/directory/{org.pk}/services/{svc.pk}/", {
        "name": "New shelter", "needs": ["shelter", "counselling"], "public": "", "address_1": "9 Quiet St",
        "city": "Kansas City", "postal_code": "64106"})
    assert edit.status_code == 302
    codes = set(svc.attributes.values_list("taxonomy_term__code", flat=True))
    assert codes == {"shelter", "counselling", taxonomy.NOT_PUBLIC}


def test_stats_contract(pair: dict[str, Any], provider: Callable[..., Service], user_factory: Any) -> None:
    provider("Hidden shelter", needs=["shelter"], confidential=True, address_1="1 X", city="Columbia",
             postal_code="65201", latitude=38.9517, longitude=-92.3341)
    provider("Phone line", needs=["hotline"], statewide=True)
    points = stats.service_points(stats.SHELTER_TERM)
    from beacon.core.models import County

    boone = County.objects.get(fips="29019")
    assert points == [(boone.centroid_lat, boone.centroid_lon, frozenset({"shelter"}))]
    assert len(stats.service_points()) == 2  # the clinic and the shelter; the phone line has no place
    advocate = user_factory("advocate", agency=pair["ours"])
    s = services.survivor_create(acting_user=advocate, preferred_name="Z")
    c = services.consent_record(acting_user=advocate, survivor=s, recipient_agency=pair["theirs"], fields=["needs"],
                                purpose="p", method="written", expires_at=timezone.now() + dt.timedelta(days=5))
    services.referral_create(acting_user=advocate, survivor=s, service=pair["service"], consent=c, shared_fields=["needs"])
    now = timezone.now()
    month = timezone.localtime(now).strftime("%Y-%m")
    assert stats.referrals_by_month(now - dt.timedelta(days=1), now + dt.timedelta(days=1)) == {"29019": {month: 1}}
    assert stats.referrals_by_month(now + dt.timedelta(days=1), now + dt.timedelta(days=2)) == {}
    assert stats.referrals_by_need(now - dt.timedelta(days=1), now + dt.timedelta(days=1)) == {"medical": 1}
    assert stats.services_by_need() == {"medical": 1, "shelter": 1, "hotline": 1}
    assert Referral.objects.count() == 1 and Consent.objects.count() == 1 and Organization.objects.count() >= 1

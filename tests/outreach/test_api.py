"""The outreach API: metrics, campaigns, delivery; permissions with audited denials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from beacon.core.models import AuditEvent
from beacon.outreach import services
from beacon.outreach.models import Activity, Campaign

pytestmark = pytest.mark.usefixtures("mo", "fake_sources")


def test_county_metrics_api(api_client_for: Any, django_assert_max_num_queries: Any) -> None:
    client, _ = api_client_for("viewer")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/outreach/counties/", {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 115 and len(body["results"]) == 115
    first = body["results"][0]
    assert first["rank"] == 1
    assert first["gap_score"] == pytest.approx(sum(t["contribution"] for t in first["terms"]), abs=0.1)
    jackson = next(r for r in body["results"] if r["fips"] == "29095")
    # Open-case counts are for case workers only: a viewer gets none.
    assert jackson["tips"] == 120 and jackson["open_cases"] is None and jackson["service_km"]["shelter"] > 0
    investigator, _ = api_client_for("investigator")
    rows = investigator.get("/api/v1/outreach/counties/", {"start": "2025-01-01", "end": "2025-12-31"}).json()["results"]
    assert next(r for r in rows if r["fips"] == "29095")["open_cases"] == 7
    filtered = client.get("/api/v1/outreach/counties/", {"task_force": "kansas-city"}).json()
    assert filtered["count"] == 7


def test_metrics_api_refuses_bad_dates_and_no_permission(api_client_for: Any) -> None:
    client, _ = api_client_for("viewer")
    response = client.get("/api/v1/outreach/counties/", {"start": "2025-05-01", "end": "2025-01-01"})
    assert response.status_code == 400 and "end" in response.json()["fields"]
    nobody, user = api_client_for()
    assert nobody.get("/api/v1/outreach/counties/").status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied", object_id="CountyMetricsList").exists()


def test_campaign_api_create_plan_deliver(api_client_for: Any) -> None:
    client, user = api_client_for("supervisor")
    response = client.post("/api/v1/outreach/campaigns/", {
        "name": "Bootheel clinics", "start_date": "2025-02-01", "end_date": "2025-05-31",
        "counties": ["29155", "29143"], "channels": ["clinics"], "audiences": ["health"]}, format="json")
    assert response.status_code == 201, response.json()
    cid = response.json()["id"]
    assert sorted(response.json()["counties"]) == ["29143", "29155"] and response.json()["status"] == "planned"
    bad = client.post("/api/v1/outreach/campaigns/", {"name": "X", "start_date": "2025-02-01", "end_date": "2025-05-31",
                                                      "counties": ["29155"], "channels": ["billboards"]}, format="json")
    assert bad.status_code == 400 and "channels" in bad.json()["fields"]
    r = client.post(f"/api/v1/outreach/campaigns/{cid}/activities/", {
        "county": "29155", "channel": "clinics", "title": "Clinic posters", "planned_date": "2025-03-01",
        "planned_reach": 200}, format="json")
    assert r.status_code == 201
    aid = r.json()["id"]
    huge = client.post(f"/api/v1/outreach/campaigns/{cid}/activities/", {
        "county": "29155", "channel": "clinics", "title": "Everyone", "planned_date": "2025-03-01",
        "planned_reach": 2**31}, format="json")  # beyond the column's range: a 400, not a database error
    assert huge.status_code == 400 and list(huge.json()["fields"]) == ["planned_reach"]
    outside = client.post(f"/api/v1/outreach/campaigns/{cid}/activities/", {
        "county": "29095", "channel": "clinics", "title": "Elsewhere", "planned_date": "2025-03-01"}, format="json")
    assert outside.status_code == 400 and "county" in outside.json()["fields"]
    detail = client.get(f"/api/v1/outreach/campaigns/{cid}/").json()
    row = next(p for p in detail["progress"] if p["fips"] == "29155")
    assert (row["planned"], row["delivered"], row["percent_delivered"]) == (1, 0, 0)
    r = client.post(f"/api/v1/outreach/activities/{aid}/deliver/", {"delivered_date": "2025-03-02", "reach": 150},
                    format="json")
    assert r.status_code == 200 and r.json()["reach"] == 150
    detail = client.get(f"/api/v1/outreach/campaigns/{cid}/").json()
    row = next(p for p in detail["progress"] if p["fips"] == "29155")
    assert (row["delivered"], row["percent_delivered"], row["reach"]) == (1, 100, 150)
    assert set(detail["before_after"]) >= {"tips_before", "tips_after", "trained_before", "trained_after"}


def test_viewer_cannot_write_campaigns(api_client_for: Any) -> None:
    campaign = services.campaign_create(acting_user=None, name="Existing", start_date=dt.date(2025, 1, 1),
                                        end_date=dt.date(2025, 2, 1), counties=["29001"])
    activity = services.activity_plan(acting_user=None, campaign=campaign, county="29001", channel="radio",
                                      title="Spot", planned_date=dt.date(2025, 1, 5))
    client, user = api_client_for("viewer")
    assert client.get("/api/v1/outreach/campaigns/").status_code == 200
    r = client.post("/api/v1/outreach/campaigns/", {"name": "Y", "start_date": "2025-01-01", "end_date": "2025-02-01",
                                                    "counties": ["29001"]}, format="json")
    assert r.status_code == 403 and r.json()["error"]
    r = client.post(f"/api/v1/outreach/activities/{activity.pk}/deliver/", {"delivered_date": "2025-01-05", "reach": 9},
                    format="json")
    assert r.status_code == 403
    assert Campaign.objects.count() == 1
    assert Activity.objects.get(pk=activity.pk).delivered_date is None
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2


def test_campaign_list_api_query_count(api_client_for: Any, django_assert_max_num_queries: Any) -> None:
    for k in range(15):
        services.campaign_create(acting_user=None, name=f"C{k}", start_date=dt.date(2025, 1, 1),
                                 end_date=dt.date(2025, 2, 1), counties=["29001", "29003"])
    client, _ = api_client_for("viewer")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/outreach/campaigns/")
    assert response.status_code == 200 and response.json()["count"] == 15


def test_services_audit_in_the_same_transaction() -> None:
    campaign = services.campaign_create(acting_user=None, name="Audited", start_date=dt.date(2025, 1, 1),
                                        end_date=dt.date(2025, 2, 1), counties=["29001"])
    assert AuditEvent.objects.filter(action="create", object_type="outreach.campaign", object_id=str(campaign.pk)).exists()
    from django.core.exceptions import ValidationError

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.campaign_create(acting_user=None, name="Backwards", start_date=dt.date(2025, 2, 1),
                                 end_date=dt.date(2025, 1, 1), counties=["29001"])
    with pytest.raises(ValidationError):
        services.activity_deliver(acting_user=None, activity=services.activity_plan(
            acting_user=None, campaign=campaign, county="29001", channel="radio", title="Spot",
            planned_date=dt.date(2025, 1, 5)), delivered_date=dt.date(2025, 1, 5), reach=-1)
    assert not Campaign.objects.filter(name="Backwards").exists()
    assert AuditEvent.objects.count() == before + 1  # only the activity plan
    updated = services.campaign_update(acting_user=None, campaign=campaign, status="active", counties=["29001", "29003"])
    assert updated.status == "active" and updated.counties.count() == 2
    with pytest.raises(ValidationError):
        services.campaign_update(acting_user=None, campaign=campaign, counties=["29003"])  # 29001 has an activity


def test_seed_is_idempotent_and_labelled() -> None:
    from beacon.outreach import seed

    first = seed.run(demo=True)
    assert first == {"campaigns": 1, "activities": 4, "materials": 1}
    assert seed.run(demo=True) == {"campaigns": 0, "activities": 0, "materials": 0}
    campaign = Campaign.objects.get()
    assert "(demo)" in campaign.name and campaign.is_demo
    assert all("(demo)" in a.title for a in campaign.activities.all())
    assert campaign.activities.filter(delivered_date__isnull=False).count() == 1
    assert seed.run(demo=False) == {"campaigns": 0, "activities": 0, "materials": 0}

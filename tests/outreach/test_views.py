"""Staff pages: analytics, map, CSV export, campaigns; permissions per role."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest

from beacon.core.models import AuditEvent
from beacon.outreach import selectors, services
from beacon.outreach.exports import GAP_COLUMNS, PROGRESS_COLUMNS
from beacon.outreach.models import Activity, Campaign

pytestmark = pytest.mark.usefixtures("mo", "fake_sources")


def _campaign(user: Any = None, **kw: Any) -> Campaign:
    args: dict[str, Any] = dict(acting_user=user, name="Ozarks truck stops", start_date=dt.date(2025, 3, 1),
                                end_date=dt.date(2025, 9, 30), counties=["29169", "29105"], channels=["truck_stops"],
                                audiences=["drivers"])
    args.update(kw)
    return services.campaign_create(**args)


@pytest.mark.parametrize("role", ["viewer", "trainer", "advocate", "analyst", "supervisor", "admin"])
def test_analytics_page_for_each_role_with_map_and_table(role: str, staff_client: Any) -> None:
    client, _ = staff_client(role)
    response = client.get("/staff/outreach/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<path d=\"M", html)) == 115
    assert html.count("<title>") >= 116  # one hover text per county, plus the map's title
    assert "Jackson County: " in html
    assert html.count('<tr data-fips="') == 115  # the table fallback


def test_map_metric_and_filters(staff_client: Any) -> None:
    client, _ = staff_client("viewer")
    response = client.get("/staff/outreach/", {"metric": "tips", "task_force": "kansas-city",
                                               "start": "2025-01-01", "end": "2025-12-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr data-fips="') == 7
    assert "<title>Jackson County: 120</title>" in html
    assert len(re.findall(r"<path d=\"M", html)) == 7


def test_user_without_analytics_is_refused_and_audited(staff_client: Any) -> None:
    client, user = staff_client()  # no role at all
    response = client.get("/staff/outreach/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied", object_id="outreach:index").exists()
    assert client.get("/staff/outreach/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(actor=user, action="export").exists()


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get("/staff/outreach/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_gap_csv_opens_in_a_spreadsheet(staff_client: Any) -> None:
    client, user = staff_client("supervisor")
    response = client.get("/staff/outreach/export.csv", {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == GAP_COLUMNS
    assert len(rows) == 116
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [int(r["rank"]) for r in body] == list(range(1, 116))
    jackson = next(r for r in body if r["fips"] == "29095")
    assert jackson["county"] == "Jackson County" and jackson["tips"] == "120" and jackson["open_cases"] == "7"
    total = sum(float(jackson[f"{k}_contribution"]) for k in
                ["rurality", "poverty", "interstates", "shelter_distance", "service_distance", "training_gap",
                 "workshop_gap", "tip_gap"])
    assert float(jackson["gap_score"]) == pytest.approx(total, abs=0.1)
    st_louis = next(r for r in body if r["fips"] == "29510")
    assert st_louis["county"] == "St. Louis city"
    assert AuditEvent.objects.filter(actor=user, action="export", object_type="outreach.gap").count() == 1


def test_county_page_explains_the_score(staff_client: Any) -> None:
    client, _ = staff_client("viewer")
    response = client.get("/staff/outreach/county/29001/", {"start": "2025-01-01", "end": "2025-12-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Adair County" in html and "Rurality" in html and "(RUCC - 1) / 8" in html
    assert "<polyline" in html or "<circle" in html  # the trend chart
    assert client.get("/staff/outreach/county/99999/").status_code == 404


def test_campaign_create_requires_manage_permission(staff_client: Any) -> None:
    client, user = staff_client("viewer")
    data = {"name": "X", "status": "planned", "start_date": "2025-01-01", "end_date": "2025-02-01",
            "counties": ["29001"]}
    response = client.post("/staff/outreach/campaigns/new/", data)
    assert response.status_code == 403
    assert not Campaign.objects.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied", object_id="outreach:campaign_create").exists()


def test_campaign_lifecycle_progress_updates_when_delivered(staff_client: Any) -> None:
    client, user = staff_client("supervisor")
    response = client.post("/staff/outreach/campaigns/new/", {
        "name": "Rural schools spring", "status": "active", "start_date": "2025-03-01", "end_date": "2025-06-30",
        "counties": ["29001", "29211"], "audiences": ["youth", "educators"], "channels": ["schools", "radio"],
    })
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Rural schools spring")
    assert set(campaign.counties.values_list("fips", flat=True)) == {"29001", "29211"}
    assert AuditEvent.objects.filter(action="create", object_type="outreach.campaign", object_id=str(campaign.pk)).exists()
    url = f"/staff/outreach/campaigns/{campaign.pk}/"
    for title in ("Assembly A", "Assembly B"):
        r = client.post(url + "activities/", {"county": "29001", "channel": "schools", "title": title,
                                              "planned_date": "2025-04-01", "planned_reach": 300, "location": ""})
        assert r.status_code == 302, r.content
    # A county outside the campaign is refused.
    r = client.post(url + "activities/", {"county": "29095", "channel": "schools", "title": "Elsewhere",
                                          "planned_date": "2025-04-01", "planned_reach": 1})
    assert r.status_code == 400 and Activity.objects.count() == 2
    page = client.get(url).content.decode()
    assert '<tr data-fips="29001"><td>Adair County</td><td>2</td><td>0</td><td>0</td><td>600</td><td>0</td>' in page
    first = Activity.objects.get(title="Assembly A")
    r = client.post(f"/staff/outreach/activities/{first.pk}/deliver/", {"delivered_date": "2025-04-02", "reach": 280})
    assert r.status_code == 302
    page = client.get(url).content.decode()
    assert '<tr data-fips="29001"><td>Adair County</td><td>2</td><td>1</td><td>50</td><td>600</td><td>280</td>' in page
    assert AuditEvent.objects.filter(action="update", object_type="outreach.activity", object_id=str(first.pk)).exists()
    csv_response = client.get(url + "progress.csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == PROGRESS_COLUMNS
    assert rows[1] == ["29001", "Adair County", "2", "1", "50", "600", "280"]
    assert rows[2][0] == "29211"


def test_viewer_cannot_deliver(staff_client: Any) -> None:
    campaign = _campaign()
    activity = services.activity_plan(acting_user=None, campaign=campaign, county="29169", channel="truck_stops",
                                      title="Posters", planned_date=dt.date(2025, 4, 1), planned_reach=100)
    client, user = staff_client("viewer")
    r = client.post(f"/staff/outreach/activities/{activity.pk}/deliver/", {"delivered_date": "2025-04-02", "reach": 5})
    assert r.status_code == 403
    activity.refresh_from_db()
    assert activity.delivered_date is None and activity.reach is None
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
    # The viewer still reads the campaign, without the forms.
    page = client.get(f"/staff/outreach/campaigns/{campaign.pk}/").content.decode()
    assert "Posters" in page and "Mark delivered" not in page


def test_before_after_uses_the_campaign_counties_and_equal_windows(monkeypatch: Any) -> None:
    from beacon.outreach import selectors, sources

    def tips(start: dt.datetime, end: dt.datetime) -> dict[str, int]:
        # 3 tips a day in Pulaski after 2025-03-01, 1 a day before; Jackson (not targeted) always 100.
        days = (end - start).days
        return {"29169": days * (3 if start.date() >= dt.date(2025, 3, 1) else 1), "29095": 100}

    monkeypatch.setattr(sources, "tips_by_county", tips)
    campaign = _campaign()
    ba = selectors.campaign_before_after(campaign, today=dt.date(2025, 3, 10))
    assert ba.after_start == dt.date(2025, 3, 1) and ba.after_end == dt.date(2025, 3, 10)
    assert ba.before_start == dt.date(2025, 2, 19)
    assert (ba.tips_before, ba.tips_after) == (10, 30)
    assert ba.tips_change == 200.0
    assert ba.trained_before == 0  # fixture: no training in the target counties


@pytest.mark.parametrize(("start", "end"), [(dt.date(1, 1, 3), dt.date(1, 1, 10)), (dt.date(9999, 12, 31), dt.date.max),
                                             (dt.date.min, dt.date.max)])
def test_campaigns_at_the_ends_of_the_calendar_are_read_not_a_500(api_client_for: Any, start: dt.date,
                                                                    end: dt.date) -> None:
    """The schemathesis CLI (supervisor) created a campaign of year 1; reading it was a 500 (OverflowError)."""
    campaign = _campaign(start_date=start, end_date=end)
    ba = selectors.campaign_before_after(campaign, today=dt.date(2025, 3, 10))
    assert ba.before_start >= dt.date.min and ba.after_start == start
    client, _ = api_client_for("supervisor")
    response = client.get(f"/api/v1/outreach/campaigns/{campaign.pk}/")
    assert response.status_code == 200, response.content
    assert response.json()["before_after"]["after_start"] == start.isoformat()


def test_campaign_list_query_count(staff_client: Any, django_assert_max_num_queries: Any) -> None:
    for k in range(12):
        c = _campaign(name=f"Campaign {k}")
        services.activity_plan(acting_user=None, campaign=c, county="29169", channel="radio", title="Spot",
                               planned_date=dt.date(2025, 4, 1))
    client, _ = staff_client("viewer")
    with django_assert_max_num_queries(12):
        response = client.get("/staff/outreach/campaigns/")
    assert response.status_code == 200 and response.content.decode().count("Campaign ") >= 12


def test_csv_quoting_and_formula_neutralising() -> None:
    from beacon.outreach.exports import to_csv

    body = to_csv(["name", "note", "n"], [['Smith, "Jo"', "=HYPERLINK(\"x\")", 3], ["line\nbreak", "-1+2", None]])
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    assert rows == [["name", "note", "n"], ['Smith, "Jo"', "'=HYPERLINK(\"x\")", "3"], ["line\nbreak", "'-1+2", ""]]
    assert '"Smith, ""Jo"""' in body  # RFC 4180 doubling of quotes

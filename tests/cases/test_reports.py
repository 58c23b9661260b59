from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from beacon.cases import services
from beacon.cases.reports import federal_report, quarter_bounds
from beacon.core.models import AuditEvent, TaskForce


@pytest.fixture
def fixture_cases(world: Any, open_case: Any) -> None:
    """Q3 2026 in the Kansas City task force: 2 cases opened, 3 potential victims, 3 arrests, 1 charge, 2 referrals."""
    sex = open_case(world.kc_inv, kind="sex", opened_on=dt.date(2026, 7, 3))
    labor = open_case(world.kc_inv, kind="labor", opened_on=dt.date(2026, 9, 30))
    old = open_case(world.kc_inv, kind="sex", opened_on=dt.date(2026, 6, 30))  # Q2
    stl = open_case(world.stl_inv, kind="sex", opened_on=dt.date(2026, 8, 1))  # another task force
    u = world.kc_inv
    services.person_add(case=sex, acting_user=u, role="victim", age_group="minor", sex="female", identified_on=dt.date(2026, 7, 4))
    services.person_add(case=sex, acting_user=u, role="victim", age_group="adult", sex="female", identified_on=dt.date(2026, 8, 4))
    services.person_add(case=labor, acting_user=u, role="victim", age_group="adult", sex="male", identified_on=dt.date(2026, 9, 30))
    services.person_add(case=labor, acting_user=u, role="suspect", age_group="adult", sex="male", identified_on=dt.date(2026, 9, 30))
    services.person_add(case=old, acting_user=u, role="victim", age_group="minor", sex="female", identified_on=dt.date(2026, 6, 30))
    services.person_add(case=old, acting_user=u, role="victim", age_group="minor", sex="male", identified_on=dt.date(2026, 10, 1))
    services.person_add(case=stl, acting_user=world.stl_inv, role="victim", age_group="adult", sex="female",
                        identified_on=dt.date(2026, 8, 1))
    services.event_add(case=sex, acting_user=u, kind="arrest", count=2, occurred_on=dt.date(2026, 7, 10))
    services.event_add(case=old, acting_user=u, kind="arrest", count=1, occurred_on=dt.date(2026, 9, 1))
    services.event_add(case=old, acting_user=u, kind="arrest", count=5, occurred_on=dt.date(2026, 6, 1))
    services.event_add(case=sex, acting_user=u, kind="charge", count=1, occurred_on=dt.date(2026, 8, 10))
    services.event_add(case=labor, acting_user=u, kind="service_referral", count=2, occurred_on=dt.date(2026, 9, 30))
    services.event_add(case=labor, acting_user=u, kind="note", count=1, occurred_on=dt.date(2026, 9, 30))
    services.event_add(case=stl, acting_user=world.stl_inv, kind="arrest", count=9, occurred_on=dt.date(2026, 8, 2))


def test_quarter_bounds() -> None:
    assert quarter_bounds("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 10, 1))
    assert quarter_bounds("2026-q4") == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    with pytest.raises(ValueError):
        quarter_bounds("2026Q5")


def test_report_counts_match_fixture(fixture_cases: None, mo: Any) -> None:
    kc = TaskForce.objects.get(slug="kansas-city")
    r = federal_report(kc, *quarter_bounds("2026Q3"))
    assert r.investigations_opened == 2
    assert r.victims_total == 3
    assert r.victims_by_type == {"sex": 2, "labor": 1}
    assert r.victims_by_age == {"minor": 1, "adult": 2}
    assert r.victims_by_sex == {"female": 2, "male": 1}
    assert (r.arrests, r.charges, r.service_referrals) == (3, 1, 2)
    custom = federal_report(kc, dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert (custom.investigations_opened, custom.victims_total, custom.arrests) == (1, 1, 5)


def test_report_page_and_csv(fixture_cases: None, world: Any, staff_client: Any, user_factory: Any) -> None:
    supervisor = user_factory("supervisor", agency=world.kc)
    client, _ = staff_client(user=supervisor)
    page = client.get(reverse("cases:federal_report"), {"task_force": "kansas-city", "quarter": "2026Q3"})
    assert page.status_code == 200
    assert 'data-measure="investigations_opened">2<' in page.content.decode()
    assert 'data-measure="potential_victims_identified|age_group:minor">1<' in page.content.decode()
    response = client.get(reverse("cases:federal_report"), {"task_force": "kansas-city", "start": "2026-07-01",
                                                            "end": "2026-09-30", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    got = {(row["measure"], row["breakdown"]): int(row["count"]) for row in rows}
    assert got[("arrests", "")] == 3 and got[("potential_victims_identified", "trafficking_type:both")] == 0
    assert got[("referrals_to_services", "")] == 2 and rows[0]["period_end"] == "2026-09-30"
    assert AuditEvent.objects.filter(actor=supervisor, action="export", object_type="federal_report").exists()
    # Another task force's report: 404 and a denied audit row.
    other = client.get(reverse("cases:federal_report"), {"task_force": "st-louis", "quarter": "2026Q3"})
    assert other.status_code == 404
    assert AuditEvent.objects.filter(actor=supervisor, action="denied", object_type="federal_report").exists()


def test_report_permissions_and_api(fixture_cases: None, world: Any, staff_client: Any, api_client_for: Any,
                                    user_factory: Any) -> None:
    client, _ = staff_client(user=world.kc_inv)
    assert client.get(reverse("cases:federal_report")).status_code == 403
    api, _ = api_client_for(user=world.kc_inv)
    assert api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "quarter": "2026Q3"}).status_code == 403
    api, _ = api_client_for(user=user_factory("supervisor", agency=world.kc))
    data = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "quarter": "2026Q3"}).json()
    assert {"measure": "charges", "breakdown": "", "count": 1} in data["rows"]
    # Neither quarter nor dates: this quarter so far; one date: the rest of (or up to) its quarter.
    from django.utils import timezone
    today = timezone.localdate()
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    current = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city"})
    assert current.status_code == 200
    assert (current.json()["start"], current.json()["end"]) == (first.isoformat(), today.isoformat())
    data = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "start": "2026-08-15"}).json()
    assert (data["start"], data["end"]) == ("2026-08-15", "2026-09-30")
    data = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "end": "2026-08-15"}).json()
    assert (data["start"], data["end"]) == ("2026-07-01", "2026-08-15")
    bad = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "start": "2026-08-15", "end": "2026-08-01"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"end"}
    bad = api.get("/api/v1/cases/reports/federal/", {"task_force": "kansas-city", "quarter": "2026Q5"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"quarter"}


def test_report_includes_advocates_referrals_and_services_by_type(mo: Any, user_factory: Any, agency_factory: Any) -> None:
    """Referral and service counts by type come from survivor support, for the task force's agencies only."""
    from django.utils import timezone

    from beacon.survivors import services as survivor_services
    from beacon.survivors.models import Organization
    from beacon.survivors.services import ServiceInput, service_save

    kc = TaskForce.objects.get(slug="kansas-city")
    ours = agency_factory(kind="ngo", task_force="kansas-city")
    outside = agency_factory(kind="ngo")
    theirs = agency_factory(kind="ngo")
    org = Organization.objects.create(name="Receiving org", description="Test organisation", agency=theirs)
    service = service_save(acting_user=None, organization=org, data=ServiceInput(name="Shelter", needs=["shelter"]))
    for advocate_agency in (ours, outside):
        advocate = user_factory("advocate", agency=advocate_agency)
        survivor = survivor_services.survivor_create(acting_user=advocate, preferred_name="Z")
        consent = survivor_services.consent_record(
            acting_user=advocate, survivor=survivor, recipient_agency=theirs, fields=["needs"], purpose="shelter",
            method="written", expires_at=timezone.now() + dt.timedelta(days=30))
        survivor_services.referral_create(acting_user=advocate, survivor=survivor, service=service, consent=consent,
                                          shared_fields=["needs"])
    today = timezone.localdate()
    report = federal_report(kc, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert report.referrals_by_need == {"shelter": 1}
    assert report.services_by_need.get("shelter") == 1
    assert ("advocate_referrals_by_service_type", "need:shelter", 1) in report.rows()

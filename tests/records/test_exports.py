"""Exports: visibility per role and agency, filters, streaming, audit rows, CSV injection,
survivor identity only for those who may read it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db.models.query import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.core import audit
from beacon.core.models import AuditEvent
from beacon.records import exports
from beacon.survivors import services as survivor_services
from beacon.tips.models import Tip

from .conftest import JACKSON, ST_LOUIS_CITY, refer


def content(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response))))


def test_tips_export_holds_only_the_agencys_tips_and_is_audited(world: Any, make_tip: Any, staff_client: Any) -> None:
    kc = make_tip("KC narrative", county=JACKSON, contact="573-555-0199")
    make_tip("STL narrative", county=ST_LOUIS_CITY)
    client, user = staff_client(user=world.kc_sup)
    response = client.get("/staff/records/exports/tips/", {"output": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    got = rows(response)
    assert [r["id"] for r in got] == [str(kc.pk)]
    assert got[0]["narrative"] == "KC narrative" and got[0]["contact"] == "573-555-0199"  # supervisors may
    event = AuditEvent.objects.get(action="export", actor=user)
    assert event.object_type == "tips_export"
    assert event.detail == {"kind": "tips", "output": "csv", "filters": {}, "rows": 1, "contact": True}


def test_filters_apply_and_are_audited(world: Any, make_tip: Any, api_client_for: Any) -> None:
    old = make_tip("An older report", age_days=30)
    new = make_tip("A newer report")
    Tip.objects.filter(pk=new.pk).update(status="triaged")
    client, user = api_client_for(user=world.kc_sup)
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    got = rows(client.get("/api/v1/exports/tips/", {"since": since}))
    assert [r["id"] for r in got] == [str(new.pk)]
    got = rows(client.get("/api/v1/exports/tips/", {"status": "new", "county": JACKSON}))
    assert [r["id"] for r in got] == [str(old.pk)]
    filters = [e.detail["filters"] for e in AuditEvent.objects.filter(action="export", actor=user).order_by("id")]
    assert filters == [{"since": since}, {"status": "new", "county": JACKSON}]


@pytest.mark.parametrize(("params", "field"), [({"since": "yesterday"}, "since"), ({"output": "xml"}, "output"),
                                               ({"since": "2026-02-02", "until": "2026-01-01"}, "until"),
                                               ({"county": "Jackson"}, "county")])
def test_bad_filters_are_a_clear_400(world: Any, api_client_for: Any, params: dict[str, str], field: str) -> None:
    client, user = api_client_for(user=world.kc_sup)
    response = client.get("/api/v1/exports/tips/", params)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "fields"} and field in response.json()["fields"]
    assert not AuditEvent.objects.filter(action="export").exists()


def test_json_lines(world: Any, make_tip: Any, api_client_for: Any) -> None:
    tip = make_tip("Line one of it")
    client, _ = api_client_for(user=world.kc_sup)
    response = client.get("/api/v1/exports/tips/", {"output": "json"})
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in content(response).splitlines()]
    assert [(r["id"], r["narrative"]) for r in lines] == [(tip.pk, "Line one of it")]


def test_csv_injection_is_neutralised(world: Any, make_tip: Any, staff_client: Any) -> None:
    for text in ('=HYPERLINK("http://evil.example","click")', "+1+2 then more", "-2+3 then more",
                 "@SUM(A1:A2) then more"):
        make_tip(text)
    client, _ = staff_client(user=world.kc_sup)
    narratives = {r["narrative"] for r in rows(client.get("/staff/records/exports/tips/"))}
    assert narratives == {"'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+2 then more", "'-2+3 then more",
                          "'@SUM(A1:A2) then more"}
    assert exports.csv_safe("plain") == "plain" and exports.csv_safe(12) == 12


def test_the_export_streams_through_an_iterator_not_a_list(world: Any, make_tip: Any, staff_client: Any,
                                                           monkeypatch: Any) -> None:
    for i in range(5):
        make_tip(f"Tip number {i}")
    chunks: list[int | None] = []
    original_iterator = QuerySet.iterator

    def spy_iterator(self: QuerySet[Any], chunk_size: int | None = None) -> Any:
        chunks.append(chunk_size)
        return original_iterator(self, chunk_size=chunk_size)

    def no_full_list(self: QuerySet[Any]) -> None:
        raise AssertionError("the export loaded the whole queryset into memory")

    monkeypatch.setattr(QuerySet, "iterator", spy_iterator)
    client, _ = staff_client(user=world.kc_sup)
    response = client.get("/staff/records/exports/tips/")
    assert response.streaming
    monkeypatch.setattr(QuerySet, "_fetch_all", no_full_list)
    assert len(rows(response)) == 5
    assert chunks == [exports.CHUNK]


def test_case_export_shows_victim_names_only_with_need_to_know(world: Any, make_case: Any,
                                                              api_client_for: Any) -> None:
    case = make_case(world.kc_sup, title="Massage parlor")
    case_services.person_add(case=case, acting_user=world.kc_sup, role="victim", name="Ana Victim")
    case_services.case_add_agency(case=case, agency=world.stl, acting_user=world.kc_sup)
    lead, _ = api_client_for(user=world.kc_sup)
    partner, _ = api_client_for(user=world.stl_sup)
    mine = rows(lead.get("/api/v1/exports/cases/"))
    theirs = rows(partner.get("/api/v1/exports/cases/"))
    assert [(r["id"], r["potential_victims"], r["victim_names"]) for r in mine] == [(str(case.pk), "1", "Ana Victim")]
    assert [(r["id"], r["potential_victims"], r["victim_names"]) for r in theirs] == [(str(case.pk), "1", "")]
    other = make_case(world.stl_sup, title="STL only")
    assert str(other.pk) not in {r["id"] for r in rows(lead.get("/api/v1/exports/cases/"))}


def test_referral_export_survivor_identity_by_side_and_consent(survivors: Any, user_factory: Any,
                                                               api_client_for: Any) -> None:
    referral = refer(survivors, fields=("preferred_name",))
    sender, _ = api_client_for(user=survivors.advocate)
    receiver, _ = api_client_for(user=survivors.receiver)
    mine = rows(sender.get("/api/v1/exports/referrals/"))
    assert json.loads(mine[0]["survivor"]) == {"record": survivors.survivor.pk, "preferred_name": "Rosa"}
    theirs = rows(receiver.get("/api/v1/exports/referrals/"))
    assert json.loads(theirs[0]["survivor"]) == {"preferred_name": "Rosa"}
    assert "Rosa Example" not in content(receiver.get("/api/v1/exports/referrals/"))  # legal name not consented
    survivor_services.consent_revoke(acting_user=survivors.advocate, consent=referral.consent)
    assert json.loads(rows(receiver.get("/api/v1/exports/referrals/"))[0]["survivor"]) == {}
    outsider, _ = api_client_for(user=user_factory("advocate", kind="ngo"))
    assert rows(outsider.get("/api/v1/exports/referrals/")) == []


def test_audit_trail_export_for_auditors(world: Any, staff_client: Any) -> None:
    audit.record(actor=world.kc_sup, action="read", object_type="tip", object_id=1, summary="=cmd|' /C calc'!A0")
    client, admin = staff_client(user=world.admin)
    got = rows(client.get("/staff/records/exports/audit/", {"object_type": "tip"}))
    assert [r["summary"] for r in got] == ["'=cmd|' /C calc'!A0"]
    assert AuditEvent.objects.filter(action="export", object_type="audit_export", actor=admin).count() == 1
    supervisor, _ = staff_client(user=world.kc_sup)
    assert supervisor.get("/staff/records/exports/audit/").status_code == 403


def test_the_export_page_offers_what_the_role_may_export(world: Any, survivors: Any, staff_client: Any) -> None:
    sup, _ = staff_client(user=world.kc_sup)
    page = sup.get("/staff/records/exports/").content.decode()
    assert 'data-testid="export-tips"' in page and 'data-testid="export-cases"' in page
    assert 'data-testid="export-referrals"' not in page and 'data-testid="export-audit"' not in page
    adv, _ = staff_client(user=survivors.advocate)
    page = adv.get("/staff/records/exports/").content.decode()
    assert 'data-testid="export-referrals"' in page and 'data-testid="export-tips"' not in page
    inv, _ = staff_client(user=world.kc_inv)
    assert inv.get("/staff/records/exports/").status_code == 403
    assert inv.get("/staff/records/exports/tips/").status_code == 403


def test_a_bad_filter_on_the_page_explains_and_exports_nothing(world: Any, staff_client: Any) -> None:
    client, _ = staff_client(user=world.kc_sup)
    response = client.get("/staff/records/exports/tips/", {"since": "31/12/2025"}, follow=True)
    assert "since: use a date written YYYY-MM-DD." in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()

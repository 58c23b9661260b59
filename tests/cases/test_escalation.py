from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.cases import services
from beacon.cases.graph import link_graph
from beacon.cases.models import Case, CaseLink, DeconflictionAlert
from beacon.core.models import AuditEvent


def test_tip_becomes_a_case_keeping_its_links(world: Any, fake_tips: Any, staff_client: Any, open_case: Any) -> None:
    fake_tips.add("41", ("phone", "816-555-0123"), ("handle", "@candy_kc"))
    other = open_case(world.stl_inv, title="STL case")
    services.identifier_add(case=other, acting_user=world.stl_inv, kind="handle", raw="@Candy_KC")
    client, _ = staff_client(user=world.kc_inv)
    form = client.get(reverse("cases:create"), {"from": "testtip:41"})
    assert form.status_code == 200 and b"Test tip 41" in form.content
    response = client.post(reverse("cases:create") + "?from=testtip:41", {
        "title": "From tip 41", "kind": "sex", "opened_on": "2026-03-01"})
    assert response.status_code == 302
    case = Case.objects.get(title="From tip 41")
    assert CaseLink.objects.filter(case=case, object_type="testtip", object_id="41").exists()
    assert {(ci.identifier.kind, ci.identifier.value, ci.source) for ci in case.identifiers.select_related("identifier")} == {
        ("phone", "+18165550123", "testtip:41"), ("handle", "at:candy_kc", "testtip:41")}
    assert DeconflictionAlert.objects.filter(case=case, other_agency=world.stl, identifier_kind="handle").exists()
    assert AuditEvent.objects.filter(object_type="case_link", action="create").exists()
    g = link_graph(world.kc_inv, "case", str(case.pk), hops=1).as_dict()
    assert {"source": f"case:{case.pk}", "target": "testtip:41", "kind": "linked"} in g["edges"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Test tip 41" in page


def test_tip_joins_an_existing_case(world: Any, fake_tips: Any, staff_client: Any, open_case: Any) -> None:
    fake_tips.add("5", ("email", "boss@example.org"))
    case = open_case(world.kc_inv)
    client, _ = staff_client(user=world.kc_inv)
    assert client.get(reverse("cases:link", args=[case.pk]), {"from": "testtip:5"}).status_code == 200
    assert client.post(reverse("cases:link", args=[case.pk]) + "?from=testtip:5").status_code == 302
    assert case.links.get().object_id == "5"
    assert case.identifiers.get().identifier.value == "boss@example.org"
    client.post(reverse("cases:link", args=[case.pk]), {"source": "testtip:5"})  # twice: nothing new
    assert case.links.count() == 1 and case.identifiers.count() == 1


def test_invisible_or_unknown_source_is_404_and_denied(world: Any, fake_tips: Any, staff_client: Any,
                                                         api_client_for: Any, open_case: Any) -> None:
    fake_tips.add("9", ("phone", "816-555-0177"), hidden=True)
    client, _ = staff_client(user=world.kc_inv)
    for source in ("testtip:9", "testtip:404", "nosuch:1", "case:1"):
        assert client.post(reverse("cases:create") + f"?from={source}", {
            "title": "x", "kind": "sex", "opened_on": "2026-03-01"}).status_code == 404
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(actor=world.kc_inv, action="denied", object_type="testtip", object_id="9").exists()
    case = open_case(world.kc_inv)
    assert client.post(reverse("cases:link", args=[case.pk]), {"source": "testtip:9"}).status_code == 404
    assert not case.links.exists()
    api, _ = api_client_for(user=world.kc_inv)
    response = api.post("/api/v1/cases/", {"title": "x", "source": "testtip:9"}, format="json")
    assert response.status_code == 404 and Case.objects.count() == 1


def test_api_escalation(world: Any, fake_tips: Any, api_client_for: Any) -> None:
    fake_tips.add("3", ("phone", "417-555-0100"))
    api, _ = api_client_for(user=world.kc_inv)
    response = api.post("/api/v1/cases/", {"title": "API case", "kind": "labor", "source": "testtip:3",
                                           "counties": ["29095"]}, format="json")
    assert response.status_code == 201, response.json()
    detail = api.get(f"/api/v1/cases/{response.json()['id']}/").json()
    assert detail["links"] == ["testtip:3"] and detail["identifiers"][0]["value"] == "+14175550100"
    assert detail["counties"] == ["29095"] and detail["lead_agency"] == world.kc.name

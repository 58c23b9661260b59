from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from beacon.cases import services
from beacon.cases.graph import link_graph
from beacon.core import links
from beacon.core.models import AuditEvent, Identifier


@pytest.fixture
def network(world: Any, open_case: Any, user_factory: Any, agency_factory: Any) -> dict[str, Any]:
    """A (KC) -phone- B (KC) -email- C (hidden agency) -plate- D (KC); A also holds a victim's phone."""
    other = agency_factory("law_enforcement", name="Hidden agency")
    hidden_user = user_factory("investigator", agency=other)
    a = open_case(world.kc_inv, title="Case A")
    b = open_case(world.kc_inv, title="Case B")
    c = open_case(hidden_user, title="Case C hidden")
    d = open_case(world.kc_inv, title="Case D")
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="phone", raw="816-555-0111")
    services.identifier_add(case=b, acting_user=world.kc_inv, kind="phone", raw="816 555 0111")
    services.identifier_add(case=b, acting_user=world.kc_inv, kind="email", raw="b@example.org")
    services.identifier_add(case=c, acting_user=hidden_user, kind="email", raw="b@example.org")
    services.identifier_add(case=c, acting_user=hidden_user, kind="plate", raw="MO:HID123")
    services.identifier_add(case=d, acting_user=world.kc_inv, kind="plate", raw="MO:HID123")
    victim = services.person_add(case=a, acting_user=world.kc_inv, role="victim", name="Vic Tim")
    services.identifier_add(case=a, acting_user=world.kc_inv, kind="phone", raw="816-555-0199", person=victim)
    return {"a": a, "b": b, "c": c, "d": d}


def _ids(g: dict[str, Any], kind: str | None = None) -> set[str]:
    return {n["id"] for n in g["nodes"] if kind is None or n["type"] == kind}


def test_graph_shows_visible_and_counts_restricted(world: Any, network: dict[str, Any]) -> None:
    a, b, c, d = network["a"], network["b"], network["c"], network["d"]
    g = link_graph(world.kc_inv, "case", str(a.pk), hops=3).as_dict()
    assert _ids(g, "case") == {f"case:{a.pk}", f"case:{b.pk}"}
    assert g["restricted"] == 1  # C: counted, not shown, and not walked through (D stays unreachable)
    assert f"case:{c.pk}" not in _ids(g) and f"case:{d.pk}" not in _ids(g)
    plate = Identifier.objects.get(kind="plate")
    assert f"identifier:{plate.pk}" not in _ids(g)
    labels = {n["label"] for n in g["nodes"]}
    assert "Phone: +18165550111" in labels and "E-mail: b@example.org" in labels
    assert "Phone (potential victim)" in labels and not any("0199" in x for x in labels)
    assert not any("hidden" in x.lower() for x in labels)
    phone = Identifier.objects.get(value="+18165550111")
    assert {"source": f"case:{a.pk}", "target": f"identifier:{phone.pk}", "kind": "holds"} in g["edges"]
    assert {"source": f"case:{b.pk}", "target": f"identifier:{phone.pk}", "kind": "holds"} in g["edges"]
    hops = {n["id"]: n["hop"] for n in g["nodes"]}
    assert hops[f"case:{a.pk}"] == 0 and hops[f"case:{b.pk}"] == 1


def test_graph_through_visible_path_and_limits(world: Any, network: dict[str, Any], user_factory: Any) -> None:
    a, c, d = network["a"], network["c"], network["d"]
    # Someone who may see C walks on to D.
    services.grant_create(case=c, acting_user=c.lead_user, user=world.kc_inv, reason="joint",
                          expires_at=timezone.now() + dt.timedelta(days=1))
    g = link_graph(world.kc_inv, "case", str(a.pk), hops=3).as_dict()
    assert _ids(g, "case") == {f"case:{x.pk}" for x in network.values()} and g["restricted"] == 0
    assert {n["id"]: n["hop"] for n in g["nodes"]}[f"case:{d.pk}"] == 3
    one_hop = link_graph(world.kc_inv, "case", str(a.pk), hops=1).as_dict()
    assert _ids(one_hop, "case") == {f"case:{a.pk}", f"case:{network['b'].pk}"}
    capped = link_graph(world.kc_inv, "case", str(a.pk), hops=3, max_nodes=2).as_dict()
    assert len(_ids(capped, "case")) == 2 and capped["truncated"] is True


def test_graph_walks_every_registered_provider(world: Any, network: dict[str, Any], fake_tips: Any) -> None:
    a = network["a"]
    fake_tips.add("7", ("phone", "8165550111"), ("url", "example.com/ad"))
    fake_tips.add("8", ("url", "example.com/ad"))
    fake_tips.add("9", ("phone", "+1 816 555 0111"), hidden=True)
    g = link_graph(world.kc_inv, "case", str(a.pk), hops=2).as_dict()
    assert {"testtip:7", "testtip:8"} <= _ids(g, "testtip")
    assert "testtip:9" not in _ids(g)
    assert g["restricted"] == 2  # hidden case C (via B's e-mail) and hidden tip 9
    tip = next(n for n in g["nodes"] if n["id"] == "testtip:7")
    assert tip["label"] == "Test tip 7" and tip["hop"] == 1
    # Starting from the tip works the same way.
    g2 = link_graph(world.kc_inv, "testtip", "8", hops=2).as_dict()
    assert {"testtip:7", "testtip:8"} <= _ids(g2) and f"case:{a.pk}" in _ids(g2)


def test_graph_api_and_page(world: Any, network: dict[str, Any], api_client_for: Any, staff_client: Any) -> None:
    a, c = network["a"], network["c"]
    api, _ = api_client_for(user=world.kc_inv)
    data = api.get(f"/api/v1/cases/{a.pk}/graph/", {"hops": 2}).json()
    assert data["restricted"] == 1 and f"case:{network['b'].pk}" in _ids(data)
    assert api.get("/api/v1/cases/graph/", {"start": f"case:{a.pk}"}).json()["nodes"] == data["nodes"]
    assert AuditEvent.objects.filter(actor=world.kc_inv, action="read", object_type="case", object_id=str(a.pk)).exists()
    # A start the user may not see is a 404 with a denied audit row.
    response = api.get(f"/api/v1/cases/{c.pk}/graph/")
    assert response.status_code == 404 and response.json() == {"error": "Not found.", "fields": {}}
    assert AuditEvent.objects.filter(actor=world.kc_inv, action="denied", object_id=str(c.pk)).exists()
    plate = Identifier.objects.get(kind="plate")
    assert api.get("/api/v1/cases/graph/", {"start": f"identifier:{plate.pk}"}).status_code == 200  # D holds it
    email = Identifier.objects.get(kind="email")
    by_identifier = api.get("/api/v1/cases/graph/", {"start": f"identifier:{email.pk}", "hops": 1}).json()
    assert _ids(by_identifier, "case") == {f"case:{network['b'].pk}"} and by_identifier["restricted"] == 1
    assert api.get("/api/v1/cases/graph/", {"start": "nonsense:1"}).status_code == 404
    assert api.get(f"/api/v1/cases/{a.pk}/graph/", {"hops": "x"}).status_code == 400

    client, _ = staff_client(user=world.kc_inv)
    page = client.get(reverse("cases:graph"), {"start": f"case:{a.pk}"}).content.decode()
    assert 'id="graph-data"' in page and "cytoscape.min.js" in page and "1 restricted item not shown" in page


def test_case_provider_is_registered() -> None:
    assert "case" in links.providers()


def test_case_provider_urls_are_the_detail_pages(world: Any, open_case: Any) -> None:
    case = open_case(world.kc_inv)
    assert links.provider("case").describe([str(case.pk)])[str(case.pk)].url == reverse("cases:detail", args=[case.pk])


def test_graph_page_lists_every_node_with_its_connections(world: Any, network: dict[str, Any], staff_client: Any) -> None:
    a, b = network["a"], network["b"]
    client, _ = staff_client(user=world.kc_inv)
    response = client.get(reverse("cases:graph"), {"start": f"case:{a.pk}", "hops": 2})
    listing = response.context["listing"]
    data = response.context["graph"]
    listed = {n["id"] for g in listing["groups"] for n in g["nodes"]}
    assert listed == {n["id"] for n in data["nodes"]}  # every node of the picture is in the list
    assert [g["type"] for g in listing["groups"]] == ["case", "identifier"]
    cases = {n["id"]: n for n in listing["groups"][0]["nodes"]}
    phone = next(n for n in data["nodes"] if n["type"] == "identifier" and "0111" in n["label"])
    assert phone in cases[f"case:{a.pk}"]["neighbours"] and phone in cases[f"case:{b.pk}"]["neighbours"]
    page = response.content.decode()
    assert f'<a href="{reverse("cases:detail", args=[b.pk])}">' in page and 'id="graph-list"' in page
    assert "Case C hidden" not in page

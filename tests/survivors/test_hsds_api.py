from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beacon.survivors import taxonomy
from beacon.survivors.models import Service

SECRET = "77 Hidden Shelter Road"


@pytest.fixture
def listed(provider: Callable[..., Service]) -> dict[str, Service]:
    return {
        "shelter": provider("Secret shelter", needs=["shelter"], confidential=True, address_1=SECRET, city="Columbia",
                            postal_code="65201", latitude=38.95, longitude=-92.33, phone="555-0101"),
        "clinic": provider("Open clinic", needs=["medical"], address_1="5 Clinic Way", city="Joplin", postal_code="64801"),
        "hidden": provider("Internal list", needs=["legal"], public=False),
    }


def test_services_page_shape_and_filters(client: Client, listed: dict[str, Service]) -> None:
    body = client.get("/api/hsds/services", {"per_page": 1}).json()
    assert {k: body[k] for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")} == {
        "total_items": 2, "total_pages": 2, "page_number": 1, "size": 1, "first_page": True, "last_page": False,
        "empty": False}
    assert body["contents"][0]["name"] == "Open clinic"
    term = str(taxonomy.term_id("shelter"))
    assert [s["name"] for s in client.get("/api/hsds/services", {"taxonomy_term_id": term}).json()["contents"]] == [
        "Secret shelter"]
    assert client.get("/api/hsds/services", {"search": "clinic"}).json()["total_items"] == 1
    org = str(listed["clinic"].organization_id)
    assert client.get("/api/hsds/services", {"organization_id": org}).json()["total_items"] == 2
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert client.get("/api/hsds/services", {"modified_after": later}).json()["empty"] is True
    assert client.get("/api/hsds/services", {"page": 9}).json()["contents"] == []
    bad = client.get("/api/hsds/services", {"taxonomy_term_id": "nope"})
    assert bad.status_code == 400 and "taxonomy_term_id" in bad.json()["fields"]
    assert client.get("/api/hsds/services", {"minimal": "true"}).json()["contents"][0].keys() == {"id", "last_modified"}


def test_confidential_address_never_in_the_api(client: Client, listed: dict[str, Service]) -> None:
    sid, oid = listed["shelter"].id, listed["shelter"].organization_id
    responses = [
        client.get(f"/api/hsds/services/{sid}"),
        client.get("/api/hsds/services", {"full": "true"}),
        client.get(f"/api/hsds/organizations/{oid}", {"full_service": "true"}),
        client.get("/api/hsds/organizations", {"full": "true", "full_service": "true"}),
        client.get("/api/hsds/service_at_locations"),
        client.get("/api/v1/services/search/", {"need": "shelter"}),
        client.get("/services/", {"need": "shelter"}),
    ]
    for r in responses:
        assert r.status_code == 200
        text = r.content.decode()
        assert SECRET not in text and "38.95" not in text and "65201" not in text
    detail = responses[0].json()
    assert detail["service_at_locations"][0]["location"]["name"].startswith("Confidential location (Boone County)")
    assert detail["phones"][0]["number"] == "555-0101"  # how to reach it is public


def test_non_public_service_is_not_served(client: Client, listed: dict[str, Service]) -> None:
    assert client.get(f"/api/hsds/services/{listed['hidden'].id}").status_code == 404
    assert client.get("/api/hsds/services/not-a-uuid").status_code == 404
    assert "Internal list" not in client.get("/api/hsds/organizations", {"full_service": "true"}).content.decode()


def test_organisation_with_only_staff_only_services_is_not_named(
        client: Client, listed: dict[str, Service], provider: Callable[..., Service], agency_factory: Any) -> None:
    ngo = agency_factory("ngo", "Quiet Harbor NGO")
    internal = provider("Safe house intake", agency=ngo, needs=["shelter"], public=False, address_1="9 Intake Lane",
                        city="Rolla", postal_code="65401")
    org_id = internal.organization_id
    for params in ({}, {"full": "true"}, {"search": "Quiet"}, {"taxonomy_term_id": str(taxonomy.term_id("shelter"))}):
        body = client.get("/api/hsds/organizations", params)
        assert body.status_code == 200 and str(org_id) not in body.content.decode(), params
    assert client.get(f"/api/hsds/organizations/{org_id}").status_code == 404
    names = [o["name"] for o in client.get("/api/hsds/organizations").json()["contents"]]
    assert names == [listed["clinic"].organization.name]
    # Once one of its services is listed publicly, the organisation appears, with the public
    # service's location and without the address used only by the staff-only intake.
    internal_loc = internal.service_at_locations.get().location
    provider("Drop-in centre", agency=ngo, needs=["counselling"], address_1="1 Main St", city="Rolla",
             postal_code="65401")
    body = client.get(f"/api/hsds/organizations/{org_id}", {"full_service": "true"})
    assert body.status_code == 200
    text = body.content.decode()
    assert "1 Main St" in text and "9 Intake Lane" not in text and "Safe house intake" not in text
    assert str(internal_loc.id) not in client.get("/api/hsds/organizations", {"full": "true"}).content.decode()


def test_ndjson_streams_every_result_without_pages(client: Client, listed: dict[str, Service]) -> None:
    import json

    response = client.get("/api/hsds/services", {"format": "ndjson", "per_page": 1})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert sorted(r["name"] for r in rows) == ["Open clinic", "Secret shelter"]  # both, though per_page is 1
    text = json.dumps(rows)
    assert SECRET not in text and "Internal list" not in text
    sal = client.get("/api/hsds/service_at_locations", {"format": "ndjson"})
    assert len(b"".join(sal.streaming_content).splitlines()) == 2
    bad = client.get("/api/hsds/taxonomies", {"format": "xml"})
    assert bad.status_code == 400 and "format" in bad.json()["fields"]


def test_service_at_locations_by_postcode_and_proximity(client: Client, listed: dict[str, Service],
                                                        provider: Callable[..., Service]) -> None:
    # Joplin clinic (64801, about 37.09 N, 94.51 W); a second provider in Carthage, ~19 km east.
    provider("Carthage pantry", needs=["counselling"], address_1="2 Oak St", city="Carthage", postal_code="64836",
             latitude=37.176, longitude=-94.310)
    at = "/api/hsds/service_at_locations"

    def names(**params: str) -> list[str]:
        body = client.get(at, params)
        assert body.status_code == 200, body.content
        return sorted(r["service"]["name"] for r in body.json()["contents"])

    assert names(postcode="64801") == ["Open clinic"]
    assert names(postcode="64836") == ["Carthage pantry"]
    assert names(postcode="64801", proximity="5000") == ["Open clinic"]
    assert names(postcode="64801", proximity="60000") == ["Carthage pantry", "Open clinic"]
    # The confidential Columbia shelter (65201) matches neither its postcode nor any distance.
    assert names(postcode="65201") == [] and names(postcode="65201", proximity="500000") == [
        "Carthage pantry", "Open clinic"]
    for params, field in (({"proximity": "100"}, "proximity"), ({"postcode": "abc"}, "postcode"),
                          ({"postcode": "64801", "proximity": "-3"}, "proximity")):
        bad = client.get(at, params)
        assert bad.status_code == 400 and field in bad.json()["fields"], params
    # A well-formed ZIP code Beacon does not know is a 404 (the schema's pattern allows it).
    unknown = client.get(at, {"postcode": "99999", "proximity": "100"})
    assert unknown.status_code == 404 and "ZIP code" in unknown.json()["error"]


def test_taxonomies_and_terms(client: Client, listed: dict[str, Service]) -> None:
    taxonomies = client.get("/api/hsds/taxonomies").json()
    assert {t["name"] for t in taxonomies["contents"]} == {"Beacon survivor needs", "Beacon service facets"}
    needs = str(taxonomy.NEEDS_TAXONOMY_ID)
    terms = client.get("/api/hsds/taxonomy_terms", {"taxonomy_id": needs, "per_page": 100}).json()
    assert {t["code"] for t in terms["contents"]} == set(taxonomy.NEEDS)
    one = client.get(f"/api/hsds/taxonomy_terms/{taxonomy.term_id('shelter')}").json()
    assert one["taxonomy_detail"]["id"] == needs
    assert client.get(f"/api/hsds/taxonomies/{needs}").json()["name"] == "Beacon survivor needs"
    assert client.get("/api/hsds/").json()["version"] == "3.1"


def test_full_list_has_no_n_plus_one(client: Client, provider: Callable[..., Service],
                                     django_assert_max_num_queries: Any) -> None:
    for n in range(12):
        provider(f"Service {n}", needs=["counselling"], address_1=f"{n} Road", city="Columbia", postal_code="65201",
                 languages=["en"], phone="555-0100", counties=["29019"])
    with django_assert_max_num_queries(16):
        body = client.get("/api/hsds/services", {"full": "true"}).json()
    assert body["size"] == 12
    with django_assert_max_num_queries(16):
        assert client.get("/api/hsds/service_at_locations").json()["size"] == 12

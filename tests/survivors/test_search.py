from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.core.geo import distance_km
from beacon.core.models import County
from beacon.survivors import search
from beacon.survivors.models import Service
from beacon.survivors.selectors import parse_query

KC = (39.0997, -94.5786)
STL = (38.6270, -90.1994)
SPRINGFIELD = (37.2090, -93.2923)
COLUMBIA = (38.9517, -92.3341)


@pytest.fixture
def spread(provider: Callable[..., Service]) -> dict[str, Service]:
    return {
        "kc": provider("KC shelter", needs=["shelter"], latitude=KC[0], longitude=KC[1], address_1="1 Main St",
                       city="Kansas City", postal_code="64106", open_24_7=True, free=True, languages=["en", "es"],
                       genders=["women"]),
        "stl": provider("STL shelter", needs=["shelter"], latitude=STL[0], longitude=STL[1], address_1="2 Market St",
                        city="St. Louis", postal_code="63101", minimum_age=18),
        "sgf": provider("Springfield clinic", needs=["medical"], latitude=SPRINGFIELD[0], longitude=SPRINGFIELD[1],
                        counties=["29077", "29043"], address_1="3 Elm", city="Springfield", postal_code="65806"),
        "como": provider("Columbia shelter", needs=["shelter"], latitude=COLUMBIA[0], longitude=COLUMBIA[1],
                         confidential=True, address_1="4 Secret Lane", city="Columbia", postal_code="65201",
                         maximum_age=17),
        "line": provider("Statewide line", needs=["hotline", "shelter"], statewide=True, phone="1-800-555-0100",
                         open_24_7=True),
        "hidden": provider("Staff-only shelter", needs=["shelter"], latitude=KC[0], longitude=KC[1], public=False),
    }


def names(hits: list[search.Hit]) -> list[str]:
    by_id = dict(Service.objects.values_list("id", "name"))
    return [by_id[h.service_id] for h in hits]


def test_distance_order_is_nearest_first(spread: dict[str, Service]) -> None:
    hits = search.run(search.Query(need="shelter", point=(38.58, -92.17)))  # Jefferson City
    assert names(hits) == ["Columbia shelter", "STL shelter", "KC shelter", "Statewide line"]
    d = [h.distance_km for h in hits]
    assert d[:3] == sorted(d[:3]) and d[3] is None  # the line has no point: after the located ones
    assert hits[1].distance_km == pytest.approx(distance_km(38.58, -92.17, *STL), abs=0.1)


def test_confidential_location_is_indexed_at_its_county_centroid(spread: dict[str, Service]) -> None:
    boone = County.objects.get(fips="29019")
    hit = search.run(search.Query(need="shelter", point=(boone.centroid_lat, boone.centroid_lon)))[0]
    assert hit.service_id == spread["como"].id and hit.distance_km == 0.0


def test_filters(spread: dict[str, Service]) -> None:
    assert names(search.run(search.Query(need="medical"))) == ["Springfield clinic"]
    assert set(names(search.run(search.Query(county="29043")))) == {"Springfield clinic", "Statewide line"}
    assert set(names(search.run(search.Query(county="29095")))) == {"KC shelter", "Statewide line"}  # location county
    assert names(search.run(search.Query(language="es"))) == ["KC shelter"]
    assert set(names(search.run(search.Query(open_24_7=True)))) == {"KC shelter", "Statewide line"}
    assert names(search.run(search.Query(free=True))) == ["KC shelter"]
    assert "STL shelter" not in names(search.run(search.Query(age=16)))
    assert "Columbia shelter" not in names(search.run(search.Query(age=30)))
    assert "KC shelter" not in names(search.run(search.Query(gender="men")))
    assert "KC shelter" in names(search.run(search.Query(gender="women")))
    assert "Statewide line" in names(search.run(search.Query(gender="men")))  # no gender terms: serves everyone
    assert names(search.run(search.Query(radius_km=50, point=KC, need="shelter"))) == ["KC shelter", "Statewide line"]
    assert "Staff-only shelter" not in names(search.run(search.Query(need="shelter")))
    assert "Staff-only shelter" in names(search.run(search.Query(need="shelter", public_only=False)))


def test_index_follows_directory_changes(spread: dict[str, Service]) -> None:
    from beacon.survivors.services import service_set_status

    assert "KC shelter" in names(search.run(search.Query(need="shelter")))
    service_set_status(acting_user=None, service=spread["kc"], status="inactive")
    assert "KC shelter" not in names(search.run(search.Query(need="shelter")))


def test_parse_query_resolves_places(mo: Any) -> None:
    q, err = parse_query({"near": "65201", "county": "Boone", "need": "shelter", "open_24_7": "1"}, public_only=True)
    assert err is None and q.county == "29019" and q.point is not None and q.open_24_7
    q, err = parse_query({"near": "Atlantis"}, public_only=True)
    assert err and q.point is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=st.floats(36.0, 40.6), lon=st.floats(-95.7, -89.1))
def test_results_are_always_sorted_by_distance(spread: dict[str, Service], lat: float, lon: float) -> None:
    hits = search.run(search.Query(point=(lat, lon)))
    located = [h.distance_km for h in hits if h.distance_km is not None]
    assert located == sorted(located)
    assert len({h.service_id for h in hits}) == len(hits)


def test_public_page_nearest_first_without_confidential_address(client: Client, spread: dict[str, Service]) -> None:
    response = client.get("/services/", {"need": "shelter", "near": "Jefferson City"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Columbia shelter") < html.index("STL shelter") < html.index("KC shelter")
    assert "km away" in html
    assert "4 Secret Lane" not in html and "Confidential location in Boone County" in html
    assert "Staff-only shelter" not in html
    es = client.get("/es/services/", {"need": "shelter", "county": "29095"})
    assert es.status_code == 200 and "KC shelter" in es.content.decode()


def test_public_search_api(client: Client, spread: dict[str, Service], django_assert_max_num_queries: Any) -> None:
    search.current_index()  # built once per directory version
    with django_assert_max_num_queries(8):  # version + one page of results, whatever its length
        body = client.get("/api/v1/services/search/", {"need": "shelter", "lat": COLUMBIA[0], "lon": COLUMBIA[1]}).json()
    assert [r["name"] for r in body["results"]][:1] == ["Columbia shelter"]
    assert body["results"][0]["confidential"] and "Secret" not in str(body)
    unknown = client.get("/api/v1/services/search/", {"near": "Atlantis"})  # a well-formed query: 404, like counties/resolve
    assert unknown.status_code == 404 and "Atlantis" in unknown.json()["error"]


def test_staff_index_works_for_any_staff(staff_client: Any, spread: dict[str, Service]) -> None:
    client, _ = staff_client("investigator")
    response = client.get("/staff/survivors/", {"need": "shelter"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Staff-only shelter" in html and "Survivor records" not in html
    assert "4 Secret Lane" not in html


def test_public_page_in_spanish(client: Client, spread: dict[str, Service]) -> None:
    html = client.get("/es/services/", {"need": "shelter", "near": "Jefferson City"}).content.decode()
    assert "Buscar servicios" in html and "los más cercanos primero" in html and "km" in html
    assert "servicios encontrados" in html
    assert "Refugio y vivienda" in html


def test_index_never_survives_a_database_reset(spread: dict[str, Service], provider: Callable[..., Service]) -> None:
    from beacon.survivors.models import DirectoryState

    assert "KC shelter" in names(search.run(search.Query(need="shelter")))
    version = DirectoryState.objects.get().version
    Service.objects.filter(name="KC shelter").delete()  # as after a restore: same version number, other content
    DirectoryState.objects.all().delete()
    DirectoryState.objects.create(pk=1, version=version - 1)
    provider("Another", needs=["medical"])  # bumps back to the same version number
    assert DirectoryState.objects.get().version == version
    assert "KC shelter" not in names(search.run(search.Query(need="shelter")))

from __future__ import annotations

from functools import lru_cache

import pytest

from beacon.core import geo
from beacon.core.models import County, Place, ZipCode

pytestmark = pytest.mark.usefixtures("mo")


def test_all_115_county_units_with_figures() -> None:
    assert County.objects.count() == 115
    stl_city = County.objects.get(fips="29510")
    assert stl_city.name == "St. Louis city"
    assert stl_city.population_2020 > 250_000
    jackson = County.objects.get(fips="29095")
    assert "I-70" in jackson.interstates and "I-435" in jackson.interstates
    assert 1 <= jackson.rucc_2023 <= 3 and jackson.metro
    assert jackson.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert Place.objects.count() > 1000 and ZipCode.objects.count() > 1000


@pytest.mark.parametrize(
    ("text", "fips"),
    [
        ("Saint Louis city", "29510"),
        ("st. louis county", "29189"),
        ("ST LOUIS  COUNTY", "29189"),
        ("Saint Louis County", "29189"),
        ("St. Louis", "29510"),  # the city, not the county
        ("29510", "29510"),
        ("Jackson County", "29095"),
        ("jackson", "29095"),
        ("Independence", "29095"),
        ("Kansas City", "29095"),
        ("Jefferson City", "29051"),
        ("Ste. Genevieve County", "29186"),
        ("Sainte Genevieve", "29186"),
        ("Fisk", "29023"),  # the corrected place
        ("65806", "29077"),  # a Springfield ZIP: Greene County
        ("Springfeild", "29077"),  # close spelling
    ],
)
def test_resolve_place(text: str, fips: str) -> None:
    county = geo.resolve_place(text)
    assert county is not None, text
    assert county.fips == fips


@pytest.mark.parametrize("text", ["", "Atlantis", "99999", "12345", "Gotham City"])
def test_resolve_place_no_match(text: str) -> None:
    assert geo.resolve_place(text) is None


@pytest.mark.parametrize(
    ("lat", "lon", "fips"),
    [
        (39.0997, -94.5786, "29095"),  # downtown Kansas City (Jackson)
        (39.0911, -94.4155, "29095"),  # Independence (Jackson)
        (38.6270, -90.1994, "29510"),  # Gateway Arch area (St. Louis city)
        (37.2090, -93.2923, "29077"),  # Springfield (Greene)
        (38.5767, -92.1735, "29051"),  # Jefferson City (Cole)
    ],
)
def test_point_lookup(lat: float, lon: float, fips: str) -> None:
    assert geo.fips_at_point(lat, lon) == fips


@pytest.mark.parametrize(("lat", "lon"), [(41.8781, -87.6298), (39.05, -95.69), (0, 0), (95, 10)])
def test_point_outside_missouri(lat: float, lon: float) -> None:
    assert geo.fips_at_point(lat, lon) is None


def test_point_lookup_before_counties_are_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh database has no county boundaries until `beacon seed`: no county, no TypeError.
    from shapely import STRtree

    monkeypatch.setattr(geo, "county_index", lru_cache(maxsize=1)(lambda: geo.CountyIndex(fips=[], shapes=[], tree=STRtree([]))))
    assert geo.fips_at_point(38.5767, -92.1735) is None


def test_every_place_point_falls_in_or_near_its_county() -> None:
    # The simplified polygons and the places' counties come from different sources; all but a
    # handful of near-line places must agree.
    disagreements = [p.name for p in Place.objects.all() if geo.fips_at_point(p.lat, p.lon) != p.county_id]
    assert len(disagreements) < 25, disagreements


def test_normalise_name() -> None:
    assert geo.normalise_name("  Saint   Louis  City ") == "st louis city"
    assert geo.normalise_name("St. Louis city") == "st louis city"
    assert geo.normalise_name("O'Fallon, MO") == "ofallon"


def test_distance_km() -> None:
    # Kansas City to St. Louis is about 380 km as the crow flies.
    assert 370 < geo.distance_km(39.0997, -94.5786, 38.6270, -90.1994) < 390

"""Missouri geography: loading the shipped data and resolving places to counties.

Resolution order for free text (``resolve_place``): a 5-digit FIPS; a ZIP code; a county
name ("St. Louis County", "saint louis city", "Jackson"); a city/town name ("Independence",
"Jefferson City"); then a close spelling (rapidfuzz ratio >= 88) of either.  A point resolves
by polygon (shapely STRtree over the shipped simplified boundaries).
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from rapidfuzz import fuzz, process
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from .models import County, Place, ZipCode

DATA_DIR = Path(__file__).resolve().parent / "data"
MO_BBOX = (-95.78, 35.99, -89.09, 40.62)  # lon/lat bounds of Missouri with a small margin


# --- Loading ------------------------------------------------------------------------------
def _num(value: str, kind: type = float) -> Any:
    value = (value or "").strip()
    if not value:
        return None
    return kind(float(value)) if kind is int else kind(value)


@transaction.atomic
def load_geography() -> dict[str, int]:
    """Create or update counties, places and ZIP codes from ``core/data``; returns counts created."""
    created = {"counties": 0, "places": 0, "zip_codes": 0}
    geometry = {
        f["properties"]["fips"]: f["geometry"]
        for f in json.loads((DATA_DIR / "mo_counties.geojson").read_text())["features"]
    }
    routes: dict[str, list[str]] = {}
    with (DATA_DIR / "mo_county_interstates.csv").open() as fh:
        for row in csv.DictReader(fh):
            routes.setdefault(row["county_fips"], []).append(row["route"])

    def route_key(r: str) -> tuple[int, str]:
        digits = re.sub(r"\D", "", r)
        return (int(digits) if digits else 0, r)

    with (DATA_DIR / "mo_counties.csv").open() as fh:
        for row in csv.DictReader(fh):
            _, was_created = County.objects.update_or_create(
                fips=row["fips"],
                defaults={
                    "name": row["county_name"],
                    "population_2020": int(row["population_2020_census"]),
                    "population_2022": _num(row["population_est_2022"], int),
                    "rucc_2023": int(row["rucc_2023"]),
                    "rucc_description": row["rucc_2023_description"],
                    "metro": row["metro_2023"] == "metro",
                    "land_area_sqmi": float(row["land_area_sqmi"]),
                    "centroid_lat": float(row["centroid_lat"]),
                    "centroid_lon": float(row["centroid_lon"]),
                    "poverty_rate": _num(row["poverty_rate_2021"]),
                    "child_poverty_rate": _num(row["poverty_rate_age0_17_2021"]),
                    "median_household_income": _num(row["median_household_income_2021"], int),
                    "unemployment_rate": _num(row["unemployment_rate_2022"]),
                    "interstates": sorted(set(routes.get(row["fips"], [])), key=route_key),
                    "geometry": geometry[row["fips"]],
                },
            )
            created["counties"] += was_created
    existing = set(Place.objects.values_list("geoid", flat=True))
    with (DATA_DIR / "mo_places.csv").open() as fh:
        places = [
            Place(
                geoid=r["geoid"], name=r["name"], kind=r["kind"], county_id=r["county_fips"],
                lat=float(r["lat"]), lon=float(r["lon"]), population_2020=_num(r["population_2020"], int),
            )
            for r in csv.DictReader(fh)
        ]
    Place.objects.bulk_create([p for p in places if p.geoid not in existing])
    created["places"] = sum(p.geoid not in existing for p in places)
    existing = set(ZipCode.objects.values_list("zip", flat=True))
    with (DATA_DIR / "mo_zip_county.csv").open() as fh:
        zips = [
            ZipCode(zip=r["zip"], county_id=r["mo_county_fips"], lat=float(r["lat"]), lon=float(r["lon"]),
                    population_2020=_num(r["population_2020"], int))
            for r in csv.DictReader(fh)
        ]
    ZipCode.objects.bulk_create([z for z in zips if z.zip not in existing])
    created["zip_codes"] = sum(z.zip not in existing for z in zips)
    county_index.cache_clear()
    name_index.cache_clear()
    return created


# --- Names --------------------------------------------------------------------------------
def normalise_name(text: str) -> str:
    """Fold case, accents, punctuation, spacing and Saint/St./Ste. so names compare equal."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = ["st" if w == "saint" else "ste" if w == "sainte" else w for w in text.split()]
    words = [w for w in words if w not in {"mo", "missouri"}] or words
    return " ".join(words)


@dataclass(frozen=True)
class NameIndex:
    full: dict[str, str]  # "jackson county" -> fips; "st louis city" -> 29510
    base: dict[str, list[str]]  # "jackson" -> [fips]; "st louis" -> [29189, 29510]
    places: dict[str, str]  # "independence" -> fips of its county
    fips: frozenset[str]  # every county's FIPS


@lru_cache(maxsize=1)
def name_index() -> NameIndex:
    full: dict[str, str] = {}
    base: dict[str, list[str]] = {}
    for fips, name in County.objects.values_list("fips", "name"):
        key = normalise_name(name)
        full[key] = fips
        stem = re.sub(r" (county|city)$", "", key)
        base.setdefault(stem, []).append(fips)
    places = {normalise_name(n): c for n, c in Place.objects.values_list("name", "county_id")}
    return NameIndex(full=full, base=base, places=places, fips=frozenset(full.values()))


def county_by_fips(fips: str) -> County | None:
    return County.objects.filter(fips=fips.strip()).first()


def county_by_name(text: str) -> County | None:
    fips = _match_name(text, fuzzy=False)
    return County.objects.filter(fips=fips).first() if fips else None


def _match_name(text: str, *, fuzzy: bool) -> str | None:
    idx = name_index()
    key = normalise_name(text)
    if not key:
        return None
    if key in idx.full:
        return idx.full[key]
    # A bare name is a county when exactly one county has it ("Jackson"); "St. Louis" alone is
    # both a county and a city, so it falls through to the place of that name (the city).
    for stem in (key, key.removesuffix(" county")):
        candidates = idx.base.get(stem, [])
        if len(candidates) == 1:
            return candidates[0]
    if key in idx.places:
        return idx.places[key]
    if fuzzy and len(key) >= 4:
        choices = list(idx.full) + list(idx.places)
        best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=88)
        if best:
            return idx.full.get(best[0]) or idx.places.get(best[0])
    return None


# --- Points -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountyIndex:
    fips: list[str]
    shapes: list[BaseGeometry]
    tree: STRtree


@lru_cache(maxsize=1)
def county_index() -> CountyIndex:
    rows = list(County.objects.values_list("fips", "geometry"))
    shapes = [shape(g) for _, g in rows]
    return CountyIndex(fips=[f for f, _ in rows], shapes=shapes, tree=STRtree(shapes))


def valid_coordinates(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(lat) and math.isfinite(lon)


def fips_at_point(lat: float, lon: float) -> str | None:
    if not valid_coordinates(lat, lon):
        return None
    idx = county_index()
    if not idx.fips:  # no county boundaries loaded yet (a fresh database before `beacon seed`)
        county_index.cache_clear()  # do not keep the empty index once they are
        return None
    point = Point(lon, lat)
    hits = [int(i) for i in idx.tree.query(point)]
    for i in hits:
        if idx.shapes[i].covers(point):
            return idx.fips[i]
    # The boundaries are simplified: a point just outside every polygon but within 1 km of one
    # (a river bend, a shared line) goes to the nearest county inside Missouri's bounds.
    lo_lon, lo_lat, hi_lon, hi_lat = MO_BBOX
    if not (lo_lon <= lon <= hi_lon and lo_lat <= lat <= hi_lat):
        return None
    nearest = int(idx.tree.nearest(point))
    if idx.shapes[nearest].distance(point) < 0.01:  # about 1 km
        return idx.fips[nearest]
    return None


def county_at_point(lat: float, lon: float) -> County | None:
    fips = fips_at_point(lat, lon)
    return County.objects.filter(fips=fips).first() if fips else None


def resolve_place(text: str) -> County | None:
    """Resolve free text (FIPS, ZIP, county name, city name, close spelling) to a county."""
    query = (text or "").strip()
    if not query:
        return None
    digits = re.fullmatch(r"\d{5}(?:-\d{4})?", query)
    if digits:
        code = query[:5]
        if code.startswith("29") and (county := County.objects.filter(fips=code).first()):
            return county
        zip_row = ZipCode.objects.select_related("county").filter(zip=code).first()
        return zip_row.county if zip_row else None
    fips = _match_name(query, fuzzy=True)
    return County.objects.filter(fips=fips).first() if fips else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle ('as the crow flies') distance in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def point_of_place(text: str) -> tuple[float, float] | None:
    """A representative (lat, lon) for a ZIP, city or county name, for distance searches."""
    query = (text or "").strip()
    if re.fullmatch(r"\d{5}", query):
        z = ZipCode.objects.filter(zip=query).first()
        return (z.lat, z.lon) if z else None
    key = normalise_name(query)
    for place in Place.objects.filter(name__iexact=query)[:1]:
        return place.lat, place.lon
    for name, lat, lon in Place.objects.values_list("name", "lat", "lon"):
        if normalise_name(name) == key:
            return lat, lon
    county = resolve_place(query)
    return (county.centroid_lat, county.centroid_lon) if county else None

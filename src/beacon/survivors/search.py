"""Directory search: by need, county served, distance, language, hours, ages, gender and cost.

The whole directory is held in memory as a compact index (one entry per service and
location, or per service with no location) rebuilt when ``DirectoryState.version`` changes;
a search costs one query for the version plus the queries that load the page of results.
Filters intersect precomputed sets (need -> entries, county -> entries), the remaining
conditions are checked on the candidates, and distances are computed with numpy (haversine)
on the candidates only.  Nearest first; entries with no point (hotlines, online services)
come after the located ones.

A confidential location is indexed at its county's centroid, never at its own point, so a
distance shown to anyone cannot be used to triangulate a shelter.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from beacon.core.models import County

from . import taxonomy
from .models import DirectoryState, Language, Service, ServiceArea, ServiceAtLocation, ServiceAttribute

EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Query:
    need: str | None = None
    county: str | None = None  # FIPS served
    point: tuple[float, float] | None = None
    radius_km: float | None = None
    language: str | None = None
    open_24_7: bool = False
    age: int | None = None
    gender: str | None = None
    free: bool = False
    public_only: bool = True


@dataclass(frozen=True)
class Hit:
    service_id: uuid.UUID
    location_id: uuid.UUID | None
    distance_km: float | None


@dataclass
class Index:
    version: int
    service_ids: list[uuid.UUID] = field(default_factory=list)
    location_ids: list[uuid.UUID | None] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    has_point: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    min_age: list[int | None] = field(default_factory=list)
    max_age: list[int | None] = field(default_factory=list)
    terms: list[frozenset[str]] = field(default_factory=list)
    languages: list[frozenset[str]] = field(default_factory=list)
    by_term: dict[str, set[int]] = field(default_factory=dict)
    by_county: dict[str, set[int]] = field(default_factory=dict)
    statewide: set[int] = field(default_factory=set)
    public: set[int] = field(default_factory=set)
    active: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.service_ids)


def build_index(version: int) -> Index:
    centroids = {f: (la, lo) for f, la, lo in County.objects.values_list("fips", "centroid_lat", "centroid_lon")}
    terms: dict[uuid.UUID, set[str]] = defaultdict(set)
    for sid, code in ServiceAttribute.objects.values_list("service_id", "taxonomy_term__code"):
        terms[sid].add(code)
    areas: dict[uuid.UUID, set[str]] = defaultdict(set)
    whole_state: set[uuid.UUID] = set()
    for sid, fips, statewide in ServiceArea.objects.values_list("service_id", "county_id", "statewide"):
        if statewide:
            whole_state.add(sid)
        elif fips:
            areas[sid].add(fips)
    langs: dict[uuid.UUID, set[str]] = defaultdict(set)
    for sid, code in Language.objects.filter(service__isnull=False).values_list("service_id", "code"):
        langs[sid].add(code.lower())
    places: dict[uuid.UUID, list[tuple[uuid.UUID | None, float | None, float | None, str | None]]] = defaultdict(list)
    for sid, lid, la, lo, conf, fips in ServiceAtLocation.objects.values_list(
        "service_id", "location_id", "location__latitude", "location__longitude", "location__confidential",
        "location__county_id",
    ):
        if conf:  # never index a confidential point: its county's centroid stands in for it
            la, lo = centroids.get(fips, (None, None)) if fips else (None, None)
        places[sid].append((lid, la, lo, fips))

    idx = Index(version=version)
    lat: list[float] = []
    lon: list[float] = []
    has: list[bool] = []
    rows = Service.objects.values_list("id", "name", "status", "minimum_age", "maximum_age").order_by("name", "id")
    for sid, name, status, lo_age, hi_age in rows:
        t = frozenset(terms.get(sid, ()))
        located: list[tuple[uuid.UUID | None, float | None, float | None, str | None]] = places.get(sid) or [(None, None, None, None)]
        for loc_id, la, lo, loc_fips in located:
            i = len(idx.service_ids)
            idx.service_ids.append(sid)
            idx.location_ids.append(loc_id)
            idx.names.append(name.lower())
            lat.append(la if la is not None else 0.0)
            lon.append(lo if lo is not None else 0.0)
            has.append(la is not None and lo is not None)
            idx.min_age.append(lo_age)
            idx.max_age.append(hi_age)
            idx.terms.append(t)
            idx.languages.append(frozenset(langs.get(sid, ())))
            for code in t:
                idx.by_term.setdefault(code, set()).add(i)
            served: set[str] = areas.get(sid) or ({loc_fips} if loc_fips and sid not in whole_state else set())
            for f in served:
                idx.by_county.setdefault(f, set()).add(i)
            if sid in whole_state:
                idx.statewide.add(i)
            if taxonomy.NOT_PUBLIC not in t:
                idx.public.add(i)
            if status == Service.Status.ACTIVE:
                idx.active.add(i)
    idx.lat = np.radians(np.array(lat, dtype=float))
    idx.lon = np.radians(np.array(lon, dtype=float))
    idx.has_point = np.array(has, dtype=bool)
    return idx


_lock = threading.Lock()
_cache: dict[str, Index] = {}


def current_index() -> Index:
    version = DirectoryState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    idx = _cache.get("index")
    if idx is None or idx.version != version:
        with _lock:
            idx = _cache.get("index")
            if idx is None or idx.version != version:
                idx = build_index(version)
                _cache["index"] = idx
    return idx


def clear_cache() -> None:
    _cache.clear()


def _candidates(idx: Index, q: Query) -> set[int] | range:
    sets: list[set[int]] = [idx.active]
    if q.public_only:
        sets.append(idx.public)
    if q.need:
        sets.append(idx.by_term.get(q.need, set()))
    if q.open_24_7:
        sets.append(idx.by_term.get(taxonomy.OPEN_24_7, set()))
    if q.free:
        sets.append(idx.by_term.get(taxonomy.FREE, set()))
    if q.county:
        sets.append(idx.by_county.get(q.county, set()) | idx.statewide)
    sets.sort(key=len)
    result = set(sets[0])
    for s in sets[1:]:
        result &= s
        if not result:
            break
    return result


def run(q: Query, idx: Index | None = None) -> list[Hit]:
    """Every matching service once (at its nearest location), nearest first."""
    idx = idx or current_index()
    cands = _candidates(idx, q)
    lang = q.language.lower() if q.language else None
    gender_term = f"gender-{q.gender}" if q.gender else None
    any_gender = {f"gender-{g}" for g in taxonomy.GENDERS}
    keep: list[int] = []
    for i in cands:
        if lang and lang not in idx.languages[i]:
            continue
        if q.age is not None:
            age_lo, age_hi = idx.min_age[i], idx.max_age[i]
            if (age_lo is not None and q.age < age_lo) or (age_hi is not None and q.age > age_hi):
                continue
        if gender_term and gender_term not in idx.terms[i] and (idx.terms[i] & any_gender):
            continue
        keep.append(i)
    if not keep:
        return []
    arr = np.fromiter(keep, dtype=np.int64, count=len(keep))
    if q.point is not None:
        la0, lo0 = np.radians(q.point[0]), np.radians(q.point[1])
        la, lo = idx.lat[arr], idx.lon[arr]
        a = np.sin((la - la0) / 2) ** 2 + np.cos(la0) * np.cos(la) * np.sin((lo - lo0) / 2) ** 2
        dist = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        dist = np.where(idx.has_point[arr], dist, np.inf)
        if q.radius_km is not None:
            mask = (dist <= q.radius_km) | ~idx.has_point[arr]
            arr, dist = arr[mask], dist[mask]
        order = np.lexsort((arr, dist))
        ranked = [(int(arr[j]), float(dist[j])) for j in order]
    else:
        ranked = sorted(((int(i), float("inf")) for i in arr), key=lambda p: (idx.names[p[0]], p[0]))
    seen: set[uuid.UUID] = set()
    hits: list[Hit] = []
    for i, d in ranked:
        sid = idx.service_ids[i]
        if sid in seen:
            continue
        seen.add(sid)
        hits.append(Hit(service_id=sid, location_id=idx.location_ids[i], distance_km=None if d == float("inf") else round(d, 1)))
    return hits

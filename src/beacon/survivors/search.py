"""Directory search: by need, county served, distance, language, hours, ages, gender and cost.

The whole directory is held in memory as a compact index (one entry per service and
location, or per service with no location) rebuilt when ``DirectoryState.stamp`` changes;
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from beacon.core.models import County

from . import taxonomy
from .models import (
    Address,
    DirectoryState,
    Language,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
)

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
    terms: frozenset[str] = frozenset()
    place: str = ""  # the address, or for a confidential location only its county
    confidential: bool = False


def _zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


@dataclass
class Index:
    """Parallel arrays, one slot per (service, location) entry, in service-name order."""

    version: str
    service_ids: list[uuid.UUID] = field(default_factory=list)
    location_ids: list[uuid.UUID | None] = field(default_factory=list)
    terms: list[frozenset[str]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    confidential: list[bool] = field(default_factory=list)
    service_no: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    has_point: np.ndarray = field(default_factory=lambda: _zeros(0))
    min_age: np.ndarray = field(default_factory=lambda: np.zeros(0))
    max_age: np.ndarray = field(default_factory=lambda: np.zeros(0))
    active: np.ndarray = field(default_factory=lambda: _zeros(0))
    public: np.ndarray = field(default_factory=lambda: _zeros(0))
    statewide: np.ndarray = field(default_factory=lambda: _zeros(0))
    any_gender: np.ndarray = field(default_factory=lambda: _zeros(0))
    by_term: dict[str, np.ndarray] = field(default_factory=dict)
    by_county: dict[str, np.ndarray] = field(default_factory=dict)
    by_language: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.service_ids)


def build_index(version: str) -> Index:
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
    county_names = dict(County.objects.values_list("fips", "name"))
    addresses: dict[uuid.UUID, str] = {}
    for lid, a1, city, state, postal in Address.objects.values_list(
        "location_id", "address_1", "city", "state_province", "postal_code"
    ).order_by("location_id", "id"):
        addresses.setdefault(lid, f"{a1}, {city}, {state} {postal}".strip(", "))
    places: dict[uuid.UUID, list[tuple[uuid.UUID | None, float | None, float | None, str | None]]] = defaultdict(list)
    place_text: dict[uuid.UUID, tuple[str, bool]] = {}
    for sid, lid, la, lo, conf, fips, name in ServiceAtLocation.objects.values_list(
        "service_id", "location_id", "location__latitude", "location__longitude", "location__confidential",
        "location__county_id", "location__name",
    ):
        if conf:  # never index a confidential point or address: its county stands in for it
            la, lo = centroids.get(fips, (None, None)) if fips else (None, None)
            place_text[lid] = (f"{county_names[fips]}, MO" if fips in county_names else "Missouri", True)
        else:
            place_text[lid] = (addresses.get(lid) or name or "", False)
        places[sid].append((lid, la, lo, fips))

    idx = Index(version=version)
    lat: list[float] = []
    lon: list[float] = []
    has: list[bool] = []
    svc_no: list[int] = []
    lo_ages: list[float] = []
    hi_ages: list[float] = []
    active: list[bool] = []
    by_term: dict[str, list[int]] = defaultdict(list)
    by_county: dict[str, list[int]] = defaultdict(list)
    by_language: dict[str, list[int]] = defaultdict(list)
    statewide_i: list[int] = []
    rows = Service.objects.values_list("id", "status", "minimum_age", "maximum_age").order_by("name", "id")
    for n, (sid, status, lo_age, hi_age) in enumerate(rows):
        t = frozenset(terms.get(sid, ()))
        located: list[tuple[uuid.UUID | None, float | None, float | None, str | None]] = (
            places.get(sid) or [(None, None, None, None)])
        for loc_id, la, lo, loc_fips in located:
            i = len(idx.service_ids)
            idx.service_ids.append(sid)
            idx.location_ids.append(loc_id)
            idx.terms.append(t)
            text, conf = place_text.get(loc_id, ("", False)) if loc_id else ("", False)
            idx.places.append(text)
            idx.confidential.append(conf)
            svc_no.append(n)
            lat.append(la if la is not None else 0.0)
            lon.append(lo if lo is not None else 0.0)
            has.append(la is not None and lo is not None)
            lo_ages.append(float(lo_age) if lo_age is not None else -np.inf)
            hi_ages.append(float(hi_age) if hi_age is not None else np.inf)
            active.append(status == Service.Status.ACTIVE)
            for code in t:
                by_term[code].append(i)
            for code in langs.get(sid, ()):
                by_language[code].append(i)
            served: set[str] = areas.get(sid) or ({loc_fips} if loc_fips and sid not in whole_state else set())
            for f in served:
                by_county[f].append(i)
            if sid in whole_state:
                statewide_i.append(i)
    size = len(idx.service_ids)

    def mask(positions: list[int]) -> np.ndarray:
        m = _zeros(size)
        m[positions] = True
        return m

    idx.service_no = np.array(svc_no, dtype=np.int64)
    idx.lat = np.radians(np.array(lat, dtype=float))
    idx.lon = np.radians(np.array(lon, dtype=float))
    idx.has_point = np.array(has, dtype=bool)
    idx.min_age = np.array(lo_ages, dtype=float)
    idx.max_age = np.array(hi_ages, dtype=float)
    idx.active = np.array(active, dtype=bool)
    idx.by_term = {k: mask(v) for k, v in by_term.items()}
    idx.by_county = {k: mask(v) for k, v in by_county.items()}
    idx.by_language = {k: mask(v) for k, v in by_language.items()}
    idx.statewide = mask(statewide_i)
    idx.public = ~idx.by_term.get(taxonomy.NOT_PUBLIC, _zeros(size))
    gender_masks = [idx.by_term[f"gender-{g}"] for g in taxonomy.GENDERS if f"gender-{g}" in idx.by_term]
    idx.any_gender = np.logical_or.reduce(gender_masks) if gender_masks else _zeros(size)
    return idx


class Hits(Sequence[Hit]):
    """The ranked results: a sequence (len, index, slice) that builds ``Hit`` objects only for the
    slice asked for, so a page of 20 out of 18,000 matches costs 20 objects."""

    def __init__(self, idx: Index, entries: np.ndarray, distances: np.ndarray | None) -> None:
        self._idx, self._entries, self._dist = idx, entries, distances

    def __len__(self) -> int:
        return len(self._entries)

    def _hit(self, k: int) -> Hit:
        i = int(self._entries[k])
        d = None if self._dist is None else float(self._dist[k])
        return Hit(service_id=self._idx.service_ids[i], location_id=self._idx.location_ids[i],
                   distance_km=None if d is None or d == np.inf else round(d, 1), terms=self._idx.terms[i],
                   place=self._idx.places[i], confidential=self._idx.confidential[i])

    @overload
    def __getitem__(self, key: int) -> Hit: ...

    @overload
    def __getitem__(self, key: slice) -> list[Hit]: ...

    def __getitem__(self, key: int | slice) -> Hit | list[Hit]:
        if isinstance(key, slice):
            return [self._hit(k) for k in range(*key.indices(len(self)))]
        if key < 0:
            key += len(self)
        if not 0 <= key < len(self):
            raise IndexError(key)
        return self._hit(key)


_lock = threading.Lock()
_cache: dict[str, Index] = {}


def current_index() -> Index:
    version = DirectoryState.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""
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


def run(q: Query, idx: Index | None = None) -> Hits:
    """Every matching service once (at its nearest location), nearest first (else by name)."""
    idx = idx or current_index()
    size = len(idx)
    none = _zeros(size)
    m = idx.active.copy()
    if q.public_only:
        m &= idx.public
    if q.need:
        m &= idx.by_term.get(q.need, none)
    if q.open_24_7:
        m &= idx.by_term.get(taxonomy.OPEN_24_7, none)
    if q.free:
        m &= idx.by_term.get(taxonomy.FREE, none)
    if q.county:
        m &= idx.by_county.get(q.county, none) | idx.statewide
    if q.language:
        m &= idx.by_language.get(q.language.lower(), none)
    if q.age is not None:
        m &= (idx.min_age <= q.age) & (idx.max_age >= q.age)
    if q.gender:
        m &= idx.by_term.get(f"gender-{q.gender}", none) | ~idx.any_gender
    entries = np.flatnonzero(m)  # ascending: service-name order
    dist: np.ndarray | None = None
    if q.point is not None and len(entries):
        la0, lo0 = np.radians(q.point[0]), np.radians(q.point[1])
        la, lo = idx.lat[entries], idx.lon[entries]
        a = np.sin((la - la0) / 2) ** 2 + np.cos(la0) * np.cos(la) * np.sin((lo - lo0) / 2) ** 2
        dist = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        located = idx.has_point[entries]
        dist = np.where(located, dist, np.inf)
        if q.radius_km is not None:
            keep = (dist <= q.radius_km) | ~located
            entries, dist = entries[keep], dist[keep]
        order = np.lexsort((entries, dist))
        entries, dist = entries[order], dist[order]
    # one hit per service: its first (nearest) entry, in ranked order
    _, first = np.unique(idx.service_no[entries], return_index=True)
    first.sort()
    return Hits(idx, entries[first], dist[first] if dist is not None else None)

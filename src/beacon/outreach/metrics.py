"""County metrics for all 115 county-level units: population, need, reach and distance to services.

Figures from other areas come only through :mod:`beacon.outreach.sources`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from beacon.core.models import County, TaskForce

from . import sources

OTHER_REGION = ("other", _("Counties without a regional task force"))
EARTH_RADIUS_KM = 6371.0088  # as beacon.core.geo.distance_km


@dataclass(frozen=True)
class Region:
    slug: str
    name: str
    fips: frozenset[str]


def regions() -> list[Region]:
    """A partition of the counties into regions: each county belongs to the first regional task force
    (by name) that covers it; counties no regional force covers form one more region."""
    seen: set[str] = set()
    out: list[Region] = []
    forces = TaskForce.objects.filter(statewide=False).order_by("name").prefetch_related("counties")
    for tf in forces:
        fips = frozenset(c.fips for c in tf.counties.all()) - seen
        if fips:
            out.append(Region(tf.slug, tf.name.removesuffix(" (demo)"), fips))
            seen |= fips
    rest = frozenset(County.objects.exclude(fips__in=seen).values_list("fips", flat=True))
    if rest:
        out.append(Region(OTHER_REGION[0], str(OTHER_REGION[1]), rest))
    return out


def per_10k(count: int | None, population: int) -> float | None:
    if count is None or not population:
        return None
    return round(count * 10_000 / population, 2)


@dataclass
class CountyMetrics:
    fips: str
    name: str
    region: str
    population: int
    rucc_2023: int
    rural: bool
    poverty_rate: float | None
    median_household_income: int | None
    land_area_sqmi: float
    interstates: list[str]
    tips: int
    tips_per_10k: float | None
    people_trained: int
    trained_per_10k: float | None
    workshops: int
    workshops_per_10k: float | None
    shelter_km: float | None  # None: no shelter known anywhere
    nearest_service_km: float | None
    service_km: dict[str, float] = field(default_factory=dict)  # taxonomy term -> km
    open_cases: int | None = None  # staff-only; None when not requested

    @property
    def interstate_count(self) -> int:
        return len(self.interstates)


def nearest_km(
    lats: np.ndarray, lons: np.ndarray, points: list[sources.ServicePoint]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Great-circle distance from each (lat, lon) to the nearest point, overall and per taxonomy term.

    Vectorised haversine (the formula of ``beacon.core.geo.distance_km``): 115 x N in one go.
    """
    n = len(lats)
    if not points:
        return np.full(n, np.nan), {}
    plat = np.radians(np.array([p[0] for p in points]))
    plon = np.radians(np.array([p[1] for p in points]))
    la = np.radians(lats)[:, None]
    lo = np.radians(lons)[:, None]
    a = np.sin((plat - la) / 2) ** 2 + np.cos(la) * np.cos(plat) * np.sin((plon - lo) / 2) ** 2
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))  # (n, N)
    terms = sorted({t for p in points for t in p[2]})
    per_term = {}
    for term in terms:
        mask = np.array([term in p[2] for p in points])
        per_term[term] = dist[:, mask].min(axis=1)
    return dist.min(axis=1), per_term


def county_metrics(start: dt.datetime, end: dt.datetime, *, include_cases: bool = False,
                   case_user: Any = None) -> list[CountyMetrics]:
    """Metrics for every county over [start, end); ``include_cases`` adds the staff-only open-case count
    (of the cases ``case_user`` may open, when given)."""
    counties = list(County.objects.order_by("fips"))
    region_of = {f: r.name for r in regions() for f in r.fips}
    tips = sources.tips_by_county(start, end)
    trained = sources.people_trained_by_county(start, end)
    workshops = sources.workshops_by_county(start, end)
    cases = sources.open_cases_by_county(case_user) if include_cases else {}
    shelter = sources.shelter_term()
    lats = np.array([c.centroid_lat for c in counties], dtype=float)
    lons = np.array([c.centroid_lon for c in counties], dtype=float)
    any_km, term_km = nearest_km(lats, lons, sources.service_points())
    out = []
    for k, c in enumerate(counties):
        pop = c.population
        n_tips, n_trained, n_ws = tips.get(c.fips, 0), trained.get(c.fips, 0), workshops.get(c.fips, 0)
        km = {t: round(float(v[k]), 1) for t, v in term_km.items()}
        out.append(CountyMetrics(
            fips=c.fips, name=c.name, region=region_of.get(c.fips, ""), population=pop, rucc_2023=c.rucc_2023,
            rural=c.rural, poverty_rate=c.poverty_rate, median_household_income=c.median_household_income,
            land_area_sqmi=c.land_area_sqmi, interstates=list(c.interstates or []),
            tips=n_tips, tips_per_10k=per_10k(n_tips, pop),
            people_trained=n_trained, trained_per_10k=per_10k(n_trained, pop),
            workshops=n_ws, workshops_per_10k=per_10k(n_ws, pop),
            shelter_km=km.get(shelter),
            nearest_service_km=None if np.isnan(any_km[k]) else round(float(any_km[k]), 1),
            service_km=km,
            open_cases=cases.get(c.fips, 0) if include_cases else None,
        ))
    return out

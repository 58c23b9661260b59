"""County metrics and the gap score on a fixed fixture."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from beacon.core.geo import distance_km
from beacon.core.models import County
from beacon.outreach import gap
from beacon.outreach.metrics import CountyMetrics, county_metrics, nearest_km, regions
from beacon.outreach.selectors import Filters, county_gap_ranking

from .conftest import SHELTER

pytestmark = pytest.mark.usefixtures("mo", "fake_sources")

UTC = dt.UTC
START, END = dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC)


def _by_fips(rows: list[CountyMetrics]) -> dict[str, CountyMetrics]:
    return {m.fips: m for m in rows}


def test_metrics_cover_all_115_units_with_figures() -> None:
    rows = county_metrics(START, END)
    assert len(rows) == 115
    m = _by_fips(rows)
    jackson = County.objects.get(fips="29095")
    assert m["29095"].tips == 120
    assert m["29095"].tips_per_10k == round(120 * 10_000 / jackson.population, 2)
    assert m["29095"].people_trained == 400 and m["29095"].workshops == 8
    assert m["29095"].rucc_2023 == jackson.rucc_2023 and m["29095"].population == jackson.population
    assert m["29095"].interstates == jackson.interstates and "I-70" in jackson.interstates
    assert m["29001"].tips == 0 and m["29001"].tips_per_10k == 0
    assert m["29095"].open_cases is None  # staff-only figure not requested


def test_distances_match_geo_distance_km() -> None:
    m = _by_fips(county_metrics(START, END))
    for fips in ("29095", "29019", "29510", "29001"):
        county = County.objects.get(fips=fips)
        expected = distance_km(county.centroid_lat, county.centroid_lon, SHELTER[0], SHELTER[1])
        assert m[fips].shelter_km == pytest.approx(expected, abs=0.06)
        assert m[fips].service_km["legal"] == m[fips].shelter_km
    assert m["29019"].shelter_km < 20  # Boone County holds the shelter
    jackson = County.objects.get(fips="29095")
    assert m["29095"].service_km["counseling"] == pytest.approx(
        distance_km(jackson.centroid_lat, jackson.centroid_lon, 39.0997, -94.5786), abs=0.06)
    assert m["29095"].nearest_service_km == m["29095"].service_km["counseling"]


def test_nearest_matches_brute_force() -> None:
    rng = np.random.default_rng(1)
    lats = rng.uniform(36, 40.5, 115)
    lons = rng.uniform(-95.7, -89.2, 115)
    points = [(float(a), float(b), frozenset({"t" + str(k % 7)})) for k, (a, b) in
              enumerate(zip(rng.uniform(36, 40.5, 3000), rng.uniform(-95.7, -89.2, 3000), strict=True))]
    overall, per_term = nearest_km(lats, lons, points)
    for k in (0, 17, 114):
        brute = min(distance_km(lats[k], lons[k], p[0], p[1]) for p in points)
        assert overall[k] == pytest.approx(brute, rel=1e-9)
        for t in per_term:
            assert per_term[t][k] == pytest.approx(
                min(distance_km(lats[k], lons[k], p[0], p[1]) for p in points if t in p[2]), rel=1e-9)
    assert set(per_term) == {f"t{i}" for i in range(7)}
    assert all(per_term[t][k] >= overall[k] for t in per_term for k in range(115))


def test_no_services_known_means_no_distance(monkeypatch: Any) -> None:
    from beacon.outreach import sources

    monkeypatch.setattr(sources, "service_points", lambda: [])
    m = _by_fips(county_metrics(START, END))
    assert m["29019"].shelter_km is None and m["29019"].nearest_service_km is None
    assert gap.score(m["29019"]).contribution("shelter_distance") == 15  # counts as far away


def _metrics(**kw: Any) -> CountyMetrics:
    base: dict[str, Any] = dict(
        fips="29999", name="Test", region="", population=10_000, rucc_2023=1, rural=False, poverty_rate=0.0,
        median_household_income=60_000, land_area_sqmi=500.0, interstates=[], tips=0, tips_per_10k=0.0,
        people_trained=0, trained_per_10k=0.0, workshops=0, workshops_per_10k=0.0, shelter_km=0.0,
        nearest_service_km=0.0,
    )
    base.update(kw)
    return CountyMetrics(**base)


def test_gap_formula_by_hand() -> None:
    m = _metrics(rucc_2023=7, poverty_rate=20.0, interstates=["I-44"], shelter_km=40.0, nearest_service_km=100.0,
                 trained_per_10k=5.0, workshops_per_10k=0.5, tips_per_10k=2.5)
    g = gap.score(m)
    expected = {
        "rurality": 20 * 6 / 8,  # 15
        "poverty": 15 * 20 / 25,  # 12
        "interstates": 10 * 1 / 2,  # 5
        "shelter_distance": 15 * 40 / 80,  # 7.5
        "service_distance": 10 * 1,  # capped
        "training_gap": 15 * (1 - 5 / 20),  # 11.25
        "workshop_gap": 5 * (1 - 0.5),  # 2.5
        "tip_gap": 10 * (1 - 2.5 / 5),  # 5
    }
    for key, value in expected.items():
        assert g.contribution(key) == pytest.approx(value, abs=0.01), key
    assert g.score == pytest.approx(round(sum(expected.values()), 1))
    assert [t.key for t in g.terms] == [t.key for t in gap.TERMS]


def test_gap_extremes() -> None:
    assert gap.score(_metrics(trained_per_10k=50, workshops_per_10k=3, tips_per_10k=9)).score == 0
    worst = _metrics(rucc_2023=9, poverty_rate=40.0, interstates=["I-44", "I-70", "I-55"], shelter_km=None,
                     nearest_service_km=None)
    assert gap.score(worst).score == 100
    # Missing poverty data contributes nothing (shown as no value), it does not fail.
    assert gap.score(_metrics(poverty_rate=None)).contribution("poverty") == 0


def test_ranking_and_filters(user_factory: Any) -> None:
    user = user_factory("supervisor")
    ranking = county_gap_ranking(user=user, filters=Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert len(ranking) == 115 and [g.rank for g in ranking] == list(range(1, 116))
    assert all(a.score >= b.score for a, b in zip(ranking, ranking[1:], strict=False))
    jackson = next(g for g in ranking if g.metrics.fips == "29095")
    boone = next(g for g in ranking if g.metrics.fips == "29019")
    rural = next(g for g in ranking if g.metrics.fips == "29001")
    assert rural.score > boone.score and rural.score > jackson.score
    assert jackson.metrics.open_cases == 7  # staff with analytics see open cases
    kc = county_gap_ranking(user=user, filters=Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                                       task_force="kansas-city"))
    assert {g.metrics.fips for g in kc} == {"29095", "29047", "29165", "29037", "29177", "29107", "29049"}
    assert [g.rank for g in kc] == list(range(1, 8))
    region = regions()[0]
    by_region = county_gap_ranking(user=user, filters=Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31),
                                                              region=region.slug))
    assert {g.metrics.fips for g in by_region} == set(region.fips)


def test_regions_partition_the_state() -> None:
    parts = regions()
    all_fips = [f for r in parts for f in r.fips]
    assert len(all_fips) == len(set(all_fips)) == 115
    assert parts[-1].slug == "other"

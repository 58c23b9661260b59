"""The real wiring of ``beacon.outreach.sources`` to the other areas' stats modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("mo")


def test_sources_reach_the_real_stats_modules() -> None:
    for name in ("beacon.tips.stats", "beacon.training.stats", "beacon.survivors.stats", "beacon.cases.stats"):
        pytest.importorskip(name, reason=f"{name} is not built yet: outreach tests use fixture figures until it is")
    from beacon.outreach import sources
    from beacon.outreach.metrics import county_metrics

    assert sources.missing() == []
    start, end = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    for fn in (sources.tips_by_county, sources.people_trained_by_county, sources.workshops_by_county):
        data: Any = fn(start, end)
        assert isinstance(data, dict) and all(isinstance(k, str) and len(k) == 5 for k in data)
    for fn in (sources.tips_by_month, sources.trainings_by_month, sources.workshops_by_month, sources.referrals_by_month):
        months: Any = fn(start, end)
        assert all(len(m) == 7 and m[4] == "-" for per in months.values() for m in per)
    assert isinstance(sources.shelter_term(), str) and sources.shelter_term()
    assert all(len(p) == 3 for p in sources.service_points())
    assert isinstance(sources.open_cases_by_county(), dict)
    rows = county_metrics(start, end, include_cases=True)
    assert len(rows) == 115


def test_real_figures_flow_into_metrics_and_public_tables() -> None:
    """With the areas' own demo seeds, outreach sees their records through the stats modules."""
    for name in ("beacon.tips.stats", "beacon.training.stats", "beacon.survivors.stats"):
        pytest.importorskip(name, reason=f"{name} is not built yet")
    import importlib

    from django.utils import timezone

    from beacon.core.seed import seed_demo_users
    from beacon.outreach import sources
    from beacon.outreach.metrics import county_metrics

    seed_demo_users()
    for app in ("tips", "survivors", "training"):
        try:
            seed = importlib.import_module(f"beacon.{app}.seed")
        except ModuleNotFoundError:
            continue
        seed.run(demo=True)
    now = timezone.now()
    start, end = now - dt.timedelta(days=3650), now + dt.timedelta(days=365)
    rows = {m.fips: m for m in county_metrics(start, end)}
    tips = sources.tips_by_county(start, end)
    assert sum(m.tips for m in rows.values()) == sum(tips.values())
    # The demo seeds hold tips, services and trained people: at least some reach outreach.
    assert sum(tips.values()) + len(sources.service_points()) + sum(m.people_trained for m in rows.values()) > 0
    points = sources.service_points()
    if points:
        assert all(m.nearest_service_km is not None for m in rows.values())
        shelters = [p for p in points if sources.shelter_term() in p[2]]
        assert all((m.shelter_km is not None) == bool(shelters) for m in rows.values())

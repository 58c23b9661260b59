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

"""Fixture figures standing in for the other areas' stats modules (see beacon.outreach.sources)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from beacon.outreach import sources

# Columbia (Boone County) has a shelter that also gives legal help; Kansas City (Jackson) counselling.
SHELTER = (38.9517, -92.3341, frozenset({"shelter", "legal"}))
COUNSEL = (39.0997, -94.5786, frozenset({"counseling"}))

TIPS = {"29095": 120, "29019": 30, "29510": 55, "29201": 2}
TRAINED = {"29095": 400, "29019": 90, "29077": 12}
WORKSHOPS = {"29095": 8, "29019": 3}
OPEN_CASES = {"29095": 7, "29510": 4}


def _month_data(year: int, small: bool = True) -> dict[str, dict[str, int]]:
    """Monthly counts with many small cells: St. Louis city busy, a few rural counties with 1-10."""
    data: dict[str, dict[str, int]] = {}
    for m in range(1, 13):
        key = f"{year}-{m:02d}"
        data.setdefault("29510", {})[key] = 20 + m  # St. Louis city: always >= 21
        data.setdefault("29095", {})[key] = 15 + (m % 3)  # Jackson
        if small:
            data.setdefault("29201", {})[key] = (m % 4)  # Scott (southeast): 0..3
            data.setdefault("29001", {})[key] = 5 if m in (3, 7) else 0  # Adair (north rural)
            data.setdefault("29077", {})[key] = 9 + (m % 5)  # Greene: 9..13 -> some 1-10
    return data


@pytest.fixture
def fake_sources(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace every sources function with fixed data; figures are the same whatever the period."""
    calls: dict[str, Any] = {"periods": []}

    def by_county(data: dict[str, int]) -> Any:
        def f(start: dt.datetime, end: dt.datetime) -> dict[str, int]:
            assert start.tzinfo is not None and end.tzinfo is not None
            calls["periods"].append((start, end))
            return dict(data)
        return f

    def by_month(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
        assert start.tzinfo is not None
        return _month_data(start.year)

    monkeypatch.setattr(sources, "tips_by_county", by_county(TIPS))
    monkeypatch.setattr(sources, "people_trained_by_county", by_county(TRAINED))
    monkeypatch.setattr(sources, "workshops_by_county", by_county(WORKSHOPS))
    monkeypatch.setattr(sources, "open_cases_by_county", lambda user=None: dict(OPEN_CASES))
    monkeypatch.setattr(sources, "service_points", lambda: [SHELTER, COUNSEL])
    monkeypatch.setattr(sources, "shelter_term", lambda: "shelter")
    for name in ("tips_by_month", "trainings_by_month", "workshops_by_month", "referrals_by_month"):
        monkeypatch.setattr(sources, name, by_month)
    monkeypatch.setattr(sources, "upcoming_public_events", lambda now, limit=10: [])
    monkeypatch.setattr(sources, "missing", lambda: [])
    return calls

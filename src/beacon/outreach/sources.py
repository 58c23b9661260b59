"""The one adapter through which outreach reads other areas' figures.

Every function imports ``beacon.<app>.stats`` lazily (the cross-app statistics contract in
docs/outreach.md), so outreach never imports another app's models and tests replace these
functions with fixture data.  When an area app has not shipped its ``stats`` module yet, the
figure is empty and :func:`missing` names it, so pages can say so instead of showing zeros
as if they were measured.
"""

from __future__ import annotations

import datetime as dt
import importlib
from types import ModuleType
from typing import Any

ByCounty = dict[str, int]
ByMonth = dict[str, dict[str, int]]  # fips -> "YYYY-MM" -> count
ServicePoint = tuple[float, float, frozenset[str]]

STATS_MODULES = ("beacon.tips.stats", "beacon.training.stats", "beacon.survivors.stats", "beacon.cases.stats")
DEFAULT_SHELTER_TERM = "shelter"


def _stats(app: str) -> ModuleType | None:
    name = f"beacon.{app}.stats"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise  # a real import error inside an existing stats module must not be hidden


def _call(app: str, function: str, *args: Any) -> Any:
    module = _stats(app)
    if module is None or not hasattr(module, function):
        return None
    return getattr(module, function)(*args)


def missing() -> list[str]:
    """Stats modules that are not installed (their figures show as unavailable)."""
    return [name for name in STATS_MODULES if _stats(name.split(".")[1]) is None]


def _ints(data: Any) -> ByCounty:
    return {str(k): int(v) for k, v in (data or {}).items()}


def _months(data: Any) -> ByMonth:
    return {str(f): {str(m): int(n) for m, n in months.items()} for f, months in (data or {}).items()}


# --- tips --------------------------------------------------------------------------------
def tips_by_county(start: dt.datetime, end: dt.datetime) -> ByCounty:
    return _ints(_call("tips", "tips_by_county", start, end))


def tips_by_month(start: dt.datetime, end: dt.datetime) -> ByMonth:
    return _months(_call("tips", "tips_by_month", start, end))


# --- training ----------------------------------------------------------------------------
def people_trained_by_county(start: dt.datetime, end: dt.datetime) -> ByCounty:
    return _ints(_call("training", "people_trained_by_county", start, end))


def workshops_by_county(start: dt.datetime, end: dt.datetime) -> ByCounty:
    return _ints(_call("training", "workshops_by_county", start, end))


def trainings_by_month(start: dt.datetime, end: dt.datetime) -> ByMonth:
    return _months(_call("training", "trainings_by_month", start, end))


def workshops_by_month(start: dt.datetime, end: dt.datetime) -> ByMonth:
    return _months(_call("training", "workshops_by_month", start, end))


def upcoming_public_events(now: dt.datetime, limit: int = 10) -> list[dict[str, Any]]:
    """Upcoming public workshops, if the training app offers them (optional, beyond the contract).

    Expects ``beacon.training.stats.upcoming_public_workshops(now, limit)`` returning dicts with
    ``title``, ``starts_at`` (aware datetime), ``place`` and optionally ``url``; anything else
    yields an empty list so the Awareness Day page shows its empty state.
    """
    rows = _call("training", "upcoming_public_workshops", now, limit)
    events = []
    for row in rows or []:
        if isinstance(row, dict) and row.get("title") and isinstance(row.get("starts_at"), dt.datetime):
            events.append({"title": str(row["title"]), "starts_at": row["starts_at"],
                           "place": str(row.get("place") or ""), "url": str(row.get("url") or "")})
    return events[:limit]


# --- survivors (services directory) ------------------------------------------------------
def shelter_term() -> str:
    module = _stats("survivors")
    return str(getattr(module, "SHELTER_TERM", DEFAULT_SHELTER_TERM)) if module else DEFAULT_SHELTER_TERM


def service_points() -> list[ServicePoint]:
    """(lat, lon, taxonomy terms) of every active service location (confidential ones approximate)."""
    rows = _call("survivors", "service_points", None) or []
    return [(float(lat), float(lon), frozenset(terms)) for lat, lon, terms in rows]


def referrals_by_month(start: dt.datetime, end: dt.datetime) -> ByMonth:
    return _months(_call("survivors", "referrals_by_month", start, end))


# --- cases (staff-only figure) -----------------------------------------------------------
def open_cases_by_county(user: Any = None) -> ByCounty:
    """Open cases by county; with ``user``, only the cases that user may open."""
    return _ints(_call("cases", "open_cases_by_county", user))

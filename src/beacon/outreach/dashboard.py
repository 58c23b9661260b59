"""The public dashboard's tables: counts by region and month for one calendar year, suppressed.

One table per measure: a row per region (the partition in ``metrics.regions``) and a column
per month, with the statewide row (column totals) and the year column (row totals) in the same
table, so the statewide and regional figures, and the months and the year, are suppressed
together (``suppression.suppress_table``).  Only whole, finished calendar years are published:
tables for overlapping periods (a rolling window, a year still filling up) could be
subtracted from one another to reveal a small count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import sources
from .metrics import Region, regions
from .suppression import Mark, SuppressedTable, suppress_table

YEARS_SHOWN = 5


@dataclass(frozen=True)
class Measure:
    key: str
    title: str | Promise
    by_month: Callable[[dt.datetime, dt.datetime], sources.ByMonth]


MEASURES = (
    Measure("tips", _("Tips received"), lambda s, e: sources.tips_by_month(s, e)),
    Measure("trainings", _("People trained"), lambda s, e: sources.trainings_by_month(s, e)),
    Measure("workshops", _("Community workshops held"), lambda s, e: sources.workshops_by_month(s, e)),
    Measure("referrals", _("Referrals to services"), lambda s, e: sources.referrals_by_month(s, e)),
)


def published_years(today: dt.date | None = None) -> list[int]:
    """The finished calendar years the dashboard offers, newest first."""
    year = (today or timezone.localdate()).year
    return [year - k for k in range(1, YEARS_SHOWN + 1)]


def latest_year_with_data(today: dt.date | None = None) -> int:
    """The newest published year in which any measure counted something (else the newest year).

    The dashboard opens on it, so a new year with nothing recorded yet does not show flat zeros.
    One call per measure over all the published years.
    """
    years = published_years(today)
    tz = timezone.get_current_timezone()
    start, end = dt.datetime(years[-1], 1, 1, tzinfo=tz), dt.datetime(years[0] + 1, 1, 1, tzinfo=tz)
    found: set[int] = set()
    for measure in MEASURES:
        for by_month in measure.by_month(start, end).values():
            found.update(int(month[:4]) for month, count in by_month.items() if count)
    return next((y for y in years if y in found), years[0])


@dataclass(frozen=True)
class Entry:
    count: int | None  # None when suppressed
    display: str  # the number, "1-10" or "withheld"
    mark: str


@dataclass(frozen=True)
class Row:
    label: str
    slug: str
    months: tuple[Entry, ...]
    total: Entry


@dataclass(frozen=True)
class PublicTable:
    key: str
    title: str
    months: tuple[str, ...]
    regions: tuple[Row, ...]
    statewide: Row

    @property
    def any_suppressed(self) -> bool:
        return any(e.count is None for r in (*self.regions, self.statewide) for e in (*r.months, r.total))


def _entry(t: SuppressedTable, i: int, j: int) -> Entry:
    return Entry(t.published(i, j), t.label(i, j), str(t.marks[i][j]))


def _table(measure: Measure, year: int, parts: Sequence[Region]) -> PublicTable:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    months = tuple(f"{year:04d}-{m:02d}" for m in range(1, 13))
    data = measure.by_month(start, end)
    cells = [[sum(data.get(f, {}).get(m, 0) for f in r.fips) for m in months] for r in parts]
    t = suppress_table(cells)
    rows = tuple(
        Row(r.name, r.slug, tuple(_entry(t, i, j) for j in range(12)), _entry(t, i, 12)) for i, r in enumerate(parts)
    )
    n = len(parts)
    state = Row(str(_("Missouri (statewide)")), "statewide", tuple(_entry(t, n, j) for j in range(12)), _entry(t, n, 12))
    return PublicTable(measure.key, str(measure.title), months, rows, state)


def public_tables(year: int) -> list[PublicTable]:
    if year not in published_years():
        raise ValueError(f"{year} is not a published year.")
    parts = regions()  # once for all the tables (three queries)
    return [_table(m, year, parts) for m in MEASURES]


__all__ = ["MEASURES", "Mark", "PublicTable", "latest_year_with_data", "published_years", "public_tables"]

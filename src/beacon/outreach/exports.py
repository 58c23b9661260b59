"""CSV exports that open in a spreadsheet: UTF-8 with a byte-order mark, RFC 4180 quoting, CRLF."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from . import gap
from .selectors import BeforeAfter, CountyProgress

GAP_COLUMNS = [
    "rank", "fips", "county", "region", "population", "rucc_2023", "poverty_rate", "median_household_income",
    "interstates", "tips", "tips_per_10k", "people_trained", "trained_per_10k", "workshops", "workshops_per_10k",
    "shelter_km", "nearest_service_km", "open_cases", "gap_score",
    *[f"{t.key}_contribution" for t in gap.TERMS],
]
PROGRESS_COLUMNS = ["fips", "county", "activities_planned", "activities_delivered", "percent_delivered",
                    "planned_reach", "reach"]


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells (a leading = + - @)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return "\ufeff" + buf.getvalue()


def gap_rows(ranking: Sequence[gap.GapScore]) -> list[list[Any]]:
    rows = []
    for g in ranking:
        m = g.metrics
        rows.append([
            g.rank, m.fips, m.name, m.region, m.population, m.rucc_2023, m.poverty_rate, m.median_household_income,
            " ".join(m.interstates), m.tips, m.tips_per_10k, m.people_trained, m.trained_per_10k, m.workshops,
            m.workshops_per_10k, m.shelter_km, m.nearest_service_km, m.open_cases, g.score,
            *[t.contribution for t in g.terms],
        ])
    return rows


def progress_rows(progress: Sequence[CountyProgress]) -> list[list[Any]]:
    return [[p.fips, p.name, p.planned, p.delivered, p.percent_delivered, p.planned_reach, p.reach] for p in progress]


def before_after_rows(ba: BeforeAfter) -> list[list[Any]]:
    return [
        ["tips", ba.tips_before, ba.tips_after],
        ["people_trained", ba.trained_before, ba.trained_after],
        ["workshops", ba.workshops_before, ba.workshops_after],
    ]

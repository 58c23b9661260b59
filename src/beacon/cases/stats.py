"""Aggregate figures for the outreach analytics (cross-app statistics contract).  No user argument."""

from __future__ import annotations

from django.db.models import Count

from .models import Case


def open_cases_by_county() -> dict[str, int]:
    """Cases not closed, by county FIPS (a case in several counties counts in each).  Staff-only figure."""
    through = Case.counties.through
    rows = (through.objects.exclude(case__status=Case.Status.CLOSED)
            .values("county_id").annotate(n=Count("case_id", distinct=True)).order_by("county_id"))
    return {row["county_id"]: row["n"] for row in rows}

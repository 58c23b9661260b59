"""Aggregate figures for the outreach analytics (cross-app statistics contract).  The open-case
count takes the user it is shown to, and counts only the cases that user may open."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from .access import visible_cases
from .models import Case


def open_cases_by_county(user: Any = None) -> dict[str, int]:
    """Cases not closed, by county FIPS (a case in several counties counts in each).  Staff-only figure.

    With ``user``, only the cases that user may open (need-to-know: a count of another agency's
    cases in a small county would tell that an investigation exists there)."""
    through = Case.counties.through
    scope = through.objects.all() if user is None else through.objects.filter(case__in=visible_cases(user))
    rows = (scope.exclude(case__status=Case.Status.CLOSED)
            .values("county_id").annotate(n=Count("case_id", distinct=True)).order_by("county_id"))
    return {row["county_id"]: row["n"] for row in rows}

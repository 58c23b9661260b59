"""Aggregates for the outreach analytics and public dashboard (cross-app statistics contract).

No user argument and no individual record leaves this module: counts only.  Spam is not counted;
tips with no county are left out of county figures.  Months are local (America/Chicago) "YYYY-MM".
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import Tip


def _tips(start: datetime, end: datetime) -> QuerySet[Tip]:
    return Tip.objects.filter(created_at__gte=start, created_at__lt=end, is_spam=False, county__isnull=False)


def tips_by_county(start: datetime, end: datetime) -> dict[str, int]:
    rows = _tips(start, end).order_by().values("county_id").annotate(n=Count("id"))
    return {r["county_id"]: r["n"] for r in rows}


def tips_by_month(start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for fips, at in _tips(start, end).order_by().values_list("county_id", "created_at").iterator():
        month = timezone.localtime(at).strftime("%Y-%m")
        by_month = out.setdefault(fips, {})
        by_month[month] = by_month.get(month, 0) + 1
    return out

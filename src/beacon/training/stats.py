"""Training figures for the cross-app statistics contract (aggregates only, no user argument).

People trained = workshop registrations marked present (by the workshop's county and start
time; cancelled sessions excluded) + course completions by staff members (by their agency's
county at completion time).  Public completions carry no county and are not counted here.
Workshops held = sessions not cancelled whose attendance has been recorded, by start time.
``start``/``end`` are aware datetimes, ``end`` exclusive; months are local "YYYY-MM".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from .models import Completion, Registration, Workshop


def trained_rows(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[str, str, dt.datetime]]:
    """(county fips, audience, when) for each person trained in [start, end)."""
    yield from Registration.objects.filter(
        attended=True, status=Registration.Status.CONFIRMED, workshop__status=Workshop.Status.SCHEDULED,
        workshop__starts_at__gte=start, workshop__starts_at__lt=end,
    ).values_list("workshop__county_id", "workshop__audience", "workshop__starts_at").order_by()
    yield from Completion.objects.filter(
        user__isnull=False, county__isnull=False, completed_at__gte=start, completed_at__lt=end,
    ).values_list("county_id", "course__audience", "completed_at").order_by()


def held_rows(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[str, str, dt.datetime]]:
    """(county fips, audience, when) for each workshop held in [start, end)."""
    yield from Workshop.objects.filter(
        status=Workshop.Status.SCHEDULED, attendance_taken_at__isnull=False, starts_at__gte=start, starts_at__lt=end,
    ).values_list("county_id", "audience", "starts_at").order_by()


def _month(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m")


def _by_county(rows: Iterator[tuple[str, str, dt.datetime]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for fips, _audience, _when in rows:
        out[fips] += 1
    return dict(out)


def _by_month(rows: Iterator[tuple[str, str, dt.datetime]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fips, _audience, when in rows:
        out[fips][_month(when)] += 1
    return {fips: dict(months) for fips, months in out.items()}


def people_trained_by_county(start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    return _by_county(trained_rows(start, end))


def workshops_by_county(start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    return _by_county(held_rows(start, end))


def trainings_by_month(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
    return _by_month(trained_rows(start, end))


def workshops_by_month(start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, int]]:
    return _by_month(held_rows(start, end))


def upcoming_public_workshops(now: dt.datetime, limit: int = 10) -> list[dict[str, object]]:
    """The next scheduled public sessions, for the Awareness Day page (title, start, place, link)."""
    from django.urls import reverse

    rows = (
        Workshop.objects.filter(status=Workshop.Status.SCHEDULED, starts_at__gte=now)
        .select_related("county")
        .order_by("starts_at", "id")[:limit]
    )
    return [
        {
            "title": w.title,
            "starts_at": w.starts_at,
            "place": "Online" if w.online_url and not w.venue_name else f"{w.venue_name}, {w.county.name}".strip(", "),
            "url": reverse("training_public:workshop", args=[w.pk]),
        }
        for w in rows
    ]

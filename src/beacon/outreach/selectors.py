"""Reads for outreach: county metrics and gap ranking, trends, campaign progress and before/after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from beacon.core.models import County, TaskForce
from beacon.core.permissions import Perm, has_perm

from . import gap, sources
from .metrics import county_metrics, regions
from .models import Activity, Campaign


# --- periods -----------------------------------------------------------------------------
def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve full months plus this month so far: (first day, last day inclusive)."""
    today = today or timezone.localdate()
    first = dt.date(today.year - 1, today.month, 1)
    return first, today


def months_between(start: dt.date, end: dt.date) -> list[str]:
    """"YYYY-MM" for every month touching [start, end] (end inclusive)."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# --- county analytics --------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date  # inclusive
    region: str = ""  # region slug (see metrics.regions)
    task_force: str = ""  # any task force slug (its counties)


def filter_fips(filters: Filters) -> set[str] | None:
    """Counties kept by the region / task-force filters (None: all)."""
    keep: set[str] | None = None
    if filters.region:
        region = next((r for r in regions() if r.slug == filters.region), None)
        keep = set(region.fips) if region else set()
    if filters.task_force:
        tf = TaskForce.objects.filter(slug=filters.task_force).first()
        tf_fips = set(tf.counties.values_list("fips", flat=True)) if tf else set()
        keep = tf_fips if keep is None else keep & tf_fips
    return keep


def county_gap_ranking(*, user: Any, filters: Filters) -> list[gap.GapScore]:
    """Every county's metrics and gap score, ranked (largest gap first), after the filters.

    Open-case counts are a case-work figure: included only for users who work cases.
    """
    metrics = county_metrics(day_start(filters.start), day_start(filters.end + dt.timedelta(days=1)),
                             include_cases=has_perm(user, Perm.WORK_CASES), case_user=user)
    keep = filter_fips(filters)
    if keep is not None:
        metrics = [m for m in metrics if m.fips in keep]
    return gap.rank(metrics)


def county_detail(*, user: Any, fips: str, filters: Filters) -> tuple[gap.GapScore, dict[str, list[int]], list[str]]:
    """One county's score (ranked statewide) and its monthly tips / people trained / workshops."""
    ranking = county_gap_ranking(user=user, filters=Filters(filters.start, filters.end))
    found = next((g for g in ranking if g.metrics.fips == fips), None)
    if found is None:
        raise Http404("No Missouri county has that FIPS code.")
    start, end = day_start(filters.start), day_start(filters.end + dt.timedelta(days=1))
    months = months_between(filters.start, filters.end)
    series = {
        "tips": sources.tips_by_month(start, end).get(fips, {}),
        "people trained": sources.trainings_by_month(start, end).get(fips, {}),
        "workshops": sources.workshops_by_month(start, end).get(fips, {}),
    }
    return found, {k: [v.get(m, 0) for m in months] for k, v in series.items()}, months


# Metrics the map can show: key -> (label, getter, format)
MAP_METRICS: dict[str, tuple[str, Any, str]] = {
    "gap": ("Outreach gap score", lambda g: g.score, "{:.1f}"),
    "tips_per_10k": ("Tips per 10,000 residents", lambda g: g.metrics.tips_per_10k, "{:.2f}"),
    "trained_per_10k": ("People trained per 10,000", lambda g: g.metrics.trained_per_10k, "{:.2f}"),
    "workshops_per_10k": ("Workshops per 10,000", lambda g: g.metrics.workshops_per_10k, "{:.2f}"),
    "tips": ("Tips", lambda g: g.metrics.tips, "{:.0f}"),
    "people_trained": ("People trained", lambda g: g.metrics.people_trained, "{:.0f}"),
    "shelter_km": ("Km to nearest shelter", lambda g: g.metrics.shelter_km, "{:.0f}"),
    "nearest_service_km": ("Km to nearest service", lambda g: g.metrics.nearest_service_km, "{:.0f}"),
    "poverty_rate": ("Poverty rate (%)", lambda g: g.metrics.poverty_rate, "{:.1f}"),
    "rucc_2023": ("Rural-urban code (RUCC 2023)", lambda g: g.metrics.rucc_2023, "{:.0f}"),
    "interstates": ("Interstates crossing", lambda g: g.metrics.interstate_count, "{:.0f}"),
    "population": ("Population", lambda g: g.metrics.population, "{:,.0f}"),
    "open_cases": ("Open cases (staff only)", lambda g: g.metrics.open_cases, "{:.0f}"),
}


def map_features() -> list[Any]:
    from .svg import Feature

    return [Feature(f, n) for f, n in County.objects.order_by("fips").values_list("fips", "name")]


# --- campaigns ---------------------------------------------------------------------------
def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    return (
        Campaign.objects.annotate(
            n_counties=Count("counties", distinct=True),
            n_activities=Count("activities", distinct=True),
            n_delivered=Count("activities", filter=Q(activities__delivered_date__isnull=False), distinct=True),
        ).order_by("-start_date", "name")
    )


def get_campaign(*, user: Any, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.filter(pk=campaign_id)
        .prefetch_related("counties", "materials",
                          Prefetch("activities", queryset=Activity.objects.select_related("county")))
        .first()
    )
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


@dataclass(frozen=True)
class CountyProgress:
    fips: str
    name: str
    planned: int
    delivered: int
    planned_reach: int
    reach: int

    @property
    def percent_delivered(self) -> int:
        return round(100 * self.delivered / self.planned) if self.planned else 0


def campaign_progress(campaign: Campaign) -> list[CountyProgress]:
    """Activities planned and delivered and people reached, per target county (one query)."""
    rows = {
        r["county_id"]: r
        for r in Activity.objects.filter(campaign=campaign).order_by().values("county_id").annotate(
            planned=Count("id"), n_done=Count("id", filter=Q(delivered_date__isnull=False)),
            planned_reach=Sum("planned_reach"), reach=Sum("reach", filter=Q(delivered_date__isnull=False)),
        )
    }
    out = []
    for county in sorted(campaign.counties.all(), key=lambda c: c.name):
        r = rows.get(county.fips, {})
        out.append(CountyProgress(county.fips, county.name, r.get("planned", 0), r.get("n_done", 0),
                                  r.get("planned_reach") or 0, r.get("reach") or 0))
    return out


@dataclass(frozen=True)
class BeforeAfter:
    before_start: dt.date
    after_start: dt.date
    after_end: dt.date  # inclusive
    tips_before: int
    tips_after: int
    trained_before: int
    trained_after: int
    workshops_before: int
    workshops_after: int

    @staticmethod
    def change(before: int, after: int) -> float | None:
        return None if before == 0 else round(100 * (after - before) / before, 1)

    @property
    def tips_change(self) -> float | None:
        return self.change(self.tips_before, self.tips_after)

    @property
    def trained_change(self) -> float | None:
        return self.change(self.trained_before, self.trained_after)


def campaign_before_after(campaign: Campaign, *, today: dt.date | None = None) -> BeforeAfter:
    """Tips, people trained and workshops in the campaign's counties: the campaign period (up to today)
    against the same number of days just before it starts."""
    today = today or timezone.localdate()
    after_end = min(campaign.end_date, max(today, campaign.start_date))
    days = (after_end - campaign.start_date).days + 1
    # Dates at the calendar's ends (a campaign of year 1 or 9999 is valid input) shorten a window
    # rather than overflow (a 500 found by the schemathesis CLI).
    before_start = campaign.start_date - dt.timedelta(days=min(days, (campaign.start_date - dt.date.min).days))
    fips = {c.fips for c in campaign.counties.all()}
    b0, b1 = day_start(before_start), day_start(campaign.start_date)
    a1 = day_start(after_end + dt.timedelta(days=1)) if after_end < dt.date.max else day_start(after_end)

    def total(data: dict[str, int]) -> int:
        return sum(v for f, v in data.items() if f in fips)

    return BeforeAfter(
        before_start=before_start, after_start=campaign.start_date, after_end=after_end,
        tips_before=total(sources.tips_by_county(b0, b1)), tips_after=total(sources.tips_by_county(b1, a1)),
        trained_before=total(sources.people_trained_by_county(b0, b1)),
        trained_after=total(sources.people_trained_by_county(b1, a1)),
        workshops_before=total(sources.workshops_by_county(b0, b1)),
        workshops_after=total(sources.workshops_by_county(b1, a1)),
    )


def upcoming_public_activities(*, today: dt.date, limit: int = 20) -> list[Activity]:
    return list(
        Activity.objects.filter(public_event=True, planned_date__gte=today, delivered_date__isnull=True)
        .select_related("county").order_by("planned_date", "id")[:limit]
    )


def awareness_events(*, now: dt.datetime, today: dt.date, limit: int = 30) -> list[dict[str, Any]]:
    """Public workshops and public campaign activities as one list in date order (soonest first).

    Each item: ``day`` (date), ``starts_at`` (aware datetime, or None for an all-day activity),
    ``title``, ``place`` and ``url``.  An all-day activity sorts before the timed events of its day.
    """
    items: list[dict[str, Any]] = [
        {"day": timezone.localtime(e["starts_at"]).date(), "starts_at": e["starts_at"], "title": e["title"],
         "place": e["place"], "url": e["url"]}
        for e in sources.upcoming_public_events(now)
    ]
    for a in upcoming_public_activities(today=today):
        place = ", ".join(p for p in (a.location, a.county.name) if p)
        items.append({"day": a.planned_date, "starts_at": None, "title": a.title, "place": place, "url": ""})
    items.sort(key=lambda i: (i["day"], i["starts_at"] is not None, i["starts_at"] or now, i["title"]))
    return items[:limit]

"""Reads for training.  Public lists take no user; staff reads take the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import markdown as md
import nh3
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from beacon.core import audit
from beacon.core.models import County

from . import stats
from .models import Audience, Completion, Course, Feedback, Registration, Workshop

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "hr", "br",
                "table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised with nh3 (no scripts, styles, images or event handlers)."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer")


# --- Courses ------------------------------------------------------------------------------
def course_list() -> QuerySet[Course]:
    return Course.objects.filter(published=True).annotate(
        module_count=Count("modules", distinct=True), question_count=Count("questions", distinct=True),
    ).order_by("position", "slug")


def courses_for_management() -> QuerySet[Course]:
    """Every course, published or not, with its counts (trainers' course page)."""
    return Course.objects.annotate(
        module_count=Count("modules", distinct=True), question_count=Count("questions", distinct=True),
        completion_count=Count("completions", distinct=True),
    ).order_by("position", "slug")


def course_get(slug: str) -> Course | None:
    return Course.objects.filter(published=True, slug=slug).prefetch_related("modules").first()


def quiz_questions(course: Course) -> list[Any]:
    return list(course.questions.prefetch_related("choices"))


def completion_by_code(code: str) -> Completion | None:
    return Completion.objects.select_related("course").filter(code=code).first() if code else None


# --- Workshops ----------------------------------------------------------------------------
def _with_counts(qs: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return qs.select_related("county", "course").annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waitlist_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
    )


def workshops_public(*, county: str = "", audience: str = "", date_from: dt.date | None = None,
                     date_to: dt.date | None = None, now: dt.datetime | None = None) -> QuerySet[Workshop]:
    """Scheduled sessions that have not ended, filtered by county FIPS, audience and date range."""
    qs = Workshop.objects.filter(status=Workshop.Status.SCHEDULED, ends_at__gt=now or timezone.now())
    if county:
        qs = qs.filter(county_id=county)
    if audience:
        qs = qs.filter(audience=audience)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(starts_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(starts_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return _with_counts(qs).order_by("starts_at", "id")


def workshop_public(workshop_id: int) -> Workshop | None:
    return _with_counts(Workshop.objects.filter(pk=workshop_id)).first()


def workshops_of_trainer(*, user: Any) -> QuerySet[Workshop]:
    return _with_counts(Workshop.objects.filter(trainer=user)).order_by("-starts_at", "-id")


def registrations_of(*, user: Any, workshop: Workshop, request: Any = None) -> list[Registration]:
    """The people registered for a workshop the user has been let into (``access_workshop``); audited."""
    regs = list(workshop.registrations.order_by("status", "created_at", "id"))
    audit.record(actor=user, action=audit.Action.READ, object_type="training_workshop_registrations",
                 object_id=workshop.pk, summary=f"{len(regs)} registrations", request=request)
    return regs


@dataclass
class FeedbackSummary:
    responses: int
    average_rating: float | None
    knows_what_to_do: dict[str, int]
    comments: list[str]


def feedback_summary(*, workshop: Workshop) -> FeedbackSummary:
    rows = list(Feedback.objects.filter(registration__workshop=workshop).order_by("created_at")
                .values_list("rating", "knows_what_to_do", "comments"))
    knows = {c: 0 for c in Feedback.Confidence.values}
    for _rating, k, _c in rows:
        knows[k] += 1
    return FeedbackSummary(
        responses=len(rows), average_rating=round(sum(r for r, _k, _c in rows) / len(rows), 1) if rows else None,
        knows_what_to_do=knows, comments=[c for _r, _k, c in rows if c],
    )


# --- Staff overview and coverage ----------------------------------------------------------
@dataclass
class StaffOverview:
    completions: list[Completion]
    agency_completions: int
    agency_people: int
    county_trained: int
    county_workshops: int


def staff_overview(*, user: Any, now: dt.datetime | None = None) -> StaffOverview:
    now = now or timezone.now()
    year_ago = now - dt.timedelta(days=365)
    mine = list(Completion.objects.filter(user=user).select_related("course"))
    agency = getattr(user, "agency", None)
    agency_qs = Completion.objects.filter(agency=agency) if agency else Completion.objects.none()
    county = getattr(agency, "county_id", None)
    return StaffOverview(
        completions=mine,
        agency_completions=agency_qs.count(),
        agency_people=agency_qs.values("user").distinct().count(),
        county_trained=stats.people_trained_by_county(year_ago, now).get(county, 0) if county else 0,
        county_workshops=stats.workshops_by_county(year_ago, now).get(county, 0) if county else 0,
    )


@dataclass
class CoverageRow:
    fips: str
    name: str
    population: int
    rural: bool
    trained: int = 0
    held: int = 0
    trained_by_audience: dict[str, int] = field(default_factory=dict)

    @property
    def trained_per_10k(self) -> float:
        return round(self.trained * 10000 / self.population, 2) if self.population else 0.0

    @property
    def held_per_10k(self) -> float:
        return round(self.held * 10000 / self.population, 3) if self.population else 0.0


@dataclass
class Coverage:
    start: dt.datetime
    end: dt.datetime
    rows: list[CoverageRow]
    by_audience: dict[str, dict[str, int]]  # audience -> {"trained": n, "held": n}
    public_completions: int

    @property
    def total_trained(self) -> int:
        return sum(r.trained for r in self.rows)

    @property
    def total_held(self) -> int:
        return sum(r.held for r in self.rows)


def coverage(*, start: dt.datetime, end: dt.datetime, audience: str = "") -> Coverage:
    """People trained and workshops held per county (all 115, zeros included) and per audience,
    with rates per 10,000 residents (``County.population``)."""
    rows = {c.fips: CoverageRow(fips=c.fips, name=c.name, population=c.population, rural=c.rural)
            for c in County.objects.only("fips", "name", "population_2020", "population_2022", "rucc_2023")}
    by_audience: dict[str, dict[str, int]] = {a: {"trained": 0, "held": 0} for a in Audience.values}
    for fips, aud, _when in stats.trained_rows(start, end):
        if audience and aud != audience:
            continue
        row = rows.get(fips)
        if row:
            row.trained += 1
            row.trained_by_audience[aud] = row.trained_by_audience.get(aud, 0) + 1
        by_audience[aud]["trained"] += 1
    for fips, aud, _when in stats.held_rows(start, end):
        if audience and aud != audience:
            continue
        if fips in rows:
            rows[fips].held += 1
        by_audience[aud]["held"] += 1
    public = Completion.objects.filter(user__isnull=True, completed_at__gte=start, completed_at__lt=end)
    if audience:
        public = public.filter(course__audience=audience)
    return Coverage(start=start, end=end, rows=sorted(rows.values(), key=lambda r: r.name), by_audience=by_audience,
                    public_completions=public.count())

"""Federal reporting (BJA PMT / OVC TIMS style): counts per task force for a quarter or any period.

A task force's cases are those whose lead agency belongs to it.  Within [start, end):
- investigations opened: cases with ``opened_on`` in the period;
- potential victims identified: persons with role "potential victim" and ``identified_on`` in the
  period, broken down by the case's trafficking type (sex, labor, both, unknown), age group
  (minor, adult, unknown) and sex;
- arrests, charges, referrals to services: the ``count`` of timeline events of that kind with
  ``occurred_on`` in the period;
- advocates' referrals by service type (survivor support, sent in the period by the task force's
  agencies) and the directory's active services by type come from ``beacon.survivors.stats``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from beacon.core.access import AccessDenied, deny
from beacon.core.models import TaskForce

from .models import Case, CaseEvent, Person


@dataclass
class FederalReport:
    task_force: TaskForce
    start: dt.date
    end: dt.date  # exclusive
    investigations_opened: int = 0
    victims_total: int = 0
    victims_by_type: dict[str, int] = field(default_factory=dict)
    victims_by_age: dict[str, int] = field(default_factory=dict)
    victims_by_sex: dict[str, int] = field(default_factory=dict)
    arrests: int = 0
    charges: int = 0
    service_referrals: int = 0
    referrals_by_need: dict[str, int] = field(default_factory=dict)
    services_by_need: dict[str, int] = field(default_factory=dict)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def rows(self) -> list[tuple[str, str, int]]:
        """(measure, breakdown, count) rows, every category present even when zero."""
        out: list[tuple[str, str, int]] = [("investigations_opened", "", self.investigations_opened),
                                           ("potential_victims_identified", "total", self.victims_total)]
        out += [("potential_victims_identified", f"trafficking_type:{k}", self.victims_by_type.get(k, 0))
                for k in Case.Kind.values]
        out += [("potential_victims_identified", f"age_group:{k}", self.victims_by_age.get(k, 0))
                for k in Person.AgeGroup.values]
        out += [("potential_victims_identified", f"sex:{k}", self.victims_by_sex.get(k, 0)) for k in Person.Sex.values]
        out += [("arrests", "", self.arrests), ("charges", "", self.charges),
                ("referrals_to_services", "", self.service_referrals)]
        out += [("advocate_referrals_by_service_type", f"need:{k}", n) for k, n in sorted(self.referrals_by_need.items())]
        out += [("services_available_by_type", f"need:{k}", n) for k, n in sorted(self.services_by_need.items())]
        return out

    def csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["task_force", "period_start", "period_end", "measure", "breakdown", "count"])
        for measure, breakdown, n in self.rows():
            writer.writerow([self.task_force.name, self.start.isoformat(), self.last_day.isoformat(), measure,
                             breakdown, n])
        return buf.getvalue()


def quarter_bounds(text: str) -> tuple[dt.date, dt.date]:
    """``"2026Q3"`` → (2026-07-01, 2026-10-01)."""
    m = re.fullmatch(r"(\d{4})-?Q([1-4])", text.strip().upper())
    if not m:
        raise ValueError("Quarter must look like 2026Q3.")
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return start, end


def current_quarter(today: dt.date) -> str:
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def reportable_task_forces(user: Any) -> list[TaskForce]:
    """Task forces the user's agency belongs to (federal reports are per task force)."""
    if not getattr(user, "agency_id", None):
        return []
    return list(TaskForce.objects.filter(agencies=user.agency_id).order_by("name"))


def access_task_force_report(user: Any, slug: str, *, request: Any = None) -> TaskForce:
    """The door to a task force's report: the user's agency must belong to it (else 404 + denied)."""
    for tf in reportable_task_forces(user):
        if tf.slug == slug:
            return tf
    deny(request, object_type="federal_report", object_id=slug, reason="task force report not available to this user",
         user=user)
    raise AccessDenied("Not found.")


def federal_report(task_force: TaskForce, start: dt.date, end: dt.date) -> FederalReport:
    if end <= start:
        raise ValueError("The period must end after it starts.")
    cases = Case.objects.filter(lead_agency__task_forces=task_force)
    report = FederalReport(task_force=task_force, start=start, end=end)
    report.investigations_opened = cases.filter(opened_on__gte=start, opened_on__lt=end).count()
    victims = Person.objects.filter(case__in=cases.values("pk"), role=Person.Role.VICTIM,
                                    identified_on__gte=start, identified_on__lt=end)
    report.victims_total = victims.count()
    report.victims_by_type = {r["case__kind"]: r["n"] for r in victims.values("case__kind").annotate(n=Count("pk")).order_by()}
    report.victims_by_age = {r["age_group"]: r["n"] for r in victims.values("age_group").annotate(n=Count("pk")).order_by()}
    report.victims_by_sex = {r["sex"]: r["n"] for r in victims.values("sex").annotate(n=Count("pk")).order_by()}
    events = CaseEvent.objects.filter(case__in=cases.values("pk"), occurred_on__gte=start, occurred_on__lt=end)
    sums = {r["kind"]: r["n"] or 0 for r in events.filter(
        kind__in=[CaseEvent.Kind.ARREST, CaseEvent.Kind.CHARGE, CaseEvent.Kind.SERVICE_REFERRAL]
    ).values("kind").annotate(n=Sum("count")).order_by()}
    report.arrests = sums.get(CaseEvent.Kind.ARREST, 0)
    report.charges = sums.get(CaseEvent.Kind.CHARGE, 0)
    report.service_referrals = sums.get(CaseEvent.Kind.SERVICE_REFERRAL, 0)
    from beacon.survivors import stats as survivor_stats  # counts only; no survivor data leaves survivors

    tz = timezone.get_current_timezone()
    report.referrals_by_need = survivor_stats.referrals_by_need(
        dt.datetime.combine(start, dt.time.min, tzinfo=tz), dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        from_agency_ids=task_force.agencies.values_list("pk", flat=True))
    report.services_by_need = survivor_stats.services_by_need()
    return report

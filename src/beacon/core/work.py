"""The staff home: each person's work, counted, each count a link to the list it summarises.

Every figure comes from the area's own selector or access door (``visible_tips``,
``visible_cases``, ``alert_list``, ``operation_queue``, ...), so a count never includes a record
the list behind its link would hide.  A panel appears only to those whose permissions allow
the area; a role without any work area sees the links to what it may open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .permissions import Perm, has_perm

TASK_HORIZON_DAYS = 7  # case tasks due within a week (and every overdue one) are "due"


@dataclass(frozen=True)
class WorkItem:
    label: str | Promise
    count: int
    url: str
    urgent: bool = False  # drawn as an alert-coloured count when above zero


@dataclass
class Panel:
    key: str
    title: str | Promise
    items: list[WorkItem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # a short list under the counts (tasks, workshops)


def _url(name: str, **query: Any) -> str:
    base = reverse(name)
    return f"{base}?{urlencode(query)}" if query else base


def _tips(user: Any) -> Panel:
    from beacon.tips import selectors

    def n(**filters: Any) -> int:
        return selectors.tip_queue(user=user, **filters).count()

    return Panel("tips", _("Tips in your area"), [
        WorkItem(_("New tips"), n(status="new"), _url("tips:index", status="new")),
        WorkItem(_("Open P1 tips (immediate)"), n(priority=1, status=selectors.OPEN),
                 _url("tips:index", priority=1, status=selectors.OPEN), urgent=True),
        WorkItem(_("Open tips not assigned to anyone"), n(status=selectors.OPEN, unassigned=True),
                 _url("tips:index", status=selectors.OPEN, unassigned="on")),
        WorkItem(_("Open tips assigned to you"), n(status=selectors.OPEN, assigned_to_me=True),
                 _url("tips:index", status=selectors.OPEN, mine="on")),
    ])


def _cases(user: Any, today: dt.date) -> Panel:
    from beacon.cases.access import visible_cases
    from beacon.cases.models import Case, CaseTask
    from beacon.cases.selectors import alert_list, case_list

    tasks = (CaseTask.objects.filter(case__in=visible_cases(user).values("pk"), done_at__isnull=True,
                                     due_on__lte=today + dt.timedelta(days=TASK_HORIZON_DAYS))
             .filter(owner=user).select_related("case").order_by("due_on", "id"))
    rows = [{"title": t.title, "due_on": t.due_on, "overdue": t.due_on is not None and t.due_on < today,
             "case": t.case, "url": reverse("cases:detail", args=[t.case_id]) + "#tasks"} for t in tasks[:10]]
    return Panel("cases", _("Cases"), [
        WorkItem(_("Unacknowledged deconfliction alerts"), alert_list(user=user).count(), reverse("cases:alerts"),
                 urgent=True),
        WorkItem(_("Your case tasks due within a week or overdue"), tasks.count(), "#tasks-due"),
        WorkItem(_("Open cases"), case_list(user=user, status=Case.Status.OPEN).count(),
                 _url("cases:index", status=Case.Status.OPEN)),
        WorkItem(_("Cases in active investigation"), case_list(user=user, status=Case.Status.ACTIVE).count(),
                 _url("cases:index", status=Case.Status.ACTIVE)),
    ], rows)


def _ads(user: Any) -> Panel:
    from beacon.monitoring.selectors import operation_queue

    return Panel("ads", _("Ad monitoring"), [
        WorkItem(_("Ad operations awaiting review"), operation_queue(user=user, status="open", min_ads=2).count(),
                 _url("monitoring:index", status="open", min_ads=2)),
    ])


def _survivors(user: Any) -> Panel:
    from beacon.survivors import selectors
    from beacon.survivors.models import Referral

    return Panel("survivors", _("Survivor support"), [
        WorkItem(_("Referrals to your agency awaiting an answer"),
                 selectors.referrals_received(user=user).filter(status=Referral.Status.SENT).count(),
                 reverse("survivors:referrals"), urgent=True),
        WorkItem(_("Unread referral updates"), selectors.unread_notifications(user=user).count(),
                 reverse("survivors:referrals")),
        WorkItem(_("Survivor records of your agency"), selectors.survivor_list(user=user).count(),
                 reverse("survivors:survivors")),
    ])


def _training(user: Any, now: dt.datetime) -> Panel:
    from beacon.training.models import Workshop
    from beacon.training.selectors import workshops_of_trainer

    upcoming = workshops_of_trainer(user=user).filter(starts_at__gte=now, status=Workshop.Status.SCHEDULED)
    held = workshops_of_trainer(user=user).filter(ends_at__lt=now, status=Workshop.Status.SCHEDULED,
                                                  attendance_taken_at__isnull=True)
    rows = [{"title": w.title, "starts_at": w.starts_at, "url": reverse("training:workshop", args=[w.pk])}
            for w in upcoming.order_by("starts_at", "id")[:5]]
    return Panel("training", _("Training"), [
        WorkItem(_("Your upcoming workshops"), upcoming.count(), reverse("training:index")),
        WorkItem(_("Past workshops without attendance"), held.count(), reverse("training:index"), urgent=True),
    ], rows)


def _audit(now: dt.datetime) -> Panel:
    from .models import AuditEvent

    # The same bound as the audit page's "From" filter: local midnight seven days ago.
    since = timezone.localdate(now) - dt.timedelta(days=7)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, at__gte=start).count()
    return Panel("audit", _("Administration"), [
        WorkItem(_("Access refused since a week ago"), denied,
                 _url("core:audit", action=AuditEvent.Action.DENIED, since=since.isoformat()), urgent=True),
    ])


def staff_work(*, user: Any, now: dt.datetime | None = None) -> list[Panel]:
    """The panels of work this user may see, in the order of the navigation bar."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    panels: list[Panel] = []
    if has_perm(user, Perm.TRIAGE_TIPS):
        panels.append(_tips(user))
    if has_perm(user, Perm.WORK_CASES):
        panels.append(_cases(user, today))
    if has_perm(user, Perm.REVIEW_ADS):
        panels.append(_ads(user))
    if has_perm(user, Perm.VIEW_SURVIVORS):
        panels.append(_survivors(user))
    if has_perm(user, Perm.MANAGE_TRAINING):
        panels.append(_training(user, now))
    if has_perm(user, Perm.VIEW_AUDIT):
        panels.append(_audit(now))
    return panels

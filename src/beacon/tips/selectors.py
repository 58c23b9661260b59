"""Reads for tips; every one takes the acting user and starts from ``access.visible_tips``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from beacon.core import links
from beacon.core.links import LinkedObject
from beacon.core.models import Identifier

from .access import visible_tips
from .models import Status, Tip, TipIdentifier

OPEN = "open"  # queue filter: every status but closed and escalated (work still to do on the tip)
CLOSED_STATUSES = (Status.CLOSED_NO_ACTION, Status.ESCALATED)


def tip_queue(
    *,
    user: Any,
    priority: int | None = None,
    county: str = "",
    status: str = "",
    since: date | None = None,
    until: date | None = None,
    spam: str = "exclude",
    assigned_to_me: bool = False,
    unassigned: bool = False,
) -> QuerySet[Tip]:
    """The triage queue: tips the user may see, most urgent first. ``spam``: exclude | include | only."""
    qs = visible_tips(user).select_related("county", "assigned_to").prefetch_related("task_forces")
    if priority:
        qs = qs.filter(priority=priority)
    if county:
        qs = qs.filter(county_id=county)
    if status == OPEN:
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        qs = qs.filter(created_at__lt=timezone.make_aware(datetime.combine(until, time.max)))
    if spam == "exclude":
        qs = qs.filter(is_spam=False)
    elif spam == "only":
        qs = qs.filter(is_spam=True)
    if assigned_to_me:
        qs = qs.filter(assigned_to=user)
    if unassigned:
        qs = qs.filter(assigned_to__isnull=True)
    return qs.order_by("priority", "-created_at", "-id")


def tip_identifiers(tip: Tip) -> list[TipIdentifier]:
    return list(tip.tip_identifiers.select_related("identifier").order_by("identifier__kind", "identifier__value"))


@dataclass
class Link:
    obj: LinkedObject
    shared: list[Identifier]


@dataclass
class Links:
    visible: list[Link] = field(default_factory=list)
    restricted: dict[str, int] = field(default_factory=dict)  # object type -> how many the user may not see


def tip_links(*, user: Any, tip: Tip) -> Links:
    """Other tips, cases and ad operations sharing an identifier with this tip (every registered provider)."""
    own = set(tip.tip_identifiers.values_list("identifier_id", flat=True))
    result = Links()
    if not own:
        return result
    idents = {i.pk: i for i in Identifier.objects.filter(pk__in=own)}
    for object_type, provider in sorted(links.providers().items()):
        holders = provider.objects_with(own)
        if object_type == "tip":
            holders.pop(str(tip.pk), None)
        if not holders:
            continue
        seen = provider.visible_to(user, holders.keys())
        hidden = len(holders) - len(seen)
        if hidden:
            result.restricted[object_type] = hidden
        described = provider.describe(seen)
        for object_id in sorted(seen, key=lambda s: (len(s), s)):
            if object_id in described:
                shared = sorted((idents[i] for i in holders[object_id] if i in idents), key=lambda i: (i.kind, i.value))
                result.visible.append(Link(obj=described[object_id], shared=shared))
    return result


@dataclass
class Escalations:
    cases: list[Any] = field(default_factory=list)  # cases opened from or linked to the tip that the user may see
    hidden: int = 0  # how many more the user may not see


def tip_escalations(*, user: Any, tip: Tip) -> Escalations:
    """The cases this tip was escalated to (or linked to), through the cases' own access rule."""
    from beacon.cases.access import visible_cases
    from beacon.cases.models import CaseLink

    case_ids = set(CaseLink.objects.filter(object_type="tip", object_id=str(tip.pk)).values_list("case_id", flat=True))
    if not case_ids:
        return Escalations()
    seen = list(visible_cases(user).filter(pk__in=case_ids).order_by("pk"))
    return Escalations(cases=seen, hidden=len(case_ids) - len(seen))

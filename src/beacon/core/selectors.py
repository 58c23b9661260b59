"""Reads for core records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, County, TaskForce, User


def county_list() -> QuerySet[County]:
    return County.objects.all().order_by("fips")


def task_forces_covering(county: County | None) -> list[TaskForce]:
    """Regional task forces covering the county, or the statewide one when none does."""
    if county is not None:
        regional = list(TaskForce.objects.filter(counties=county, statewide=False).order_by("name"))
        if regional:
            return regional
    return list(TaskForce.objects.filter(statewide=True))


def supervisors_of(task_forces: list[TaskForce]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, roles__role="supervisor", agency__task_forces__in=task_forces
    ).distinct()


def audit_event_list(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "agency")
    filters: dict[str, Any] = {}
    if actor:
        filters["actor_name"] = actor
    if action:
        filters["action"] = action
    if object_type:
        filters["object_type"] = object_type
    if object_id:
        filters["object_id"] = object_id
    if since:
        filters["at__gte"] = since
    if until:
        filters["at__lt"] = until
    return qs.filter(**filters)

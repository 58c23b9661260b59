"""Reads for core records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Agency, AuditEvent, County, TaskForce, User


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


# --- People and task-force administration ---------------------------------------------------
def administers_everyone(user: User) -> bool:
    """An administrator with no agency, or of an agency in the statewide task force, sees every account."""
    return user.agency_id is None or TaskForce.objects.filter(statewide=True, agencies=user.agency_id).exists()


def agencies_in_scope(*, user: User) -> QuerySet[Agency]:
    """Agencies whose staff ``user`` administers: their own and those sharing a task force with it."""
    if administers_everyone(user):
        return Agency.objects.all()
    shared = TaskForce.objects.filter(agencies=user.agency_id)
    return Agency.objects.filter(Q(pk=user.agency_id) | Q(task_forces__in=shared)).distinct()


def users_in_scope(*, user: User, query: str = "") -> QuerySet[User]:
    qs = User.objects.select_related("agency").prefetch_related("roles")
    if not administers_everyone(user):
        qs = qs.filter(agency__in=agencies_in_scope(user=user))
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(email__icontains=query) | Q(first_name__icontains=query)
                       | Q(last_name__icontains=query) | Q(agency__name__icontains=query))
    return qs.order_by("username")


def task_force_list() -> QuerySet[TaskForce]:
    return TaskForce.objects.annotate(
        agency_count=Count("agencies", distinct=True), county_count=Count("counties", distinct=True))


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.select_related("county").annotate(user_count=Count("users", distinct=True))

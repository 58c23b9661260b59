"""Writes for task forces, agencies and county coverage: one layer used by the staff pages
and by ``beacon taskforce``.  Each writes its audit event in the same transaction.

Coverage decides routing: a new tip goes to the regional task forces covering its county,
else to the statewide one (``core.selectors.task_forces_covering``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import audit
from .models import Agency, County, TaskForce


def _via(request: HttpRequest | None) -> str:
    return "web" if request is not None else "cli"


@transaction.atomic
def task_force_create(
    *, name: str, slug: str = "", description: str = "", statewide: bool = False, acting_user: Any,
    request: HttpRequest | None = None,
) -> TaskForce:
    tf = TaskForce(name=name.strip(), slug=slug.strip() or slugify(name)[:50], description=description,
                   statewide=statewide)
    tf.full_clean()
    if statewide and TaskForce.objects.filter(statewide=True).exists():
        raise ValidationError({"statewide": _("There is already a statewide task force.")})
    tf.save()
    if statewide:
        tf.counties.set(County.objects.all())
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="task_force", object_id=tf.pk,
                 summary=f"task force {tf.name} ({tf.slug}) created", request=request, detail={"via": _via(request)})
    return tf


@transaction.atomic
def task_force_update(
    *, task_force: TaskForce, name: str, description: str, acting_user: Any, request: HttpRequest | None = None,
) -> None:
    before = {"name": task_force.name, "description": task_force.description}
    task_force.name, task_force.description = name.strip(), description
    task_force.full_clean()
    task_force.save(update_fields=["name", "description"])
    changed = {k: [v, getattr(task_force, k)] for k, v in before.items() if v != getattr(task_force, k)}
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="task_force", object_id=task_force.pk,
                 summary=f"task force {task_force.slug}: {', '.join(changed) or 'no change'}", request=request,
                 detail={"changed": changed, "via": _via(request)})


@transaction.atomic
def task_force_cover(
    *, task_force: TaskForce, counties: Iterable[County], acting_user: Any, request: HttpRequest | None = None,
) -> list[str]:
    """Add counties to the task force's coverage; returns the FIPS codes newly covered."""
    have = set(task_force.counties.values_list("fips", flat=True))
    new = [c for c in counties if c.fips not in have]
    task_force.counties.add(*new)
    added = sorted(c.fips for c in new)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="task_force", object_id=task_force.pk,
                 summary=f"task force {task_force.slug} now covers {len(added)} more county(ies)", request=request,
                 detail={"covered": added, "via": _via(request)})
    return added


@transaction.atomic
def task_force_uncover(
    *, task_force: TaskForce, counties: Iterable[County], acting_user: Any, request: HttpRequest | None = None,
) -> list[str]:
    """Remove counties from the coverage (the statewide force always covers every county)."""
    if task_force.statewide:
        raise ValidationError(_("The statewide task force covers every county; its coverage cannot be reduced."))
    have = set(task_force.counties.values_list("fips", flat=True))
    gone = [c for c in counties if c.fips in have]
    task_force.counties.remove(*gone)
    removed = sorted(c.fips for c in gone)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="task_force", object_id=task_force.pk,
                 summary=f"task force {task_force.slug} no longer covers {len(removed)} county(ies)", request=request,
                 detail={"uncovered": removed, "via": _via(request)})
    return removed


def task_force_set_coverage(
    *, task_force: TaskForce, counties: Iterable[County], acting_user: Any, request: HttpRequest | None = None,
) -> tuple[list[str], list[str]]:
    """Make the coverage exactly ``counties`` (the staff page's picker): (added, removed)."""
    wanted = {c.fips: c for c in counties}
    with transaction.atomic():
        have = set(task_force.counties.values_list("fips", flat=True))
        added = removed = []
        if set(wanted) - have:
            added = task_force_cover(task_force=task_force, counties=[c for f, c in wanted.items() if f not in have],
                                     acting_user=acting_user, request=request)
        if have - set(wanted):
            removed = task_force_uncover(task_force=task_force,
                                         counties=list(County.objects.filter(fips__in=have - set(wanted))),
                                         acting_user=acting_user, request=request)
    return added, removed


@transaction.atomic
def task_force_add_agency(
    *, task_force: TaskForce, agency: Agency, acting_user: Any, request: HttpRequest | None = None,
) -> bool:
    if task_force.agencies.filter(pk=agency.pk).exists():
        return False
    task_force.agencies.add(agency)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="task_force", object_id=task_force.pk,
                 summary=f"agency {agency.name} joined task force {task_force.slug}", request=request,
                 detail={"agency_added": agency.pk, "via": _via(request)})
    return True


@transaction.atomic
def task_force_remove_agency(
    *, task_force: TaskForce, agency: Agency, acting_user: Any, request: HttpRequest | None = None,
) -> bool:
    if not task_force.agencies.filter(pk=agency.pk).exists():
        return False
    task_force.agencies.remove(agency)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="task_force", object_id=task_force.pk,
                 summary=f"agency {agency.name} left task force {task_force.slug}", request=request,
                 detail={"agency_removed": agency.pk, "via": _via(request)})
    return True


def task_force_set_agencies(
    *, task_force: TaskForce, agencies: Iterable[Agency], acting_user: Any, request: HttpRequest | None = None,
) -> None:
    wanted = {a.pk: a for a in agencies}
    with transaction.atomic():
        for agency in task_force.agencies.exclude(pk__in=wanted):
            task_force_remove_agency(task_force=task_force, agency=agency, acting_user=acting_user, request=request)
        for agency in wanted.values():
            task_force_add_agency(task_force=task_force, agency=agency, acting_user=acting_user, request=request)


@transaction.atomic
def agency_create(
    *, name: str, kind: str, county: County | None = None, contact_email: str = "", contact_phone: str = "",
    acting_user: Any, request: HttpRequest | None = None,
) -> Agency:
    agency = Agency(name=name.strip(), kind=kind, county=county, contact_email=contact_email,
                    contact_phone=contact_phone)
    agency.full_clean()
    agency.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="agency", object_id=agency.pk,
                 summary=f"agency {agency.name} ({agency.kind}) created", request=request, detail={"via": _via(request)})
    return agency


@transaction.atomic
def agency_update(
    *, agency: Agency, name: str, kind: str, county: County | None, contact_email: str, contact_phone: str,
    acting_user: Any, request: HttpRequest | None = None,
) -> None:
    fields = {"name": name.strip(), "kind": kind, "county_id": county.pk if county else None,
              "contact_email": contact_email, "contact_phone": contact_phone}
    changed = {k: [getattr(agency, k), v] for k, v in fields.items() if getattr(agency, k) != v}
    for k, v in fields.items():
        setattr(agency, k, v)
    agency.full_clean()
    agency.save()
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="agency", object_id=agency.pk,
                 summary=f"agency {agency.name}: {', '.join(changed) or 'no change'}", request=request,
                 detail={"changed": changed, "via": _via(request)})

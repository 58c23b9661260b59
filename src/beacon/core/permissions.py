"""Who may do what: the one place where roles become permissions.

Views and API endpoints declare the permission they need (``require_perm`` for views,
``PermissionRequired`` for DRF); nothing checks roles by hand.  Object-level rules (which
case, which survivor) live in each app's ``access_*`` function, which starts from these.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .models import Role


class Perm(StrEnum):
    STAFF_AREA = "core.staff_area"  # the signed-in dashboard
    VIEW_AUDIT = "core.view_audit"
    MANAGE_USERS = "core.manage_users"  # invite, roles and agency, deactivate, password and MFA resets
    MANAGE_TASK_FORCES = "core.manage_task_forces"  # task forces, agencies, county coverage (tip routing)
    TRIAGE_TIPS = "tips.triage"
    VIEW_TIP_CONTACT = "tips.view_contact"  # reporter contact details: supervisors of the routed force
    REVIEW_ADS = "monitoring.review"
    INGEST_ADS = "monitoring.ingest"
    WORK_CASES = "cases.work"
    SUPERVISE_CASES = "cases.supervise"
    FEDERAL_REPORTS = "cases.federal_reports"
    VIEW_SURVIVORS = "survivors.view"  # advocates only; never law enforcement
    MANAGE_DIRECTORY = "survivors.manage_directory"
    IMPORT_DIRECTORY = "survivors.import_directory"  # upload HSDS packages into the whole directory
    MANAGE_TRAINING = "training.manage"
    VIEW_ANALYTICS = "outreach.view"
    MANAGE_CAMPAIGNS = "outreach.manage_campaigns"
    SEARCH_RECORDS = "records.search"  # one search across tips, cases, ad operations, referrals
    EXPORT_RECORDS = "records.export"  # bulk CSV/JSON exports (plus the area's own permission)
    MANAGE_RETENTION = "records.manage_retention"  # retention policies (administrators)


_ALL_STAFF = {Perm.STAFF_AREA}
# Records lifecycle and "find and take out" (beacon.records), added to the roles below.
_RECORDS: dict[str, frozenset[Perm]] = {
    "admin": frozenset({Perm.EXPORT_RECORDS, Perm.MANAGE_RETENTION}),
    "supervisor": frozenset({Perm.SEARCH_RECORDS, Perm.EXPORT_RECORDS}),
    "investigator": frozenset({Perm.SEARCH_RECORDS}),
    "analyst": frozenset({Perm.SEARCH_RECORDS}),
    "advocate": frozenset({Perm.SEARCH_RECORDS, Perm.EXPORT_RECORDS}),
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(_ALL_STAFF | {Perm.VIEW_AUDIT, Perm.MANAGE_USERS, Perm.MANAGE_TASK_FORCES, Perm.VIEW_ANALYTICS,
                                       Perm.MANAGE_CAMPAIGNS, Perm.IMPORT_DIRECTORY}),
    Role.SUPERVISOR: frozenset(
        _ALL_STAFF
        | {
            Perm.TRIAGE_TIPS, Perm.VIEW_TIP_CONTACT, Perm.REVIEW_ADS, Perm.WORK_CASES, Perm.SUPERVISE_CASES,
            Perm.FEDERAL_REPORTS, Perm.VIEW_ANALYTICS, Perm.MANAGE_CAMPAIGNS,
        }
    ),
    Role.INVESTIGATOR: frozenset(_ALL_STAFF | {Perm.TRIAGE_TIPS, Perm.REVIEW_ADS, Perm.WORK_CASES, Perm.VIEW_ANALYTICS}),
    Role.ANALYST: frozenset(_ALL_STAFF | {Perm.TRIAGE_TIPS, Perm.REVIEW_ADS, Perm.INGEST_ADS, Perm.VIEW_ANALYTICS}),
    Role.ADVOCATE: frozenset(_ALL_STAFF | {Perm.VIEW_SURVIVORS, Perm.MANAGE_DIRECTORY, Perm.VIEW_ANALYTICS}),
    Role.TRAINER: frozenset(_ALL_STAFF | {Perm.MANAGE_TRAINING, Perm.VIEW_ANALYTICS}),
    Role.VIEWER: frozenset(_ALL_STAFF | {Perm.VIEW_ANALYTICS}),
}
ROLE_PERMISSIONS = {role: perms | _RECORDS.get(str(role), frozenset()) for role, perms in ROLE_PERMISSIONS.items()}

# Survivor records never reach law-enforcement or prosecution agencies, whatever the role says.
SURVIVOR_AGENCY_KINDS = frozenset({"ngo", "health", "tribal", "other"})


def permissions_of(user: Any) -> frozenset[Perm]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    perms: set[Perm] = set()
    for role in user.role_set():
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    if Perm.VIEW_SURVIVORS in perms and (user.agency is None or user.agency.kind not in SURVIVOR_AGENCY_KINDS):
        perms.discard(Perm.VIEW_SURVIVORS)
    return frozenset(perms)


def has_perm(user: Any, perm: Perm) -> bool:
    return perm in permissions_of(user)

"""Who read a case, and when: the case lead's view of the audit trail of their own case.

Shown to the case lead and to the supervisors of the lead agency (``Perm.SUPERVISE_CASES``),
nobody else; built from the ``read`` and ``export`` audit events of the case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.models import AuditEvent
from beacon.core.permissions import Perm, has_perm

from .models import Case

READ_ACTIONS = (AuditEvent.Action.READ, AuditEvent.Action.EXPORT)


def can_see_read_log(user: Any, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.lead_user_id == user.pk and has_perm(user, Perm.WORK_CASES):
        return True
    return bool(user.agency_id) and user.agency_id == case.lead_agency_id and has_perm(user, Perm.SUPERVISE_CASES)


def case_reads(*, case: Case) -> QuerySet[AuditEvent]:
    """Audit events of reads and exports of the case, newest first."""
    return (AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action__in=READ_ACTIONS)
            .select_related("agency").only("id", "at", "actor_name", "action", "summary", "agency__name")
            .order_by("-at", "-id"))


def access_read_log(user: Any, case: Case, *, request: HttpRequest | None = None) -> QuerySet[AuditEvent]:
    """The door to a case's read log: the reads, with this look recorded; else ``denied`` and 404."""
    if not can_see_read_log(user, case):
        deny(request, object_type="case_read_log", object_id=case.pk,
             reason="only the case lead and the lead agency's supervisors see who read a case", user=user)
        raise AccessDenied("Not found.")
    audit.record(actor=user, action=audit.Action.READ, object_type="case_read_log", object_id=case.pk,
                 summary=f"viewed who read case {case.pk}", request=request)
    return case_reads(case=case)

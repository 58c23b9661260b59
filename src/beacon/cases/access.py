"""The one door to a case: ``access_case``.  Who may see which case is decided here only.

A user sees a case when they have ``Perm.WORK_CASES`` and one of:
- their agency leads the case or participates in it;
- an active (unexpired, unrevoked) grant names them or their agency;
- they hold ``Perm.SUPERVISE_CASES`` and the case's lead agency belongs to a task force
  their own agency belongs to.

Potential victims' identities need more (need-to-know): the case lead, members of the lead
agency, or a grant with ``victim_identity``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.models import Agency, TaskForce
from beacon.core.permissions import Perm, has_perm

from .models import AccessGrant, Case, DeconflictionAlert


def _active_grants(user: Any) -> QuerySet[AccessGrant]:
    who = Q(user_id=user.pk)
    if user.agency_id:
        who |= Q(agency_id=user.agency_id)
    return AccessGrant.objects.filter(who, revoked_at__isnull=True, expires_at__gt=timezone.now())


def visible_cases(user: Any) -> QuerySet[Case]:
    """Every case the user may open (a queryset, so lists can filter and paginate it)."""
    if not has_perm(user, Perm.WORK_CASES):
        return Case.objects.none()
    cond = Q(pk__in=_active_grants(user).values("case_id"))
    if user.agency_id:
        cond |= Q(lead_agency_id=user.agency_id)
        cond |= Q(pk__in=Case.participating_agencies.through.objects.filter(agency_id=user.agency_id).values("case_id"))
        if has_perm(user, Perm.SUPERVISE_CASES):
            forces = TaskForce.objects.filter(agencies=user.agency_id)
            cond |= Q(lead_agency__in=Agency.objects.filter(task_forces__in=forces).values("pk"))
    return Case.objects.filter(cond)


def can_see(user: Any, case_id: Any) -> bool:
    return visible_cases(user).filter(pk=case_id).exists()


def can_see_victim_identity(user: Any, case: Case) -> bool:
    if not has_perm(user, Perm.WORK_CASES):
        return False
    if case.lead_user_id == user.pk or (user.agency_id and case.lead_agency_id == user.agency_id):
        return True
    return _active_grants(user).filter(case=case, victim_identity=True).exists()


def access_case(
    user: Any,
    case_id: Any,
    *,
    request: HttpRequest | None = None,
    audit_read: bool = True,
    summary: str = "",
) -> Case:
    """Fetch a case the user may see, recording the read; otherwise audit ``denied`` and 404."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        pk = None
    case = (visible_cases(user).select_related("lead_agency", "lead_user").filter(pk=pk).first()
            if pk is not None else None)
    if case is None:
        deny(request, object_type="case", object_id=case_id, reason=summary or "case not visible to this user", user=user)
        raise AccessDenied("Not found.")
    if audit_read:
        audit.record(actor=user, action=audit.Action.READ, object_type="case", object_id=case.pk,
                     summary=summary or f"read case {case.pk}", request=request)
    return case


def can_manage(user: Any, case: Case) -> bool:
    """Status, case lead, participants and grants are changed by the lead agency only."""
    return bool(user.agency_id) and case.lead_agency_id == user.agency_id and has_perm(user, Perm.WORK_CASES)


def deny_manage(user: Any, case: Case, *, request: HttpRequest | None = None) -> None:
    deny(request, object_type="case", object_id=case.pk, reason="only the lead agency may change this", user=user)


def access_alert(user: Any, alert_id: Any, *, request: HttpRequest | None = None) -> DeconflictionAlert:
    """The door to a deconfliction alert: addressed to the user or on a case they may see (else 404 + denied)."""
    from .selectors import alert_for

    alert = alert_for(user=user, alert_id=alert_id)
    if alert is None:
        deny(request, object_type="deconfliction_alert", object_id=alert_id, reason="alert not visible to this user",
             user=user)
        raise AccessDenied("Not found.")
    return alert


def access_source(user: Any, source: str, *, request: HttpRequest | None = None) -> tuple[str, str]:
    """The door to a tip or ad operation being escalated or linked: ``"tip:12"`` → ("tip", "12").

    Unknown, malformed or invisible sources are all a 404 with a ``denied`` audit event.
    """
    from beacon.core import links as core_links

    object_type, _sep, object_id = (source or "").partition(":")
    provider = core_links.providers().get(object_type) if object_type != "case" else None
    if (provider is None or not object_id or len(object_id) > 64
            or object_id not in provider.visible_to(user, [object_id])
            or object_id not in provider.describe([object_id])):  # it must also exist
        deny(request, object_type=object_type[:60] or "link_source", object_id=object_id[:64],
             reason="source not visible to this user", user=user)
        raise AccessDenied("Not found.")
    return object_type, object_id


def access_graph_start(user: Any, start: str, *, request: HttpRequest | None = None) -> tuple[str, str]:
    """The door to a link graph's starting point: a case, tip, operation or identifier the user may see.

    An identifier is visible when a visible object holds it.
    """
    from beacon.core import links as core_links

    object_type, _sep, object_id = (start or "").partition(":")
    if object_type == "case":
        access_case(user, object_id, request=request, summary=f"link graph of case {object_id}")
        return object_type, object_id
    if object_type == "identifier" and object_id.isdigit():
        for provider in core_links.providers().values():
            holders = provider.objects_with([int(object_id)])
            if holders and provider.visible_to(user, list(holders)):
                audit.record(actor=user, action=audit.Action.READ, object_type="identifier", object_id=object_id,
                             summary="link graph of identifier", request=request)
                return object_type, object_id
        deny(request, object_type="identifier", object_id=object_id,
             reason="identifier not held by anything visible to this user", user=user)
        raise AccessDenied("Not found.")
    object_type, object_id = access_source(user, start, request=request)
    audit.record(actor=user, action=audit.Action.READ, object_type=object_type, object_id=object_id,
                 summary="link graph", request=request)
    return object_type, object_id

"""The one door to a case: ``access_case``.  Who may see or change which case is decided here only.

The rule (docs/security.md, "Case access between agencies"): a user with ``Perm.WORK_CASES``

- **reads** a case when their agency leads it, their agency participates in it (an explicit
  participation added by the lead agency), or an active (unexpired, unrevoked) grant names them
  or their agency;
- **writes** to it (people, identifiers, tasks, timeline, files, links, escalation into it)
  only when their agency leads it or participates in it.  Grants are read-only.

Membership of a task force, however broad, opens no case by itself, whatever the user's role.
Potential victims' identities need more (need-to-know): the case lead, members of the lead
agency, or a grant with ``victim_identity``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.permissions import Perm, has_perm

from .models import AccessGrant, Case, DeconflictionAlert


def _active_grants(user: Any) -> QuerySet[AccessGrant]:
    who = Q(user_id=user.pk)
    if user.agency_id:
        who |= Q(agency_id=user.agency_id)
    return AccessGrant.objects.filter(who, revoked_at__isnull=True, expires_at__gt=timezone.now())


def _member_condition(user: Any) -> Q:
    """Cases the user's agency leads or participates in (the ones its members may write to)."""
    if not user.agency_id:
        return Q(pk__in=[])
    return (Q(lead_agency_id=user.agency_id)
            | Q(pk__in=Case.participating_agencies.through.objects.filter(agency_id=user.agency_id).values("case_id")))


def visible_cases(user: Any) -> QuerySet[Case]:
    """Every case the user may open (a queryset, so lists can filter and paginate it)."""
    if not has_perm(user, Perm.WORK_CASES):
        return Case.objects.none()
    return Case.objects.filter(_member_condition(user) | Q(pk__in=_active_grants(user).values("case_id")))


def writable_cases(user: Any) -> QuerySet[Case]:
    """Every case the user may add to: their agency leads it or participates in it (grants are read-only)."""
    if not has_perm(user, Perm.WORK_CASES):
        return Case.objects.none()
    return Case.objects.filter(_member_condition(user))


def can_see(user: Any, case_id: Any) -> bool:
    return visible_cases(user).filter(pk=case_id).exists()


def can_write(user: Any, case: Case) -> bool:
    """Lead or participating agency (``writable_cases`` for one case already fetched)."""
    if not (user.agency_id and has_perm(user, Perm.WORK_CASES)):
        return False
    return case.lead_agency_id == user.agency_id or case.participating_agencies.filter(pk=user.agency_id).exists()


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
    write: bool = False,
) -> Case:
    """Fetch a case the user may see, recording the read; otherwise audit ``denied`` and 404.

    ``write=True`` is the door for adding to the case: a case the user can read only through a
    grant is refused with 403 (and a ``denied`` event), since its existence is already known.
    """
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        pk = None
    case = (visible_cases(user).select_related("lead_agency", "lead_user").filter(pk=pk).first()
            if pk is not None else None)
    if case is None:
        deny(request, object_type="case", object_id=case_id, reason=summary or "case not visible to this user", user=user)
        raise AccessDenied("Not found.")
    if write and not can_write(user, case):
        deny(request, object_type="case", object_id=case.pk, user=user,
             reason="read-only access (grant): only the lead or a participating agency adds to a case")
        raise PermissionDenied("Your access to this case is read-only: only the lead agency and participating "
                               "agencies add to it.")
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

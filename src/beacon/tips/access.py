"""Who may see which tip: the one rule, and the one door (``access_tip``).

A staff user with ``Perm.TRIAGE_TIPS`` sees a tip when their agency belongs to a task force
the tip is routed to (members of the statewide task force therefore see the statewide
queue).  Reporter contact details additionally need ``Perm.VIEW_TIP_CONTACT``; every read
of them is audited.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from rest_framework.request import Request

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.permissions import Perm, has_perm

from .models import Tip, TipRoute

Purpose = Literal["view", "change", "contact", "file"]


def visible_tips(user: Any) -> QuerySet[Tip]:
    """Every tip the user may see (the rule used by views, API, queue and link provider)."""
    agency_id = getattr(user, "agency_id", None)
    if not agency_id or not has_perm(user, Perm.TRIAGE_TIPS):
        return Tip.objects.none()
    return Tip.objects.filter(
        Exists(TipRoute.objects.filter(tip=OuterRef("pk"), task_force__agencies=agency_id))
    )


def can_view_contact(user: Any) -> bool:
    return has_perm(user, Perm.VIEW_TIP_CONTACT)


def access_tip(
    user: Any, tip_id: Any, *, request: HttpRequest | Request | None = None, purpose: Purpose = "view"
) -> Tip:
    """The tip, if the user may use it for ``purpose``; else a ``denied`` audit event and a 404.

    ``view`` and ``contact`` are audited as reads (``contact`` names the contact details read);
    ``file`` (a photo download) is audited by the caller, with the photo read.
    """
    try:
        pk = int(tip_id)
    except (TypeError, ValueError):
        pk = 0
    tip = (
        visible_tips(user).select_related("county", "assigned_to").filter(pk=pk).first() if pk > 0 else None
    )
    refused = tip is None or (purpose == "contact" and not can_view_contact(user))
    if refused:
        reason = "tip not routed to the user's task forces" if tip is None else "missing tips.view_contact"
        deny(request, object_type="tip", object_id=tip_id, reason=reason, user=user)
        raise AccessDenied("Not found.")
    assert tip is not None
    if purpose == "view":
        audit.record(actor=user, action=audit.Action.READ, object_type="tip", object_id=tip.pk,
                     summary=f"Viewed tip #{tip.pk}", request=request)  # type: ignore[arg-type]
    elif purpose == "contact":
        audit.record(actor=user, action=audit.Action.READ, object_type="tip", object_id=tip.pk,
                     summary=f"Read reporter contact details of tip #{tip.pk}", request=request,  # type: ignore[arg-type]
                     detail={"field": "contact"})
    return tip

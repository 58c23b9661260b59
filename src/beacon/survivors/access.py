"""The doors to survivor support's sensitive objects: one function per object, audited.

- ``access_survivor``: advocates (``Perm.VIEW_SURVIVORS``, never held by law-enforcement,
  prosecutor or federal staff) of the survivor's own agency.  Every granted read is audited.
- ``access_referral``: advocates of the referring agency, or of the receiving agency (who
  then see only what an active consent covers; see ``selectors.referral_shared_fields``).
- ``access_organization``: directory managers of the agency that runs the organisation.

A refusal writes a ``denied`` audit event and raises ``AccessDenied`` (a 404).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.permissions import Perm, has_perm

from .models import DirectoryImport, Organization, Referral, Survivor
from .selectors import is_uuid


def _deny(user: Any, object_type: str, object_id: Any, reason: str, request: HttpRequest | None) -> AccessDenied:
    deny(request, object_type=object_type, object_id=object_id, reason=reason, user=user)
    return AccessDenied("Not found.")


def _int_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def access_survivor(user: Any, survivor_id: Any, *, request: HttpRequest | None = None, purpose: str = "view") -> Survivor:
    """The one door to a survivor record: returns it (read audited) or raises ``AccessDenied``."""
    pk = _int_id(survivor_id)
    if not has_perm(user, Perm.VIEW_SURVIVORS):
        raise _deny(user, "survivor", survivor_id, "missing survivors.view", request)
    survivor = Survivor.objects.select_related("agency", "county").filter(pk=pk).first() if pk is not None else None
    if survivor is None or survivor.agency_id != user.agency_id:
        raise _deny(user, "survivor", survivor_id, "not a survivor of the user's agency", request)
    audit.record(actor=user, action=audit.Action.READ, object_type="survivor", object_id=survivor.pk,
                 summary=f"survivor record ({purpose})", request=request)
    return survivor


def access_referral(user: Any, referral_id: Any, *, request: HttpRequest | None = None) -> tuple[Referral, str]:
    """The one door to a referral: returns ``(referral, side)`` with side ``"sender"`` or ``"receiver"``."""
    pk = _int_id(referral_id)
    if not has_perm(user, Perm.VIEW_SURVIVORS):
        raise _deny(user, "referral", referral_id, "missing survivors.view", request)
    referral = (
        Referral.objects.select_related("survivor", "service__organization", "from_agency", "to_agency", "consent")
        .filter(pk=pk).first() if pk is not None else None
    )
    if referral is None or user.agency_id not in (referral.from_agency_id, referral.to_agency_id):
        raise _deny(user, "referral", referral_id, "not a party to the referral", request)
    side = "sender" if referral.from_agency_id == user.agency_id else "receiver"
    audit.record(actor=user, action=audit.Action.READ, object_type="referral", object_id=referral.pk,
                 summary=f"referral read by the {side}", request=request)
    return referral, side


def access_organization(user: Any, organization_id: Any, *, request: HttpRequest | None = None) -> Organization:
    """Directory management: the organisation run by the user's own agency."""
    if not has_perm(user, Perm.MANAGE_DIRECTORY):
        raise _deny(user, "hsds_organization", organization_id, "missing survivors.manage_directory", request)
    org = Organization.objects.filter(pk=organization_id).first() if is_uuid(organization_id) else None
    if org is None or org.agency_id is None or org.agency_id != user.agency_id:
        raise _deny(user, "hsds_organization", organization_id, "organisation of another agency", request)
    return org


def access_directory_import(user: Any, job_id: Any, *, request: HttpRequest | None = None) -> DirectoryImport:
    """An uploaded HSDS import, for administrators who may import into the directory."""
    pk = _int_id(job_id)
    job = DirectoryImport.objects.select_related("uploaded_by", "agency").filter(pk=pk).first() if pk else None
    if job is None or not has_perm(user, Perm.IMPORT_DIRECTORY):
        raise _deny(user, "hsds_import_upload", job_id, "no such import" if job is None else "not an administrator",
                    request)
    return job

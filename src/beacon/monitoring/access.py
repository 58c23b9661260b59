"""The doors to monitoring records."""

from __future__ import annotations

from typing import Any

from beacon.core import audit
from beacon.core.access import AccessDenied, deny
from beacon.core.permissions import Perm, has_perm

from .models import IngestRun, Operation


def access_operation(request: Any, operation_id: Any, *, audit_read: bool = True) -> Operation:
    """The operation, for a user who may review ads; otherwise a ``denied`` audit event and a 404."""
    user = request.user
    op = Operation.objects.filter(pk=operation_id).first() if str(operation_id).isdigit() else None
    if op is None or not has_perm(user, Perm.REVIEW_ADS):
        deny(request, object_type="operation", object_id=operation_id,
             reason="no such operation" if op is None else "may not review ads")
        raise AccessDenied("Not found.")
    if audit_read:
        audit.record(actor=user, action=audit.Action.READ, object_type="operation", object_id=op.pk,
                     summary=f"viewed ad operation {op.pk}", request=request)
    return op


def access_run(request: Any, run_id: Any) -> IngestRun:
    """An ingestion run, for a user who may ingest ads and belongs to the submitter's agency."""
    user = request.user
    run = IngestRun.objects.select_related("submitted_by").filter(pk=run_id).first() if str(run_id).isdigit() else None
    allowed = run is not None and has_perm(user, Perm.INGEST_ADS) and (
        run.submitted_by is None or run.submitted_by_id == user.pk
        or (user.agency_id is not None and run.submitted_by.agency_id == user.agency_id))
    if run is None or not allowed:
        deny(request, object_type="ad_ingest_run", object_id=run_id,
             reason="no such run" if run is None else "another agency's run")
        raise AccessDenied("Not found.")
    return run

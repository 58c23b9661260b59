"""Analysts' identifier marks: "link" / "shared, do not link" (stored, audited, applied at once).

A mark is an ``IdentifierLink`` row of source ``analyst``.  It wins over the linking rule in the
platform's clustering (``clustering.params_now``) and in ``beacon ads scan --marks FILE``
(``export_marks`` writes that file).  Applying a mark in the platform:

- "shared": the operations holding the identifier's ads are re-clustered without it
  (``clustering.resplit``): an operation it alone had joined is split;
- "link": the operations holding its ads are merged into the oldest one.

The mark, the splits and the merges are written with their audit events in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from beacon.core import audit

from . import clustering
from .models import Ad, AdKey, IdentifierLink, Operation

DECISIONS = {"link": True, "shared": False}
PREFIXES = ("tel:", "email:", "handle:", "img:")


class Writer(Protocol):
    def write(self, s: str, /) -> object: ...


class MarkError(ValueError):
    def __init__(self, message: str, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.field = field


def _merge(op_ids: Iterable[int]) -> tuple[int, list[int]] | None:
    ids = sorted(set(op_ids))
    if len(ids) < 2:
        return None
    survivor = Operation.objects.select_for_update().get(pk=ids[0])
    absorbed = ids[1:]
    statuses = list(Operation.objects.filter(pk__in=absorbed).values_list("status", flat=True))
    best = max([survivor.status, *statuses], key=lambda s: clustering.STATUS_STRENGTH.get(s, 0))
    Operation.objects.filter(merged_into__in=absorbed).update(merged_into=survivor)
    Operation.objects.filter(pk__in=absorbed).update(status=Operation.Status.MERGED, merged_into=survivor)
    Ad.objects.filter(operation_id__in=absorbed).update(operation=survivor)
    if best != survivor.status:
        survivor.status = best
        survivor.save(update_fields=["status", "updated_at"])
    return survivor.pk, absorbed


@transaction.atomic
def mark_identifier(*, identifier: str, decision: str, reason: str, acting_user: Any,
                    request: Any = None) -> IdentifierLink:
    """Store an analyst's mark on a linking key and apply it to the operations; audited."""
    key = (identifier or "").strip()
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise MarkError('Choose "link" or "shared".', "decision")
    if not key.startswith(PREFIXES) or len(key) > 320:
        raise MarkError("Give a linking identifier such as tel:+18165550101, email:..., handle:... or img:...",
                        "identifier")
    if not reason:
        raise MarkError("Give a reason for the mark.", "reason")
    carriers = list(AdKey.objects.filter(key=key).values_list("ad_id", flat=True))
    if not carriers:
        raise MarkError("No stored ad carries this identifier.", "identifier")
    link = DECISIONS[decision]
    before = IdentifierLink.objects.filter(key=key).first()
    row, _ = IdentifierLink.objects.update_or_create(key=key, defaults={
        "link": link, "source": IdentifierLink.Source.ANALYST, "reason": reason[:2000], "identities": 0,
        "decided_by": acting_user, "decided_at": timezone.now()})
    was = "none" if before is None else f"{'link' if before.link else 'shared'} ({before.source})"
    audit.record(actor=acting_user, action=audit.Action.UPDATE if before else audit.Action.CREATE,
                 object_type="identifier_link", object_id=row.pk,
                 summary=f"marked {key} {decision} (was {was}): {reason[:200]}", request=request,
                 detail={"identifier": key, "decision": decision, "was": was, "ads": len(carriers)})
    held = set(Ad.objects.filter(pk__in=carriers, operation__isnull=False).values_list("operation_id", flat=True))
    touched: set[int] = set(held)
    if link:
        merged = _merge(held)
        if merged:
            touched.add(merged[0])
            audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="operation", object_id=merged[0],
                         summary=f"operations {', '.join(map(str, merged[1]))} merged in: {key} marked link",
                         request=request, detail={"absorbed": merged[1], "identifier": key})
    else:
        for op_id, parts in clustering.resplit(held).items():
            touched.update([op_id, *parts])
            audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="operation", object_id=op_id,
                         summary=f"split into {len(parts) + 1} operations: {key} marked shared",
                         request=request, detail={"new_operations": parts, "identifier": key})
    live = list(Operation.objects.filter(pk__in=touched).exclude(status=Operation.Status.MERGED)
                .values_list("pk", flat=True))
    clustering.summarise(live)
    return row


def export_marks(out: Writer) -> int:
    """Write the analysts' marks as JSON lines for ``beacon ads scan --marks FILE``; returns how many."""
    n = 0
    for key, link in IdentifierLink.objects.filter(source=IdentifierLink.Source.ANALYST).values_list("key", "link"):
        out.write(json.dumps({"identifier": key, "decision": "link" if link else "shared"}) + "\n")
        n += 1
    return n

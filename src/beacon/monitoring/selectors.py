"""Reads of the monitoring area (each takes the acting user)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from beacon.adscan import normalise_phone
from beacon.core import links
from beacon.core.links import LinkedObject
from beacon.core.permissions import Perm, has_perm

from .models import Ad, IngestRun, Operation

OPEN = (Operation.Status.NEW, Operation.Status.WATCH)
QUEUE_FILTERS = {
    "open": OPEN,
    "new": (Operation.Status.NEW,),
    "watch": (Operation.Status.WATCH,),
    "escalated": (Operation.Status.ESCALATED,),
    "dismissed": (Operation.Status.DISMISSED,),
    "all": (Operation.Status.NEW, Operation.Status.WATCH, Operation.Status.ESCALATED, Operation.Status.DISMISSED),
}


def operation_queue(*, user: Any, status: str = "open", min_ads: int = 2, q: str = "",
                    kind: str = "") -> QuerySet[Operation]:
    """Operations ranked by risk (then size), for a user who may review ads; merged ones never appear.

    ``kind`` (``escort`` or ``job``) keeps the operations with at least one ad of that kind."""
    if not has_perm(user, Perm.REVIEW_ADS):
        return Operation.objects.none()
    qs = Operation.objects.filter(status__in=QUEUE_FILTERS.get(status, OPEN), ad_count__gte=max(1, min_ads))
    if kind:
        qs = qs.filter(Exists(Ad.objects.filter(operation=OuterRef("pk"), kind=kind)))
    if q:
        # a phone written any way matches its E.164 linking key; handles, e-mails and words match as text
        phone = normalise_phone(q)
        match = Q(template__icontains=q) | Q(ads__title__icontains=q) | Q(ads__keys__key__icontains=q)
        if phone:
            match |= Q(ads__keys__key=f"tel:{phone}")
        qs = qs.filter(match).distinct()
    return qs.order_by("-risk", "-ad_count", "id")


def operation_ads(*, user: Any, operation: Operation) -> QuerySet[Ad]:
    if not has_perm(user, Perm.REVIEW_ADS):
        return Ad.objects.none()
    return operation.ads.defer("signature").order_by("posted_at", "id")


def case_defaults(op: Operation) -> dict[str, str]:
    """What a case opened from an operation starts with: labor trafficking and the Polaris venue type of
    the job ads' industry for an operation of job ads, sex trafficking and escort services for escort ads
    (an operation of both kinds leaves them for the analyst to choose)."""
    kinds = set(op.kinds or [])
    if kinds == {"job"}:
        return {"kind": "labor", **({"venue_type": op.industry} if op.industry else {})}
    if kinds == {"escort"}:
        return {"kind": "sex", "venue_type": "escort_services"}
    return {}


def run_list(*, user: Any) -> QuerySet[IngestRun]:
    """Ingestion runs of the user's agency (and system runs) for a user who may ingest."""
    if not has_perm(user, Perm.INGEST_ADS):
        return IngestRun.objects.none()
    mine = Q(submitted_by__isnull=True) | Q(submitted_by=user)
    if user.agency_id is not None:
        mine |= Q(submitted_by__agency_id=user.agency_id)
    return IngestRun.objects.filter(mine).select_related("submitted_by").defer("payload").order_by("-created_at", "-id")


# --- Highlighting -------------------------------------------------------------------------
@dataclass
class Mark:
    start: int
    end: int
    code: str
    title: str


def highlight(text: str, marks: Sequence[Mark]) -> SafeString:
    """``text`` escaped, with each indicator span wrapped in ``<mark>`` (overlaps: the first wins)."""
    out: list[str] = []
    pos = 0
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        start, end = max(m.start, pos), min(m.end, len(text))
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="beacon-flag" data-code="{escape(m.code)}" title="{escape(m.title)}">'
                   f"{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


def highlighted(ad: Ad) -> dict[str, SafeString]:
    """Title, body and phone of an ad with their indicator spans marked."""
    from .labels import indicator_title

    marks: dict[str, list[Mark]] = {"title": [], "body": [], "phone": []}
    for ind in ad.indicators or []:
        fieldname, span = ind.get("field"), ind.get("span")
        if fieldname in marks and span and len(span) == 2:
            code = str(ind.get("code", ""))
            marks[fieldname].append(Mark(int(span[0]), int(span[1]), code,
                                         f"{indicator_title(code)}: {code} (+{ind.get('weight', 0)})"))
    return {f: highlight(getattr(ad, f) or "", ms) for f, ms in marks.items()}


# --- Links --------------------------------------------------------------------------------
@dataclass
class Links:
    visible: list[LinkedObject] = field(default_factory=list)
    restricted: dict[str, int] = field(default_factory=dict)  # object type -> count the user may not see
    shared: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (type, id) -> identifiers shared


def linked_objects(*, user: Any, operation: Operation) -> Links:
    """Tips, cases (and other operations) holding an identifier of this operation, through the link providers."""
    from beacon.core.models import Identifier

    mine = links.provider("operation").identifiers_of([str(operation.pk)]).get(str(operation.pk), set())
    result = Links()
    if not mine:
        return result
    names = {i.pk: f"{i.kind}: {i.value}" for i in Identifier.objects.filter(pk__in=mine)}
    for object_type, provider in sorted(links.providers().items()):
        found = provider.objects_with(mine)
        if object_type == "operation":
            found.pop(str(operation.pk), None)
        if not found:
            continue
        visible = provider.visible_to(user, found.keys())
        hidden = len(set(found) - visible)
        if hidden:
            result.restricted[object_type] = hidden
        described = provider.describe(sorted(visible))
        for oid in sorted(visible, key=lambda x: (len(x), x)):
            if oid in described:
                result.visible.append(described[oid])
                result.shared[(object_type, oid)] = sorted(names.get(i, "") for i in found[oid])
    return result

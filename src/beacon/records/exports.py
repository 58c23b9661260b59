"""Exports of tips, cases, referrals and the audit trail: filtered, streamed, audited.

Each export is a selector over the acting user's visible records (the apps' own rules:
``tips.access.visible_tips``, ``cases.access.visible_cases``, the referral parties, and the
audit trail for auditors), read with ``QuerySet.iterator(chunk_size=...)`` and written row
by row into a ``StreamingHttpResponse``: the whole list is never held in memory.

Formats: CSV (cells starting with ``= + - @``, a tab or a carriage return are prefixed with
``'`` so a spreadsheet does not run them as formulas) and JSON Lines (one object per line).

Survivor identity leaves only with those who may read it: a potential victim's name on a case
only for users with need-to-know on that case (``cases.access.can_see_victim_identity``);
a survivor's details on a referral only for the referring agency's advocates, or for the
receiving agency within what an active consent covers (``survivors.selectors.referral_shared_fields``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from beacon.cases.access import can_see_victim_identity, visible_cases
from beacon.cases.models import Case, Person
from beacon.core import audit
from beacon.core.models import AuditEvent
from beacon.core.selectors import audit_event_list
from beacon.survivors.models import Referral
from beacon.survivors.selectors import referral_shared_fields
from beacon.tips.access import can_view_contact, visible_tips
from beacon.tips.models import Tip

from .search import visible_referrals

CHUNK = 500
FORMATS = ("csv", "json")
KINDS = ("tips", "cases", "referrals", "audit")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """A filter that cannot be applied: the message names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading ``= + - @`` (or tab/CR) gets a ``'`` before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    status: str = ""
    county: str = ""
    agency: int | None = None
    action: str = ""
    object_type: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(self).items() if v not in (None, "")}


def parse_filters(params: Any) -> Filters:
    """Filters from a query string; a bad one raises ``ExportError`` naming the field."""
    f = Filters()
    for name in ("since", "until"):
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise ExportError(name, f"{name}: use a date written YYYY-MM-DD.") from None
            # beyond these the day's bounds in local time cannot be represented (and no record is there)
            setattr(f, name, min(max(day, dt.date(1900, 1, 1)), dt.date(9000, 12, 31)))
    if f.since and f.until and f.since > f.until:
        raise ExportError("until", "until: the end date is before the start date.")
    f.status = (params.get("status") or "").strip()[:30]
    f.county = (params.get("county") or "").strip()[:5]
    if f.county and not f.county.isdigit():
        raise ExportError("county", "county: give the county's 5-digit FIPS code.")
    raw_agency = (params.get("agency") or "").strip()
    if raw_agency:
        try:
            f.agency = int(raw_agency)
        except ValueError:
            raise ExportError("agency", "agency: give the agency's number.") from None
    f.action = (params.get("action") or "").strip()[:10]
    f.object_type = (params.get("object_type") or "").strip()[:60]
    return f


def _start(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time.min, tzinfo=timezone.get_current_timezone())


def _end(d: dt.date) -> dt.datetime:
    return _start(d + dt.timedelta(days=1))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


# --- Tips ---------------------------------------------------------------------------------
TIP_COLUMNS = ["id", "created_at", "status", "priority", "county", "situation", "danger", "minor", "indicators",
               "is_spam", "language", "narrative", "place_text", "contact"]


def tips_queryset(user: Any, f: Filters) -> QuerySet[Tip]:
    qs = visible_tips(user)
    if f.since:
        qs = qs.filter(created_at__gte=_start(f.since))
    if f.until:
        qs = qs.filter(created_at__lt=_end(f.until))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.county:
        qs = qs.filter(county_id=f.county)
    if f.agency:
        qs = qs.filter(routes__task_force__agencies=f.agency).distinct()
    return qs.select_related("county").order_by("id")


def tip_rows(user: Any, qs: QuerySet[Tip]) -> Iterator[dict[str, Any]]:
    contact = can_view_contact(user)  # reporter contact: supervisors only (the tip door's rule)
    for t in qs.iterator(chunk_size=CHUNK):
        yield {"id": t.pk, "created_at": t.created_at, "status": t.status, "priority": t.priority,
               "county": t.county.name if t.county else "", "situation": t.situation, "danger": t.danger,
               "minor": t.minor, "indicators": ";".join(t.indicators), "is_spam": t.is_spam, "language": t.language,
               "narrative": t.narrative, "place_text": t.place_text, "contact": t.contact if contact else ""}


# --- Cases --------------------------------------------------------------------------------
CASE_COLUMNS = ["id", "title", "kind", "venue_type", "status", "outcome", "lead_agency", "opened_on", "closed_on",
                "counties", "people", "potential_victims", "victim_names"]


def cases_queryset(user: Any, f: Filters) -> QuerySet[Case]:
    qs = visible_cases(user)
    if f.since:
        qs = qs.filter(opened_on__gte=f.since)
    if f.until:
        qs = qs.filter(opened_on__lte=f.until)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.county:
        qs = qs.filter(counties=f.county)
    if f.agency:
        qs = qs.filter(Q(lead_agency_id=f.agency) | Q(participating_agencies=f.agency)).distinct()
    return (qs.select_related("lead_agency").order_by("id")
            .prefetch_related("counties", Prefetch("persons", queryset=Person.objects.order_by("id"))))


def case_rows(user: Any, qs: QuerySet[Case]) -> Iterator[dict[str, Any]]:
    for c in qs.iterator(chunk_size=CHUNK):
        persons = list(c.persons.all())
        victims = [p for p in persons if p.is_victim]
        names = "; ".join(p.name for p in victims if p.name) if victims and can_see_victim_identity(user, c) else ""
        yield {"id": c.pk, "title": c.title, "kind": c.kind, "venue_type": c.venue_type, "status": c.status,
               "outcome": c.outcome, "lead_agency": c.lead_agency.name, "opened_on": c.opened_on,
               "closed_on": c.closed_on, "counties": ";".join(x.name for x in c.counties.all()),
               "people": len(persons), "potential_victims": len(victims), "victim_names": names}


# --- Referrals ----------------------------------------------------------------------------
REFERRAL_COLUMNS = ["id", "sent_at", "status", "side", "service", "from_agency", "to_agency", "shared_fields",
                    "survivor"]


def referrals_queryset(user: Any, f: Filters) -> QuerySet[Referral]:
    qs = visible_referrals(user)
    if f.since:
        qs = qs.filter(sent_at__gte=_start(f.since))
    if f.until:
        qs = qs.filter(sent_at__lt=_end(f.until))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.county:
        qs = qs.filter(survivor__county_id=f.county)
    if f.agency:
        qs = qs.filter(Q(from_agency_id=f.agency) | Q(to_agency_id=f.agency))
    return qs.select_related("service", "from_agency", "to_agency", "consent", "survivor").order_by("id")


def referral_rows(user: Any, qs: QuerySet[Referral]) -> Iterator[dict[str, Any]]:
    for r in qs.iterator(chunk_size=CHUNK):
        sender = r.from_agency_id == user.agency_id
        if sender:  # the survivor's own agency: the referral page shows the record number and name
            survivor = json.dumps({"record": r.survivor_id, "preferred_name": r.survivor.preferred_name})
        else:  # the receiving agency: only what an active consent still covers
            survivor = json.dumps(referral_shared_fields(r), sort_keys=True)
        yield {"id": r.pk, "sent_at": r.sent_at, "status": r.status, "side": "sender" if sender else "receiver",
               "service": r.service.name, "from_agency": r.from_agency.name, "to_agency": r.to_agency.name,
               "shared_fields": ";".join(r.shared_fields), "survivor": survivor}


# --- Audit trail --------------------------------------------------------------------------
AUDIT_COLUMNS = ["id", "at", "actor_name", "agency", "action", "object_type", "object_id", "summary", "ip",
                 "request_id", "detail"]


def audit_queryset(user: Any, f: Filters) -> QuerySet[AuditEvent]:
    qs = audit_event_list(action=f.action, object_type=f.object_type,
                          since=_start(f.since) if f.since else None, until=_end(f.until) if f.until else None)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    return qs.order_by("id")


def audit_rows(user: Any, qs: QuerySet[AuditEvent]) -> Iterator[dict[str, Any]]:
    for e in qs.iterator(chunk_size=CHUNK):
        yield {"id": e.pk, "at": e.at, "actor_name": e.actor_name, "agency": e.agency.name if e.agency else "",
               "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "summary": e.summary,
               "ip": e.ip or "", "request_id": e.request_id, "detail": json.dumps(e.detail, sort_keys=True)}


@dataclass(frozen=True)
class ExportKind:
    columns: list[str]
    queryset: Callable[[Any, Filters], QuerySet[Any]]
    rows: Callable[[Any, QuerySet[Any]], Iterator[dict[str, Any]]]


EXPORTS: dict[str, ExportKind] = {
    "tips": ExportKind(TIP_COLUMNS, tips_queryset, tip_rows),
    "cases": ExportKind(CASE_COLUMNS, cases_queryset, case_rows),
    "referrals": ExportKind(REFERRAL_COLUMNS, referrals_queryset, referral_rows),
    "audit": ExportKind(AUDIT_COLUMNS, audit_queryset, audit_rows),
}


# --- Encoding -----------------------------------------------------------------------------
def csv_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(columns)
    yield flush()
    for row in rows:
        writer.writerow([csv_safe(_iso(row[c])) for c in columns])
        yield flush()


def json_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps({c: _iso(row[c]) for c in columns}, ensure_ascii=False) + "\n"


def export(*, user: Any, kind: str, output: str, filters: Filters, request: HttpRequest | None = None
           ) -> StreamingHttpResponse:
    """The streamed export of ``kind`` the user may see, audited (filters and row count) before it starts."""
    if kind not in EXPORTS:
        raise ExportError("kind", f"kind: one of {', '.join(KINDS)}.")
    if output not in FORMATS:
        raise ExportError("output", "output: csv or json.")
    spec = EXPORTS[kind]
    qs = spec.queryset(user, filters)
    count = qs.count()
    detail: dict[str, Any] = {"kind": kind, "output": output, "filters": filters.as_dict(), "rows": count}
    if kind == "tips":
        detail["contact"] = can_view_contact(user)
    audit.record(actor=user, action=audit.Action.EXPORT, object_type=f"{kind}_export",
                 summary=f"exported {count} {kind} ({output})", request=request, detail=detail)
    rows = spec.rows(user, qs)
    stamp = timezone.localdate().isoformat()
    if output == "csv":
        response = StreamingHttpResponse(csv_lines(spec.columns, rows), content_type="text/csv; charset=utf-8")
        name = f"beacon-{kind}-{stamp}.csv"
    else:
        response = StreamingHttpResponse(json_lines(spec.columns, rows), content_type="application/x-ndjson")
        name = f"beacon-{kind}-{stamp}.jsonl"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Export-Rows"] = str(count)
    response["Cache-Control"] = "no-store"
    return response

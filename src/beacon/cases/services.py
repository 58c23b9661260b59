"""Writes for cases.  Every function is atomic and records its audit event in the same transaction;
e-mails are queued on commit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.core import audit, crypto
from beacon.core import links as core_links
from beacon.core.identifiers import Kind, identifier_for, normalise
from beacon.core.models import Agency, County, Identifier, User

from .access import can_see_victim_identity
from .archive import write_protected_zip
from .models import (
    AccessGrant,
    Attachment,
    Case,
    CaseEvent,
    CaseIdentifier,
    CaseLink,
    CaseTask,
    DeconflictionAlert,
    Person,
)
from .selectors import attachment_content

ATTACHMENT_MAX_BYTES: int = getattr(settings, "BEACON_CASE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
EXPORT_PASSWORD_MIN = 12
MAX_GRANT_DAYS = 365


# --- Cases --------------------------------------------------------------------------------
@transaction.atomic
def case_create(
    *,
    acting_user: Any,
    title: str,
    kind: str = Case.Kind.UNKNOWN,
    venue_type: str = "",
    summary: str = "",
    counties: Iterable[County] = (),
    opened_on: dt.date | None = None,
    lead_user: User | None = None,
    is_demo: bool = False,
    request: HttpRequest | None = None,
) -> Case:
    if acting_user.agency_id is None:
        raise ValidationError(_("Only a member of an agency can open a case."))
    lead = lead_user or acting_user
    if lead.agency_id != acting_user.agency_id:
        raise ValidationError({"lead_user": "The case lead must belong to the lead agency."})
    case = Case(title=title, kind=kind, venue_type=venue_type, summary=summary, lead_agency_id=acting_user.agency_id,
                lead_user=lead, created_by=acting_user, opened_on=opened_on or timezone.localdate(), is_demo=is_demo)
    case.full_clean()
    case.save()
    case.counties.set(list(counties))
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case", object_id=case.pk,
                 summary=f"opened case {case.pk}", request=request)
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    acting_user: Any,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Case:
    allowed = {"title", "kind", "venue_type", "summary", "status", "outcome", "closed_on", "lead_user"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    old_status = case.status
    for name, value in changes.items():
        setattr(case, name, value)
    if case.status == Case.Status.CLOSED:
        case.closed_on = case.closed_on or timezone.localdate()
        if not case.outcome:
            raise ValidationError({"outcome": "A closed case needs an outcome."})
    else:
        case.outcome = ""
        case.closed_on = None
    if case.lead_user.agency_id != case.lead_agency_id:
        raise ValidationError({"lead_user": "The case lead must belong to the lead agency."})
    case.full_clean()
    case.save()
    if case.status != old_status:
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS, created_by=acting_user,
                                 text=f"{old_status} → {case.status}" + (f" ({case.outcome})" if case.outcome else ""))
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case", object_id=case.pk,
                 summary=f"updated {', '.join(sorted(changes))}", request=request)
    return case


def _require_lead_agency(case: Case, acting_user: Any) -> None:
    if not acting_user.agency_id or acting_user.agency_id != case.lead_agency_id:
        raise ValidationError(_("Only the lead agency changes who participates in its case."))


@transaction.atomic
def case_add_agency(*, case: Case, agency: Agency, acting_user: Any, request: HttpRequest | None = None) -> None:
    """Make ``agency`` a participant: its members with case work read the case and add to it."""
    _require_lead_agency(case, acting_user)
    if agency.pk == case.lead_agency_id:
        raise ValidationError(_("That agency already leads the case."))
    if case.participating_agencies.filter(pk=agency.pk).exists():
        return
    case.participating_agencies.add(agency)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case", object_id=case.pk,
                 summary=f"agency {agency.pk} joins the case", request=request,
                 detail={"participant_added": agency.pk})
    # A new participant's other cases may now meet this one: nothing to alert (same case).


@transaction.atomic
def case_remove_agency(*, case: Case, agency: Agency, acting_user: Any, request: HttpRequest | None = None) -> None:
    """End ``agency``'s participation: its members lose access at once (unless a grant remains)."""
    _require_lead_agency(case, acting_user)
    if not case.participating_agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "That agency does not participate in the case."})
    case.participating_agencies.remove(agency)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case", object_id=case.pk,
                 summary=f"agency {agency.pk} leaves the case", request=request,
                 detail={"participant_removed": agency.pk})


@transaction.atomic
def case_set_counties(*, case: Case, counties: Iterable[County], acting_user: Any) -> None:
    case.counties.set(list(counties))
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case", object_id=case.pk,
                 summary="counties changed")


# --- People and identifiers ---------------------------------------------------------------
def _person_match_text(name: str, date_of_birth: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = sorted(re.findall(r"[a-z0-9]+", text))
    if len(words) < 2:  # a single word is too weak to claim two agencies share a person
        return ""
    return " ".join(words) + "|" + date_of_birth.strip()


def person_match_index(name: str, date_of_birth: str = "") -> str:
    """Keyed hash of a normalised name (accents, case, punctuation and word order ignored) and birth date."""
    text = _person_match_text(name, date_of_birth)
    return crypto.blind_index(text, purpose="case-person") if text else ""


def person_match_indexes(name: str, date_of_birth: str = "") -> list[str]:
    """``person_match_index`` under every configured index key, newest first (matches during a rotation)."""
    text = _person_match_text(name, date_of_birth)
    return crypto.blind_indexes(text, purpose="case-person") if text else []


def person_reindex(person: Person) -> str:
    """The person's match index under the newest index key (``beacon keys rotate-index``)."""
    return person_match_index(person.name, person.date_of_birth) if person.name.strip() else ""


def alert_reindex(alert: DeconflictionAlert) -> str | None:
    """A person alert's match index under the newest key, found through the persons of its case
    whose index under any configured key is the stored one; None when none is (left unchanged)."""
    if not alert.match_index:
        return ""
    for person in Person.objects.filter(case_id__in=[alert.case_id, alert.other_case_id]).exclude(match_index=""):
        indexes = person_match_indexes(person.name, person.date_of_birth)
        if alert.match_index in indexes:
            return indexes[0]
    return None


@transaction.atomic
def person_add(
    *,
    case: Case,
    acting_user: Any,
    role: str,
    name: str = "",
    date_of_birth: str = "",
    age_group: str = Person.AgeGroup.UNKNOWN,
    sex: str = Person.Sex.UNKNOWN,
    nationality: str = "",
    details: str = "",
    identified_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Person:
    person = Person(case=case, role=role, name=name.strip(), date_of_birth=date_of_birth.strip(), age_group=age_group,
                    sex=sex, nationality=nationality.strip(), details=details, created_by=acting_user,
                    identified_on=identified_on or timezone.localdate(),
                    match_index=person_match_index(name, date_of_birth) if name.strip() else "")
    person.full_clean(exclude=["match_index"])
    person.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_person", object_id=person.pk,
                 summary=f"{role} added to case {case.pk}", request=request, detail={"case": case.pk})
    if person.match_index:
        _deconflict(case=case, acting_user=acting_user, persons=[person])
    return person


@transaction.atomic
def identifier_add(
    *,
    case: Case,
    acting_user: Any,
    kind: str,
    raw: str,
    person: Person | None = None,
    source: str = "",
    request: HttpRequest | None = None,
) -> CaseIdentifier:
    """Normalise and attach an identifier; alert both leads if another agency's case holds it."""
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown identifier kind {kind!r}."})
    value = normalise(kind, raw)
    if not value:
        raise ValidationError({"raw": f"{raw!r} is not a valid {Kind(kind).label.lower()}."})
    if person is not None and person.case_id != case.pk:
        raise ValidationError({"person": "That person is not on this case."})
    identifier = identifier_for(kind, value)
    return _attach_identifier(case=case, identifier=identifier, acting_user=acting_user, raw=raw.strip(),
                              person=person, source=source, request=request)


def _attach_identifier(*, case: Case, identifier: Identifier, acting_user: Any, raw: str, person: Person | None,
                       source: str, request: HttpRequest | None) -> CaseIdentifier:
    existing = CaseIdentifier.objects.filter(case=case, identifier=identifier, person=person).first()
    if existing is not None:
        return existing
    link = _new_identifier_link(case=case, identifier=identifier, acting_user=acting_user, raw=raw, person=person,
                                source=source, request=request)
    _deconflict(case=case, acting_user=acting_user, identifiers=[identifier])
    return link


def _new_identifier_link(*, case: Case, identifier: Identifier, acting_user: Any, raw: str, person: Person | None,
                         source: str, request: HttpRequest | None) -> CaseIdentifier:
    link = CaseIdentifier.objects.create(case=case, identifier=identifier, person=person, raw=raw, source=source,
                                         added_by=acting_user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_identifier", object_id=link.pk,
                 summary=f"{identifier.kind} added to case {case.pk}", request=request, detail={"case": case.pk})
    return link


# --- Deconfliction ------------------------------------------------------------------------
def _deconflict(
    *,
    case: Case,
    acting_user: Any,
    identifiers: Iterable[Identifier] = (),
    persons: Iterable[Person] = (),
) -> list[DeconflictionAlert]:
    """Alert this case's lead and each other agency's case lead about the shared identifier or person.

    "Another agency": a case whose lead agency differs.  Closed cases are not alerted on.
    """
    ids = {i.pk: i.kind for i in identifiers}
    # Every key's index of each person, mapped to the newest: stored indexes match while
    # `beacon keys rotate-index` runs, and alerts are recorded under the newest.
    indexes = {variant: p.match_index for p in persons if p.match_index
               for variant in person_match_indexes(p.name, p.date_of_birth) or [p.match_index]}
    matches: set[tuple[int, str, int | None, str]] = set()  # (other case, kind, identifier, index)
    if ids:
        for other_id, ident_id in (CaseIdentifier.objects.filter(identifier_id__in=ids)
                                   .exclude(case__lead_agency_id=case.lead_agency_id)
                                   .exclude(case__status=Case.Status.CLOSED)
                                   .values_list("case_id", "identifier_id").distinct()):
            matches.add((other_id, ids[ident_id], ident_id, ""))
    if indexes:
        for other_id, index in (Person.objects.filter(match_index__in=indexes)
                                .exclude(case__lead_agency_id=case.lead_agency_id)
                                .exclude(case__status=Case.Status.CLOSED)
                                .values_list("case_id", "match_index").distinct()):
            matches.add((other_id, "person", None, indexes[index]))
    if not matches:
        return []
    others = {c.pk: c for c in Case.objects.filter(pk__in={m[0] for m in matches}).select_related("lead_agency")}
    created: list[DeconflictionAlert] = []
    for match_case, kind, match_ident, index in sorted(matches, key=lambda m: (m[0], m[1], m[2] or 0, m[3])):
        other = others[match_case]
        for mine, theirs in ((case, other), (other, case)):
            alert, new = DeconflictionAlert.objects.get_or_create(
                case=mine, other_case=theirs, identifier_kind=kind, identifier_id=match_ident, match_index=index,
                defaults={"recipient_id": mine.lead_user_id, "other_agency_id": theirs.lead_agency_id},
            )
            if new:
                created.append(alert)
                audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="deconfliction_alert",
                             object_id=alert.pk, summary=f"deconfliction alert to the lead of case {mine.pk}",
                             detail={"case": mine.pk, "kind": kind})
    if created:
        from .tasks import send_deconfliction_emails

        alert_ids = [a.pk for a in created]
        transaction.on_commit(lambda: send_deconfliction_emails.enqueue(alert_ids))
    return created


@transaction.atomic
def alert_acknowledge(*, alert: DeconflictionAlert, acting_user: Any, request: HttpRequest | None = None) -> None:
    if alert.acknowledged_at is not None:
        return
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = acting_user
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="deconfliction_alert", object_id=alert.pk,
                 summary="acknowledged", request=request)


# --- Tasks, timeline, attachments ---------------------------------------------------------
@transaction.atomic
def task_add(*, case: Case, acting_user: Any, title: str, owner: User | None = None, due_on: dt.date | None = None,
             request: HttpRequest | None = None) -> CaseTask:
    task = CaseTask(case=case, title=title, owner=owner, due_on=due_on, created_by=acting_user)
    task.full_clean()
    task.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_task", object_id=task.pk,
                 summary=f"task on case {case.pk}", request=request)
    return task


@transaction.atomic
def task_complete(*, task: CaseTask, acting_user: Any, request: HttpRequest | None = None) -> None:
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case_task", object_id=task.pk,
                 summary="task done", request=request)


@transaction.atomic
def event_add(*, case: Case, acting_user: Any, kind: str, text: str = "", occurred_on: dt.date | None = None,
              count: int = 1, request: HttpRequest | None = None) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, text=text, occurred_on=occurred_on or timezone.localdate(), count=count,
                      created_by=acting_user)
    event.full_clean()
    event.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_event", object_id=event.pk,
                 summary=f"{kind} on case {case.pk}", request=request)
    return event


# (content type, accepted extensions, magic test)
_TYPES: list[tuple[str, tuple[str, ...], Any]] = [
    ("application/pdf", (".pdf",), lambda h: h.startswith(b"%PDF-")),
    ("image/png", (".png",), lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", (".jpg", ".jpeg"), lambda h: h.startswith(b"\xff\xd8\xff")),
    ("image/gif", (".gif",), lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", (".webp",), lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",),
     lambda h: h.startswith(b"PK\x03\x04")),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
     lambda h: h.startswith(b"PK\x03\x04")),
]
_TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}


def detect_type(name: str, head: bytes) -> str | None:
    """The content type when the file's bytes match an accepted type *and* its extension agrees."""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    for content_type, exts, test in _TYPES:
        if ext in exts and test(head):
            return content_type
    if ext in _TEXT_TYPES and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a multibyte character cut at the end of the sample is fine
                return None
        return _TEXT_TYPES[ext]
    return None


@transaction.atomic
def attachment_add(*, case: Case, acting_user: Any, upload: UploadedFile, request: HttpRequest | None = None) -> Attachment:
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": f"Files are limited to {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB."})
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    upload.seek(0)
    head = upload.read(2048)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    content_type = detect_type(name, head)
    if content_type is None:
        raise ValidationError({"file": "Only PDF, PNG, JPEG, GIF, WebP, Word, Excel, text and CSV files are accepted, "
                                       "and the file's contents must match its extension."})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(case=case, original_name=name, content_type=content_type, size=size,
                            sha256=digest.hexdigest(), uploaded_by=acting_user, encrypted=True)
    upload.seek(0)
    attachment.file.save(name, ContentFile(crypto.encrypt_bytes(upload.read()), name="file"), save=False)
    attachment.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_attachment", object_id=attachment.pk,
                 summary=f"file on case {case.pk}", request=request, detail={"sha256": attachment.sha256})
    return attachment


# --- Grants -------------------------------------------------------------------------------
@transaction.atomic
def grant_create(
    *,
    case: Case,
    acting_user: Any,
    expires_at: dt.datetime,
    reason: str,
    user: User | None = None,
    agency: Agency | None = None,
    victim_identity: bool = False,
    request: HttpRequest | None = None,
) -> AccessGrant:
    if (user is None) == (agency is None):
        raise ValidationError(_("Grant access to one user or one agency."))
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": "The grant must expire in the future."})
    if expires_at > now + dt.timedelta(days=MAX_GRANT_DAYS):
        raise ValidationError({"expires_at": f"Grants last at most {MAX_GRANT_DAYS} days."})
    if not (acting_user.agency_id == case.lead_agency_id or case.lead_user_id == acting_user.pk):
        raise ValidationError(_("Only the lead agency grants access to its case."))
    grant = AccessGrant(case=case, user=user, agency=agency, expires_at=expires_at, reason=reason,
                        victim_identity=victim_identity, granted_by=acting_user)
    grant.full_clean()
    grant.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_grant", object_id=grant.pk,
                 summary=f"access to case {case.pk} for {'user ' + str(user.pk) if user else 'agency ' + str(agency.pk if agency else '')} "
                         f"until {expires_at:%Y-%m-%d %H:%M}", request=request)
    return grant


@transaction.atomic
def grant_revoke(*, grant: AccessGrant, acting_user: Any, request: HttpRequest | None = None) -> None:
    if grant.revoked_at is not None:
        return
    grant.revoked_at = timezone.now()
    grant.revoked_by = acting_user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="case_grant", object_id=grant.pk,
                 summary=f"revoked access to case {grant.case_id}", request=request)


# --- Escalation: tips and ad operations into cases -----------------------------------------
@transaction.atomic
def case_link_source(*, case: Case, acting_user: Any, object_type: str, object_id: str,
                     request: HttpRequest | None = None) -> CaseLink:
    """Join a tip or ad operation to the case and copy its identifiers (visibility checked by the caller's door)."""
    link, created = CaseLink.objects.get_or_create(case=case, object_type=object_type, object_id=str(object_id),
                                                   defaults={"linked_by": acting_user})
    provider = core_links.provider(object_type)
    identifier_ids = provider.identifiers_of([str(object_id)]).get(str(object_id), set())
    source = f"{object_type}:{object_id}"
    # The case's own links read once and one deconfliction pass for all the new identifiers
    # (not a look-up and a pass per identifier).
    held = set(CaseIdentifier.objects.filter(case=case, person=None, identifier_id__in=identifier_ids)
               .values_list("identifier_id", flat=True))
    new = list(Identifier.objects.filter(pk__in=identifier_ids - held).order_by("pk"))
    for identifier in new:
        _new_identifier_link(case=case, identifier=identifier, acting_user=acting_user, raw=identifier.value,
                             person=None, source=source, request=request)
    _deconflict(case=case, acting_user=acting_user, identifiers=new)
    if created:
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.LINK, created_by=acting_user,
                                 text=f"Linked {source} ({len(identifier_ids)} identifiers copied)")
        audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="case_link", object_id=link.pk,
                     summary=f"{source} linked to case {case.pk}", request=request)
    return link


@transaction.atomic
def case_create_from_source(*, acting_user: Any, object_type: str, object_id: str, title: str,
                            request: HttpRequest | None = None, **fields: Any) -> Case:
    case = case_create(acting_user=acting_user, title=title, request=request, **fields)
    case_link_source(case=case, acting_user=acting_user, object_type=object_type, object_id=object_id, request=request)
    if object_type == "tip":
        # The tip shows "Escalated to a case" (and links to it, for those who may see the case).
        from beacon.tips.models import Status as TipStatus
        from beacon.tips.models import Tip
        from beacon.tips.services import tip_set_status

        tip = Tip.objects.select_for_update().get(pk=int(object_id))
        if tip.status != TipStatus.ESCALATED:
            tip_set_status(tip=tip, status=TipStatus.ESCALATED, acting_user=acting_user, request=request)
    return case


# --- Export -------------------------------------------------------------------------------
def _case_document(case: Case, user: User) -> dict[str, Any]:
    show_identity = can_see_victim_identity(user, case)
    persons = []
    victim_person_ids: set[int] = set()
    for p in case.persons.all():
        hidden = p.is_victim and not show_identity
        if p.is_victim:
            victim_person_ids.add(p.pk)
        persons.append({
            "id": p.pk, "role": p.role, "age_group": p.age_group, "sex": p.sex, "nationality": p.nationality,
            "name": None if hidden else p.name, "date_of_birth": None if hidden else p.date_of_birth,
            "details": None if hidden else p.details, "identified_on": p.identified_on.isoformat(),
        })
    return {
        "id": case.pk, "title": case.title, "kind": case.kind, "venue_type": case.venue_type, "status": case.status,
        "outcome": case.outcome, "summary": case.summary, "lead_agency": case.lead_agency.name,
        "lead_user": case.lead_user.get_username(),
        "participating_agencies": [a.name for a in case.participating_agencies.all()],
        "counties": [c.fips for c in case.counties.all()], "opened_on": case.opened_on.isoformat(),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "persons": persons,
        "identifiers": [
            {"kind": ci.identifier.kind,
             "value": None if (ci.person_id in victim_person_ids and not show_identity) else ci.identifier.value,
             "person": ci.person_id, "source": ci.source}
            for ci in case.identifiers.select_related("identifier")
        ],
        "links": [f"{link.object_type}:{link.object_id}" for link in case.links.all()],
        "tasks": [{"title": t.title, "owner": t.owner.get_username() if t.owner else None,
                   "due_on": t.due_on.isoformat() if t.due_on else None, "done": t.done_at is not None}
                  for t in case.tasks.select_related("owner")],
        "attachments": [{"name": a.original_name, "sha256": a.sha256, "size": a.size} for a in case.attachments.all()],
    }


@transaction.atomic
def case_export(*, case: Case, acting_user: Any, password: str, request: HttpRequest | None = None) -> bytes:
    """The case as an AES-256 password-protected ZIP (case.json, timeline.csv, attachments/)."""
    if len(password) < EXPORT_PASSWORD_MIN:
        raise ValidationError({"password": f"Use a password of at least {EXPORT_PASSWORD_MIN} characters."})
    document = _case_document(case, acting_user)
    timeline = io.StringIO()
    writer = csv.writer(timeline)
    writer.writerow(["occurred_on", "kind", "count", "text"])
    for event in case.events.order_by("occurred_on", "id"):
        writer.writerow([event.occurred_on.isoformat(), event.kind, event.count, event.text])
    entries: list[tuple[str, bytes]] = [
        ("case.json", json.dumps(document, indent=2, ensure_ascii=False).encode()),
        ("timeline.csv", timeline.getvalue().encode()),
    ]
    for attachment in case.attachments.all():
        entries.append((f"attachments/{attachment.pk}-{attachment.original_name}", attachment_content(attachment)))
    data = write_protected_zip(entries, password)
    audit.record(actor=acting_user, action=audit.Action.EXPORT, object_type="case", object_id=case.pk,
                 summary=f"exported case {case.pk} as a password-protected archive", request=request,
                 detail={"files": len(entries), "bytes": len(data)})
    return data

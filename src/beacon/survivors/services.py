"""Writes: the directory, survivor records, consents and referrals.  Each audited in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.core import audit, geo
from beacon.core.models import Agency, County, ZipCode

from . import taxonomy
from .models import (
    SHAREABLE_FIELDS,
    Address,
    Consent,
    DirectoryImport,
    DirectoryState,
    Goal,
    Language,
    Location,
    Organization,
    Phone,
    Referral,
    ReferralNotification,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceReceived,
    Survivor,
)
from .tasks import send_referral_email

logger = logging.getLogger(__name__)


# --- Directory ----------------------------------------------------------------------------
def bump_directory() -> None:
    """Invalidate the search index everywhere (it is keyed on this version)."""
    stamp = uuid.uuid4().hex
    updated = DirectoryState.objects.filter(pk=1).update(version=F("version") + 1, stamp=stamp)
    if not updated:
        DirectoryState.objects.get_or_create(pk=1, defaults={"version": 1, "stamp": stamp})


def location_county_fips(location: Location, postal_code: str = "") -> str | None:
    if location.latitude is not None and location.longitude is not None:
        fips = geo.fips_at_point(location.latitude, location.longitude)
        if fips:
            return fips
    if postal_code:
        return ZipCode.objects.filter(zip=postal_code[:5]).values_list("county_id", flat=True).first()
    return None


@dataclass
class ServiceInput:
    """What the staff form edits: the common HSDS fields of a service and its one location."""

    name: str
    description: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    needs: list[str] = field(default_factory=list)
    open_24_7: bool = False
    free: bool = False
    public: bool = True
    genders: list[str] = field(default_factory=list)  # empty: all genders
    minimum_age: int | None = None
    maximum_age: int | None = None
    languages: list[str] = field(default_factory=list)  # ISO 639-1 codes
    counties: list[str] = field(default_factory=list)  # FIPS served; empty with statewide False: location's county
    statewide: bool = False
    address_1: str = ""
    city: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    confidential: bool = False


LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "vi": "Vietnamese", "zh": "Chinese", "ar": "Arabic",
                  "sw": "Swahili", "bs": "Bosnian", "fr": "French", "ko": "Korean", "ru": "Russian"}


def _facet_codes(data: ServiceInput) -> list[str]:
    codes = list(data.needs)
    if data.open_24_7:
        codes.append(taxonomy.OPEN_24_7)
    if data.free:
        codes.append(taxonomy.FREE)
    if not data.public:
        codes.append(taxonomy.NOT_PUBLIC)
    codes += [f"gender-{g}" for g in data.genders]
    return codes


@transaction.atomic
def service_save(*, acting_user: Any, organization: Organization, data: ServiceInput, service: Service | None = None) -> Service:
    """Create or update a service of ``organization`` with its one physical location."""
    terms = taxonomy.ensure_taxonomies()
    codes = _facet_codes(data)
    unknown = [c for c in codes if c not in terms]
    if unknown:
        raise ValidationError({"needs": f"Unknown terms: {', '.join(unknown)}"})
    if data.minimum_age is not None and data.maximum_age is not None and data.minimum_age > data.maximum_age:
        raise ValidationError({"maximum_age": "The maximum age is below the minimum age."})
    created = service is None
    svc = service or Service(organization=organization)
    for name in ("name", "description", "url", "email", "minimum_age", "maximum_age"):
        setattr(svc, name, getattr(data, name))
    svc.last_modified = timezone.now()
    svc.full_clean()
    svc.save()
    ServiceAttribute.objects.filter(service=svc).exclude(taxonomy_term__code__in=codes).delete()
    have = set(ServiceAttribute.objects.filter(service=svc).values_list("taxonomy_term__code", flat=True))
    for code in codes:
        if code not in have:
            ServiceAttribute.objects.create(service=svc, taxonomy_term=terms[code])
    svc.phones.all().delete()
    if data.phone:
        Phone.objects.create(service=svc, number=data.phone, type="voice")
    svc.languages.all().delete()
    for code in data.languages:
        Language.objects.create(service=svc, code=code, name=LANGUAGE_NAMES.get(code, code))
    # one location (optional: a hotline has none)
    sal = svc.service_at_locations.select_related("location").first()
    if data.address_1 or data.latitude is not None or data.postal_code:
        loc = sal.location if sal else Location(organization=organization, name=data.name)
        loc.latitude, loc.longitude, loc.confidential = data.latitude, data.longitude, data.confidential
        if loc.latitude is None and data.postal_code:
            z = ZipCode.objects.filter(zip=data.postal_code[:5]).first()
            if z:
                loc.latitude, loc.longitude = z.lat, z.lon
        loc.county_id = location_county_fips(loc, data.postal_code)
        loc.save()
        loc.addresses.all().delete()
        if data.address_1:
            Address.objects.create(location=loc, address_1=data.address_1, city=data.city, state_province="MO",
                                   postal_code=data.postal_code, country="US")
        if not sal:
            ServiceAtLocation.objects.create(service=svc, location=loc)
    elif sal:
        sal.delete()
    svc.service_areas.all().delete()
    if data.statewide:
        ServiceArea.objects.create(service=svc, name="Missouri", extent="29", extent_type="text", statewide=True)
    counties = County.objects.in_bulk(data.counties, field_name="fips")
    for fips in data.counties:
        county = counties.get(fips)
        if county is None:
            raise ValidationError({"counties": f"Unknown county {fips}"})
        ServiceArea.objects.create(service=svc, name=f"{county.name}, Missouri", extent=fips, extent_type="text", county=county)
    bump_directory()
    audit.record(actor=acting_user, action=audit.Action.CREATE if created else audit.Action.UPDATE,
                 object_type="hsds_service", object_id=svc.pk, summary=f"directory service {svc.name}")
    return svc


@transaction.atomic
def service_set_status(*, acting_user: Any, service: Service, status: str) -> Service:
    if status not in Service.Status.values:
        raise ValidationError({"status": "Unknown status."})
    service.status = status
    service.last_modified = timezone.now()
    service.save(update_fields=["status", "last_modified"])
    bump_directory()
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="hsds_service", object_id=service.pk,
                 summary=f"status {status}")
    return service


# --- Survivor records ---------------------------------------------------------------------
IDENTITY_FIELDS = ("preferred_name", "legal_name", "date_of_birth", "phone", "email", "address", "notes")


def _clean_needs(needs: list[str]) -> list[str]:
    unknown = [n for n in needs if n not in taxonomy.NEEDS]
    if unknown:
        raise ValidationError({"needs": f"Unknown needs: {', '.join(unknown)}"})
    return sorted(set(needs))


@transaction.atomic
def survivor_create(*, acting_user: Any, preferred_name: str, needs: list[str] | None = None, languages: str = "",
                    county: County | None = None, **identity: str) -> Survivor:
    if acting_user.agency_id is None:
        raise ValidationError(_("Only staff of an agency can record a survivor."))
    if not preferred_name.strip():
        raise ValidationError({"preferred_name": "A name (any name the survivor chooses) is required."})
    bad = set(identity) - set(IDENTITY_FIELDS)
    if bad:
        raise TypeError(f"Unknown fields: {bad}")
    survivor = Survivor(agency_id=acting_user.agency_id, created_by=acting_user, preferred_name=preferred_name.strip(),
                        needs=_clean_needs(needs or []), languages=languages, county=county, **identity)
    survivor.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="survivor", object_id=survivor.pk,
                 summary="survivor record created")
    return survivor


@transaction.atomic
def survivor_update(*, acting_user: Any, survivor: Survivor, **changes: Any) -> Survivor:
    allowed = {*IDENTITY_FIELDS, "needs", "languages", "county"}
    bad = set(changes) - allowed
    if bad:
        raise TypeError(f"Unknown fields: {bad}")
    if "needs" in changes:
        changes["needs"] = _clean_needs(changes["needs"])
    for name, value in changes.items():
        setattr(survivor, name, value)
    survivor.save()
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="survivor", object_id=survivor.pk,
                 summary="survivor record updated", detail={"fields": sorted(changes)})
    return survivor


@transaction.atomic
def goal_add(*, acting_user: Any, survivor: Survivor, description: str, need: str = "",
             target_date: dt.date | None = None) -> Goal:
    goal = Goal(survivor=survivor, description=description, need=need, target_date=target_date)
    goal.full_clean()
    goal.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="survivor_goal", object_id=goal.pk,
                 summary=f"goal for survivor {survivor.pk}")
    return goal


@transaction.atomic
def goal_set_status(*, acting_user: Any, goal: Goal, status: str) -> Goal:
    if status not in Goal.Status.values:
        raise ValidationError({"status": "Unknown status."})
    goal.status = status
    goal.save(update_fields=["status"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="survivor_goal", object_id=goal.pk,
                 summary=f"goal {status}")
    return goal


@transaction.atomic
def service_received_add(*, acting_user: Any, survivor: Survivor, description: str, received_on: dt.date,
                         service: Service | None = None) -> ServiceReceived:
    row = ServiceReceived(survivor=survivor, description=description, received_on=received_on, service=service)
    row.full_clean()
    row.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="survivor_service_received",
                 object_id=row.pk, summary=f"service received by survivor {survivor.pk}")
    return row


# --- Consent ------------------------------------------------------------------------------
@transaction.atomic
def consent_record(*, acting_user: Any, survivor: Survivor, recipient_agency: Agency, fields: list[str], purpose: str,
                   method: str, expires_at: dt.datetime, given_at: dt.datetime | None = None) -> Consent:
    """Record one disclosure consent.  Consent is never a condition of service: nothing requires one."""
    now = timezone.now()
    given = given_at or now
    errors: dict[str, str] = {}
    if not fields:
        errors["fields"] = "Name at least one field the survivor agrees to share."
    elif bad := [f for f in fields if f not in SHAREABLE_FIELDS]:
        errors["fields"] = f"Not shareable: {', '.join(bad)}"
    if method not in Consent.Method.values:
        errors["method"] = "Consent must be written or electronically signed."
    if not purpose.strip():
        errors["purpose"] = "State the purpose of the disclosure."
    if expires_at <= given:
        errors["expires_at"] = "The expiry must be after the consent was given."
    elif expires_at > given + dt.timedelta(days=366):
        errors["expires_at"] = "A consent lasts at most one year; record a new one to renew it."
    if recipient_agency.pk == survivor.agency_id:
        errors["recipient_agency"] = "Consent is for disclosure outside your own agency."
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(survivor=survivor, recipient_agency=recipient_agency, fields=sorted(set(fields)),
                                     purpose=purpose.strip(), method=method, given_at=given, expires_at=expires_at,
                                     recorded_by=acting_user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="survivor_consent", object_id=consent.pk,
                 summary=f"consent to {recipient_agency.name}",
                 detail={"survivor": survivor.pk, "fields": consent.fields, "expires_at": expires_at.isoformat()})
    return consent


@transaction.atomic
def consent_revoke(*, acting_user: Any, consent: Consent, reason: str = "") -> Consent:
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.revoked_reason = reason[:300]
        consent.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="survivor_consent",
                     object_id=consent.pk, summary="consent revoked")
        for referral in consent.referrals.select_related("to_agency"):
            _notify(referral, referral.to_agency, "The survivor's consent for a referral was revoked; shared details are withdrawn.")
    return consent


# --- Referrals ----------------------------------------------------------------------------
def _notify(referral: Referral, agency: Agency, text: str) -> None:
    ReferralNotification.objects.create(agency=agency, referral=referral, text=text)
    if agency.contact_email:
        email, ref_id = agency.contact_email, referral.pk
        transaction.on_commit(lambda: send_referral_email.enqueue(email, ref_id, text))


@transaction.atomic
def referral_create(*, acting_user: Any, survivor: Survivor, service: Service, consent: Consent | None,
                    shared_fields: list[str], message: str = "") -> Referral:
    """Refer a survivor to another agency's service.  Refused without a consent covering the
    receiving agency and every shared field (VAWA 34 U.S.C. 12291(b)(2))."""
    to_agency = service.organization.agency
    if to_agency is None:
        raise ValidationError({"service": "This provider does not take referrals through Beacon; contact it directly."})
    if to_agency.pk == survivor.agency_id:
        raise ValidationError({"service": "This service is run by your own agency: record it in the service plan."})
    if consent is None:
        raise ValidationError({"consent": "A referral needs the survivor's consent to share with the receiving agency."})
    if consent.survivor_id != survivor.pk:
        raise ValidationError({"consent": "That consent belongs to another survivor."})
    if not shared_fields:
        raise ValidationError({"shared_fields": "Choose what to share (at least the preferred name or a contact)."})
    if not consent.covers(to_agency.pk, shared_fields):
        raise ValidationError({"consent": "The consent is not active, or does not cover the receiving agency and every "
                                          "field to share."})
    referral = Referral.objects.create(survivor=survivor, service=service, from_agency_id=survivor.agency_id,
                                       to_agency=to_agency, consent=consent, shared_fields=sorted(set(shared_fields)),
                                       message=message, created_by=acting_user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="referral", object_id=referral.pk,
                 summary=f"referral to {service.name}", detail={"survivor": survivor.pk, "fields": referral.shared_fields})
    _notify(referral, to_agency, f"New referral to {service.name}.")
    return referral


# who may move a referral from which status to which
TRANSITIONS: dict[str, dict[str, str]] = {
    "receiver": {"accepted": "sent", "declined": "sent", "completed": "accepted"},
    "sender": {"withdrawn": "sent|accepted"},
}


@transaction.atomic
def referral_set_status(*, acting_user: Any, referral: Referral, side: str, status: str, reason: str = "") -> Referral:
    allowed_from = TRANSITIONS.get(side, {}).get(status)
    if allowed_from is None or referral.status not in allowed_from.split("|"):
        raise ValidationError({"status": f"A {side} cannot move a referral from {referral.status} to {status}."})
    if status == "declined" and not reason.strip():
        raise ValidationError({"reason": "Give a reason for declining."})
    now = timezone.now()
    referral.status = status
    setattr(referral, f"{status}_at", now)
    if status == "declined":
        referral.decline_reason = reason.strip()[:300]
    referral.save()
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="referral", object_id=referral.pk,
                 summary=f"referral {status}")
    other = referral.from_agency if side == "receiver" else referral.to_agency
    _notify(referral, other, f"Referral to {referral.service.name}: {status}.")
    return referral


@transaction.atomic
def notifications_mark_read(*, acting_user: Any, agency_id: int) -> int:
    return ReferralNotification.objects.filter(agency_id=agency_id, read_at__isnull=True).update(read_at=timezone.now())


# --- HSDS imports uploaded by administrators ----------------------------------------------
ZIP_MAGIC = b"PK\x03\x04"


def hsds_upload_limit() -> int:
    return int(getattr(settings, "BEACON_HSDS_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))


def sniff_hsds_upload(name: str, head: bytes) -> str | None:
    """``"zip"`` or ``"json"`` when the file's first bytes are one *and* its extension agrees."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "zip" and head.startswith(ZIP_MAGIC):
        return "zip"
    if ext == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return None


@transaction.atomic
def directory_import_submit(*, acting_user: Any, upload: Any, agency: Agency | None = None, hsds_version: str = "",
                            request: Any = None) -> DirectoryImport:
    """Store an uploaded HSDS package and queue its import (a background task, after commit).

    Refused with a ``ValidationError`` on ``file``: empty, too large, or not a zip/JSON by content."""
    limit = hsds_upload_limit()
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > limit:
        raise ValidationError({"file": f"The file is larger than {limit // (1024 * 1024)} MB; import it on the "
                                       "server with 'beacon hsds import'."})
    name = (upload.name or "package").replace("\\", "/").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    kind = sniff_hsds_upload(name, upload.read(2048))
    if kind is None:
        raise ValidationError({"file": "Upload a zip of an HSDS data package (datapackage.json and CSV files) or an "
                                       "HSDS JSON file; the file's contents must match its extension."})
    if kind == "zip":
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError({"file": "The zip file cannot be opened; it may be damaged."}) from exc
        if not any(n.lower().endswith((".csv", "datapackage.json")) for n in names):
            raise ValidationError({"file": "The zip holds no datapackage.json and no CSV file."})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = DirectoryImport(original_name=name, size=size, sha256=digest.hexdigest(), hsds_version=hsds_version,
                          agency=agency, uploaded_by=acting_user)
    job.file.save(name, upload, save=False)
    job.save()
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="hsds_import_upload", object_id=job.pk,
                 summary=f"HSDS package uploaded: {name}"[:300], request=request,
                 detail={"sha256": job.sha256, "size": size})
    from .tasks import run_directory_import

    job_id = job.pk
    transaction.on_commit(lambda: run_directory_import.enqueue(job_id))
    return job


def directory_import_run(job_id: int) -> DirectoryImport | None:
    """Run a queued upload's import (the background task).  Idempotent: a finished import is left
    alone, and one interrupted while running is run again (re-importing updates, never duplicates)."""
    from . import hsds_io

    claimed = DirectoryImport.objects.filter(pk=job_id, status__in=[DirectoryImport.Status.QUEUED,
                                                                    DirectoryImport.Status.RUNNING]
                                             ).update(status=DirectoryImport.Status.RUNNING, started_at=timezone.now())
    job = DirectoryImport.objects.select_related("uploaded_by", "agency").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    try:
        report = hsds_io.import_path(Path(job.file.path), acting_user=job.uploaded_by, agency=job.agency,
                                     version=job.hsds_version or None)
    except hsds_io.PackageError as exc:
        job.status, job.error = DirectoryImport.Status.FAILED, f"Nothing imported: {exc}"
    except Exception as exc:  # the page shows a message, the log keeps the traceback
        logger.exception("HSDS import %s failed", job_id)
        job.status = DirectoryImport.Status.FAILED
        job.error = f"Nothing imported: the import failed unexpectedly ({type(exc).__name__})."
    else:
        job.status, job.report, job.summary = DirectoryImport.Status.DONE, report.as_dict(), report.summary()
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "error", "report", "summary", "finished_at"])
        audit.record(actor=job.uploaded_by, action=audit.Action.UPDATE, object_type="hsds_import_upload",
                     object_id=job.pk, summary=f"HSDS import {job.status}: {job.summary or job.error}"[:300],
                     detail={"rejected": len((job.report or {}).get("rejected", []))})
    return job

"""Writes for tips.  Each service is atomic and writes its audit event in the same transaction.

The public submission is recorded with ``actor=None`` and no request, so the audit trail holds
no address, user agent or request id of the reporter.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from beacon.core import audit, geo, ratelimit
from beacon.core.identifiers import identifier_ids
from beacon.core.models import County, TaskForce, User
from beacon.core.selectors import task_forces_covering

from . import passphrases, triage
from . import photos as tip_photos
from .access import visible_tips
from .extract import Candidate, identifiers_in_tip
from .models import Placement, Situation, Status, Tip, TipIdentifier, TipMessage, TipPhoto, TipRoute

NARRATIVE_MIN = 10
NARRATIVE_MAX = 10_000
MESSAGE_MAX = 5_000
REPORTER_MESSAGES_PER_DAY = 20
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
RECEIPT_LENGTH = 10
PASSPHRASE_GROUPS = 6  # six groups of four symbols of 32: 120 random bits (NIST SP 800-63B look-up secret)
FOLLOWUP_MAX_FAILURES = 5
FOLLOWUP_LOCK = timedelta(minutes=30)


def passphrase_matches(passphrase: str, encoded: str) -> bool:
    return passphrases.matches(passphrase, encoded)


def passphrase_hash(passphrase: str) -> str:
    """HMAC-SHA256 under a server key (``tips.passphrases``: a look-up secret, NIST SP 800-63B)."""
    return passphrases.make(passphrase)


# --- Public submission ----------------------------------------------------------------------
@dataclass
class TipInput:
    narrative: str
    occurred: str = ""
    place_text: str = ""
    county_fips: str = ""
    lat: float | None = None
    lon: float | None = None
    situation: str = Situation.UNSURE
    danger: bool | None = None  # None: "I don't know" or not answered (unknown, never No)
    minor: bool | None = None
    indicators: list[str] = field(default_factory=list)
    subjects: dict[str, Any] = field(default_factory=dict)
    language: str = "en"
    contact: str = ""
    honeypot: str = ""


@dataclass(frozen=True)
class Submitted:
    tip: Tip
    receipt_code: str
    passphrase: str  # "" when ``replayed``: only the first answer can show it (only its hash is stored)
    replayed: bool = False  # the idempotency key had already filed this tip: nothing was stored now


def _random_symbols(n: int) -> str:
    """``n`` symbols of the 32-symbol alphabet from one read of the system's random source
    (256 is 8 x 32, so the low five bits of a random byte pick every symbol equally often)."""
    return "".join([RECEIPT_ALPHABET[b & 31] for b in secrets.token_bytes(n)])


def new_receipt_code() -> str:
    return _random_symbols(RECEIPT_LENGTH)


def new_passphrase() -> str:
    symbols = _random_symbols(4 * PASSPHRASE_GROUPS)
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def normalise_code(raw: str) -> str:
    """Upper case without spaces or dashes (the alphabet has no 0/O or 1/I to confuse)."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def normalise_passphrase(raw: str) -> str:
    """The passphrase as issued (groups of four symbols joined by dashes, ``ABCD-EFGH-...``) from
    what a reporter typed: any case, groups separated by spaces, dashes, dots, underscores or
    nothing.  Works for any number of groups.  The alphabet has no 0/O or 1/I, so there is no
    look-alike to map back.  Anything that is not whole groups of four comes back upper-cased
    without separators, so it simply fails to match (and counts as a wrong passphrase)."""
    symbols = normalise_code(raw)
    if not symbols or len(symbols) % 4:
        return symbols
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


IDEMPOTENCY_KEY_MIN = 16
IDEMPOTENCY_KEY_MAX = 200
_IDEMPOTENCY_KEY = re.compile(rf"[\x21-\x7e]{{{IDEMPOTENCY_KEY_MIN},{IDEMPOTENCY_KEY_MAX}}}")


def idempotency_key_ok(key: str) -> bool:
    """16 to 200 visible ASCII characters: long enough that two clients do not pick the same one
    by chance (a UUID or the form's 43-character token), so one reporter never gets another's receipt."""
    return bool(_IDEMPOTENCY_KEY.fullmatch(key or ""))


def idempotency_hash(key: str) -> str:
    """Keyed hash (HMAC-SHA256 under ``SECRET_KEY``) of a submission's idempotency key.

    The key is a random value made by the form or the API client, never something about the
    reporter; only this hash is stored with the tip, so the key cannot be read back from it."""
    return salted_hmac("beacon.tips.idempotency", key.strip()[:IDEMPOTENCY_KEY_MAX], algorithm="sha256").hexdigest()


def submitted_before(idempotency_key: str) -> Submitted | None:
    """The tip this idempotency key already filed, as a receipt without the passphrase."""
    if not idempotency_key.strip():
        return None
    tip = Tip.objects.filter(idempotency_hash=idempotency_hash(idempotency_key)).first()
    if tip is None:
        return None
    return Submitted(tip=tip, receipt_code=tip.receipt_code, passphrase="", replayed=True)


def _known_county(fips: str) -> bool:
    """Whether ``fips`` is a Missouri county: the cached name index first, the database when not in it.

    ``geo.name_index()`` is the process's cache of the 115 counties (rebuilt whenever
    ``geo.load_geography`` runs); a code missing from it is asked of the database, so a cache
    filled before the geography was loaded never refuses a real county.
    """
    fips = fips.strip()
    return fips in geo.name_index().fips or County.objects.filter(fips=fips).exists()


def validate(data: TipInput) -> None:
    """Field-by-field messages for what a form or the API could not catch on its own."""
    errors: dict[str, str] = {}
    text = (data.narrative or "").strip()
    if len(text) < NARRATIVE_MIN:
        errors["narrative"] = _("Tell us what happened in at least %(n)d characters.") % {"n": NARRATIVE_MIN}
    elif len(text) > NARRATIVE_MAX:
        errors["narrative"] = _("Please keep it under %(n)d characters.") % {"n": NARRATIVE_MAX}
    if data.county_fips and not _known_county(data.county_fips):
        errors["county"] = _("That is not a Missouri county.")
    if (data.lat is None) != (data.lon is None):
        errors["lat" if data.lat is None else "lon"] = _("Give both latitude and longitude, or neither.")
    elif data.lat is not None and data.lon is not None:
        if not (math.isfinite(data.lat) and -90 <= data.lat <= 90):
            errors["lat"] = _("Latitude must be between -90 and 90.")
        if not (math.isfinite(data.lon) and -180 <= data.lon <= 180):
            errors["lon"] = _("Longitude must be between -180 and 180.")
    if data.situation not in Situation.values:
        errors["situation"] = _("Choose sex, labor, both or not sure.")
    unknown = [i for i in data.indicators if i not in triage.INDICATORS]
    if unknown:
        errors["indicators"] = _("Unknown indicator: %(codes)s") % {"codes": ", ".join(unknown[:5])}
    if len(data.contact or "") > 500:
        errors["contact"] = _("Please keep contact details under 500 characters.")
    if errors:
        raise ValidationError(errors)


def place(*, county_fips: str, lat: float | None, lon: float | None, place_text: str) -> tuple[str | None, str]:
    """County FIPS of a tip: the picker, else the point (polygon lookup), else the place text.

    A picked county is checked by ``validate``.  The picker and the point need no query (the
    county list and the polygons are cached per process).
    """
    if county_fips:
        return county_fips.strip(), Placement.PICKER
    if lat is not None and lon is not None:
        fips = geo.fips_at_point(lat, lon)
        if fips:
            return fips, Placement.POINT
    if place_text.strip():
        county = geo.resolve_place(place_text)
        if county is not None:
            return county.fips, Placement.PLACE
    return None, Placement.NONE


def route(fips: str | None) -> list[TaskForce]:
    """The task forces covering the county, else the statewide one (``core.selectors.task_forces_covering``)."""
    return task_forces_covering(County(fips=fips) if fips else None)


def link_identifiers(tip: Tip, candidates: list[Candidate], *, skip: set[int] | None = None) -> list[TipIdentifier]:
    """Link the tip to the shared ``core.Identifier`` rows of its candidates, in four queries at most
    (``core.identifiers.identifier_ids``: look-up, insert of the missing, read-back; then the links).
    Identifiers whose id is in ``skip`` (already linked) are not linked again.
    """
    if not candidates:
        return []
    ids = identifier_ids((c.kind, c.value) for c in candidates)
    skip = skip or set()
    return TipIdentifier.objects.bulk_create([
        TipIdentifier(tip=tip, identifier_id=ids[(c.kind, c.value)], source=c.source, raw=c.raw[:300])
        for c in candidates if ids[(c.kind, c.value)] not in skip
    ])


def tip_submit(*, data: TipInput, demo: bool = False, photos: list[tip_photos.CleanPhoto] | None = None,
               idempotency_key: str = "") -> Submitted:
    """Validate, place, route, triage and store a public tip; all before the response is sent.

    ``photos`` come already checked and re-encoded (``photos.prepare``, outside the transaction);
    they are stored encrypted with the tip.

    With an ``idempotency_key`` (the web form's hidden token, the API's ``Idempotency-Key``
    header), a key that already filed a tip returns that tip (``replayed=True``, no passphrase)
    and stores nothing: also when two requests with the same key race (the unique hash decides).
    About eight queries for a picked county and two new identifiers (see docs/tips.md, "Load test").
    """
    before = submitted_before(idempotency_key)
    if before is not None:
        return before
    try:
        return _tip_submit(data=data, demo=demo, photos=photos, idempotency_key=idempotency_key)
    except IntegrityError:
        before = submitted_before(idempotency_key)
        if before is None:
            raise
        return before


@transaction.atomic
def _tip_submit(*, data: TipInput, demo: bool, photos: list[tip_photos.CleanPhoto] | None,
                idempotency_key: str) -> Submitted:
    validate(data)
    fips, placement = place(county_fips=data.county_fips, lat=data.lat, lon=data.lon, place_text=data.place_text)
    forces = route(fips)
    candidates = identifiers_in_tip(narrative=data.narrative, place_text=data.place_text, subjects=data.subjects)
    spam = triage.spam_reason(honeypot=data.honeypot, url_count=sum(c.kind == "url" for c in candidates))
    result = triage.compute(danger=data.danger, minor=data.minor, indicators=data.indicators,
                            identifier_count=len(candidates), spam_reason=spam, narrative=data.narrative)
    # 32**10 codes: no look-up first.  The unique constraint refuses the (never yet seen)
    # collision, the transaction rolls back and the reporter gets an error, not a lost tip.
    code = new_receipt_code()
    passphrase = new_passphrase()
    tip = Tip(
        receipt_code=code,
        passphrase_hash=passphrase_hash(passphrase),
        idempotency_hash=idempotency_hash(idempotency_key) if idempotency_key.strip() else None,
        narrative=data.narrative.strip(),
        occurred=data.occurred.strip()[:200],
        place_text=data.place_text.strip()[:300],
        lat=data.lat, lon=data.lon,
        situation=data.situation, danger=data.danger, minor=data.minor,
        indicators=sorted(set(data.indicators)), subjects=data.subjects,
        language=data.language if data.language in {"en", "es"} else "en",
        contact=data.contact.strip(),
        county_id=fips, placement=placement, routed_at=timezone.now(),
        priority=result.priority, computed_priority=result.priority, priority_reasons=list(result.reasons),
        is_spam=bool(spam), spam_reason=spam[:200], is_demo=demo,
    )
    tip.save(force_insert=True)
    TipRoute.objects.bulk_create([TipRoute(tip=tip, task_force=tf) for tf in forces])
    link_identifiers(tip, candidates)
    stored = tip_photos_add(tip=tip, photos=photos or [])
    audit.record(
        actor=None, action=audit.Action.CREATE, object_type="tip", object_id=tip.pk,
        summary=f"Tip received: P{tip.priority}, routed to {', '.join(tf.name for tf in forces)}",
        detail={"priority": tip.priority, "county": fips, "placement": placement,
                "task_forces": [tf.pk for tf in forces], "spam": bool(spam), "identifiers": len(candidates),
                "photos": [p.pk for p in stored]},
    )
    if tip.priority == 1 and not tip.is_spam:
        from .tasks import notify_supervisors

        tip_id = tip.pk
        transaction.on_commit(lambda: notify_supervisors.enqueue(tip_id))
    return Submitted(tip=tip, receipt_code=code, passphrase=passphrase)


def tip_photos_add(*, tip: Tip, photos: list[tip_photos.CleanPhoto]) -> list[TipPhoto]:
    """Store re-encoded photos encrypted, inside the caller's transaction.

    Django has no on-rollback hook: should the transaction roll back after this, the encrypted
    files stay unreferenced under ``MEDIA_ROOT/tips/`` (unreadable without the field key).
    """
    if len(photos) > tip_photos.MAX_PHOTOS:
        raise ValidationError({"photos": _("A report can have at most %(n)d photos.") % {"n": tip_photos.MAX_PHOTOS}})
    stored = []
    for photo in photos:
        row = TipPhoto(tip=tip, name=photo.name, content_type=photo.content_type, width=photo.width,
                       height=photo.height, size=len(photo.data), sha256=photo.sha256)
        row.file.save("photo", tip_photos.encrypted_file(photo), save=False)
        row.save()
        stored.append(row)
    return stored


# --- Reporter follow-up ---------------------------------------------------------------------
def followup_blocked(request: Any) -> bool:
    """True when this client has used up its wrong-passphrase allowance (``tip_followup``) in this window.

    Only wrong passphrases are counted (``ratelimit.hit`` after a refusal), so a reporter who
    checks and adds information several times is never throttled.
    """
    return ratelimit.blocked(request, "tip_followup")


class FollowupRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "wrong" | "locked"


def tip_for_followup(*, receipt_code: str, passphrase: str) -> Tip:
    """The reporter's tip when code and passphrase match; counts wrong passphrases per receipt.

    Not atomic on purpose: a failed attempt must be counted even though the caller is refused.
    """
    code = normalise_code(receipt_code)
    tip = Tip.objects.filter(receipt_code=code).first() if len(code) == RECEIPT_LENGTH else None
    if tip is None:
        passphrase_matches(passphrase or "", "")  # the same keyed hash whether or not the code exists
        raise FollowupRefused("wrong")
    now = timezone.now()
    if tip.followup_locked_until and tip.followup_locked_until > now:
        raise FollowupRefused("locked")
    given = normalise_passphrase(passphrase)
    if not passphrase_matches(given, tip.passphrase_hash):
        Tip.objects.filter(pk=tip.pk).update(failed_followups=F("failed_followups") + 1)
        tip.refresh_from_db(fields=["failed_followups"])
        locked = tip.failed_followups >= FOLLOWUP_MAX_FAILURES
        if locked:
            Tip.objects.filter(pk=tip.pk).update(followup_locked_until=now + FOLLOWUP_LOCK, failed_followups=0)
        audit.record(actor=None, action=audit.Action.DENIED, object_type="tip", object_id=tip.pk,
                     summary="Wrong follow-up passphrase" + (" (receipt locked)" if locked else ""))
        raise FollowupRefused("locked" if locked else "wrong")
    if tip.failed_followups or tip.followup_locked_until:
        Tip.objects.filter(pk=tip.pk).update(failed_followups=0, followup_locked_until=None)
    if not passphrases.is_current(tip.passphrase_hash):  # PBKDF2 or an older key: re-hash, once
        tip.passphrase_hash = passphrase_hash(given)
        Tip.objects.filter(pk=tip.pk).update(passphrase_hash=tip.passphrase_hash)
    audit.record(actor=None, action=audit.Action.READ, object_type="tip", object_id=tip.pk,
                 summary="Reporter checked the status with the receipt code")
    return tip


@transaction.atomic
def tip_add_reporter_info(*, tip: Tip, body: str) -> TipMessage:
    """Add the reporter's information to their tip: at most ``REPORTER_MESSAGES_PER_DAY`` in 24 hours,
    so a leaked receipt code cannot flood a task force's queue."""
    text = (body or "").strip()
    if not 1 <= len(text) <= MESSAGE_MAX:
        raise ValidationError({"body": _("Write between 1 and %(n)d characters.") % {"n": MESSAGE_MAX}})
    since = timezone.now() - timedelta(days=1)
    if tip.messages.filter(kind=TipMessage.Kind.REPORTER, created_at__gte=since).count() >= REPORTER_MESSAGES_PER_DAY:
        raise ValidationError({"body": _("You have added information %(n)d times today. Please try again tomorrow, "
                                         "or call the hotline if it is urgent.") % {"n": REPORTER_MESSAGES_PER_DAY}})
    message = TipMessage(tip=tip, kind=TipMessage.Kind.REPORTER, body=text)
    message.full_clean()
    message.save()
    # New identifiers in what the reporter added link the tip like the original text does.
    existing = set(tip.tip_identifiers.values_list("identifier_id", flat=True))
    link_identifiers(tip, identifiers_in_tip(narrative=text, place_text="", subjects={}), skip=existing)
    Tip.objects.filter(pk=tip.pk).update(updated_at=timezone.now())
    audit.record(actor=None, action=audit.Action.CREATE, object_type="tip_message", object_id=message.pk,
                 summary=f"Reporter added information to tip #{tip.pk}", detail={"tip": tip.pk})
    return message


# --- Staff ----------------------------------------------------------------------------------
def _changed(tip: Tip, acting_user: User, request: HttpRequest | None, summary: str, detail: dict[str, Any]) -> None:
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="tip", object_id=tip.pk,
                 summary=summary, request=request, detail=detail)


@transaction.atomic
def tip_set_status(*, tip: Tip, status: str, acting_user: User, request: HttpRequest | None = None) -> Tip:
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    old = tip.status
    tip.status = status
    tip.save(update_fields=["status", "updated_at"])
    _changed(tip, acting_user, request, f"Status of tip #{tip.pk}: {old} -> {status}", {"from": old, "to": status})
    return tip


@transaction.atomic
def tip_set_priority(
    *, tip: Tip, priority: int, reason: str, acting_user: User, request: HttpRequest | None = None
) -> Tip:
    """Staff override of the computed priority; a reason is required and kept with the tip."""
    if priority not in (1, 2, 3, 4):
        raise ValidationError({"priority": _("Priority is 1, 2, 3 or 4.")})
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": _("Give a reason for the override.")})
    old = tip.priority
    tip.priority = priority
    tip.override_reason = reason[:500]
    if tip.status == Status.NEW:
        tip.status = Status.TRIAGED
    tip.save(update_fields=["priority", "override_reason", "status", "updated_at"])
    _changed(tip, acting_user, request, f"Priority of tip #{tip.pk}: P{old} -> P{priority}",
             {"from": old, "to": priority, "reason": tip.override_reason})
    return tip


def assignable_users(tip: Tip) -> list[User]:
    """Users who may see the tip (same rule as access) and triage it."""
    from beacon.core.permissions import ROLE_PERMISSIONS, Perm

    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.TRIAGE_TIPS in perms]
    agencies = TipRoute.objects.filter(tip=tip).values("task_force__agencies")
    return list(
        User.objects.filter(is_active=True, agency__in=agencies, roles__role__in=roles)
        .distinct().order_by("username")
    )


@transaction.atomic
def tip_assign(*, tip: Tip, assignee: User | None, acting_user: User, request: HttpRequest | None = None) -> Tip:
    if assignee is not None and not visible_tips(assignee).filter(pk=tip.pk).exists():
        raise ValidationError({"assignee": _("That user cannot see this tip.")})
    tip.assigned_to = assignee
    if assignee is not None and tip.status in {Status.NEW, Status.TRIAGED}:
        tip.status = Status.ASSIGNED
    tip.save(update_fields=["assigned_to", "status", "updated_at"])
    _changed(tip, acting_user, request, f"Tip #{tip.pk} assigned to {assignee.username if assignee else 'nobody'}",
             {"assignee": assignee.pk if assignee else None})
    return tip


@transaction.atomic
def tip_ask_reporter(*, tip: Tip, body: str, acting_user: User, request: HttpRequest | None = None) -> TipMessage:
    """A question the reporter will see when they follow up with the receipt code (and by text, for SMS tips)."""
    text = (body or "").strip()
    if not 3 <= len(text) <= MESSAGE_MAX:
        raise ValidationError({"body": _("Write a question of 3 to %(n)d characters.") % {"n": MESSAGE_MAX}})
    message = TipMessage(tip=tip, kind=TipMessage.Kind.QUESTION, author=acting_user, body=text)
    message.full_clean()
    message.save()
    from .sms import relay_question

    texted = relay_question(tip, text)  # a tip sent by SMS: the question is also texted to the reporter
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="tip_message", object_id=message.pk,
                 summary=f"Question to the reporter of tip #{tip.pk}" + (" (texted)" if texted else ""),
                 request=request, detail={"tip": tip.pk, "sms": texted})
    return message


@transaction.atomic
def tip_mark_spam(
    *, tip: Tip, is_spam: bool, reason: str, acting_user: User, request: HttpRequest | None = None
) -> Tip:
    tip.is_spam = is_spam
    tip.spam_reason = (reason or ("marked by staff" if is_spam else "")).strip()[:200]
    tip.save(update_fields=["is_spam", "spam_reason", "updated_at"])
    _changed(tip, acting_user, request, f"Tip #{tip.pk} {'marked' if is_spam else 'unmarked'} as spam",
             {"spam": is_spam, "reason": tip.spam_reason})
    return tip

"""Records lifecycle (writes): retention policies, legal holds, the retention run, and a
survivor's deletion request.  Each write is atomic with its audit event.

What "anonymise" removes, kind by kind (``docs/operations.md``, "Retention"):

- tips: the narrative, when and where in the reporter's words, the map point, the contact
  details, the structured subjects, every identifier link and every message; kept: county,
  situation, danger/minor flags, indicator codes, priority, status, routing and dates.
- survivor records: every identity field, notes, languages, needs, county, goals and services
  received; the consents (who consented to what, when, revocations) and referrals stay.
- referrals: the note to the receiving organisation and the decline reason.
- ad data: title, text, address, phone, age, images, extracted phones/e-mails/handles/names,
  earlier versions and identifier keys; kept: site, dates, indicator codes, risk, place.
- workshop registrations: name, e-mail (and its blind index), organisation, feedback comments.

A record linked to a case under an active legal hold (tips, and the ads of ad operations
linked to the case) is never purged or anonymised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.cases.models import Case, CaseLink
from beacon.core import audit
from beacon.core.models import Agency
from beacon.monitoring.models import Ad, AdKey, AdVersion
from beacon.survivors.models import Goal, Referral, ServiceReceived, Survivor
from beacon.tips.models import Tip, TipIdentifier, TipMessage
from beacon.training.models import Feedback, Registration

from .models import LegalHold, RecordKind, RetentionAction, RetentionPolicy, Tombstone

CHUNK = 500
REMOVED = "[removed under the retention policy]"
CLOSED_REFERRALS = (Referral.Status.DECLINED, Referral.Status.COMPLETED, Referral.Status.WITHDRAWN)
MAX_DAYS = 36500


# --- Policies -----------------------------------------------------------------------------
@transaction.atomic
def policy_set(*, acting_user: Any, kind: str, days: int, action: str, agency: Agency | None = None,
               request: HttpRequest | None = None) -> RetentionPolicy:
    """Create or change the platform policy of ``kind`` (or, with ``agency``, a provider's own)."""
    if kind not in RecordKind.values:
        raise ValidationError({"kind": f"Unknown kind of record {kind!r}."})
    if action not in RetentionAction.values:
        raise ValidationError({"action": "Choose purge or anonymize."})
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationError({"days": f"Keep records between 1 and {MAX_DAYS} days."})
    if agency is not None and kind != RecordKind.SURVIVORS:
        raise ValidationError({"kind": "Only survivor records have a provider's own retention."})
    policy = RetentionPolicy.objects.select_for_update().filter(kind=kind, agency=agency).first()
    before = {"days": policy.days, "action": policy.action} if policy else None
    policy = policy or RetentionPolicy(kind=kind, agency=agency)
    policy.days, policy.action, policy.updated_by = int(days), action, acting_user
    policy.full_clean(validate_constraints=False)
    policy.save()
    audit.record(actor=acting_user, action=audit.Action.UPDATE if before else audit.Action.CREATE,
                 object_type="retention_policy", object_id=policy.pk,
                 summary=f"retention of {kind}{f' for agency {agency.pk}' if agency else ''}: {days} days, {action}",
                 request=request, detail={"kind": kind, "agency": agency.pk if agency else None, "before": before,
                                          "after": {"days": policy.days, "action": policy.action}})
    return policy


@transaction.atomic
def policy_remove(*, acting_user: Any, kind: str, agency: Agency | None = None,
                  request: HttpRequest | None = None) -> bool:
    """Remove a policy (records of that kind are then kept until a policy is set again)."""
    policy = RetentionPolicy.objects.filter(kind=kind, agency=agency).first()
    if policy is None:
        return False
    audit.record(actor=acting_user, action=audit.Action.DELETE, object_type="retention_policy", object_id=policy.pk,
                 summary=f"retention of {kind} removed", request=request,
                 detail={"kind": kind, "agency": agency.pk if agency else None,
                         "before": {"days": policy.days, "action": policy.action}})
    policy.delete()
    return True


# --- Legal holds --------------------------------------------------------------------------
def active_hold(case: Case) -> LegalHold | None:
    return LegalHold.objects.filter(case=case, cleared_at__isnull=True).first()


@transaction.atomic
def hold_set(*, acting_user: Any, case: Case, reason: str, request: HttpRequest | None = None) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case is under legal hold."})
    if active_hold(case) is not None:
        raise ValidationError(_("The case is already under legal hold."))
    hold = LegalHold.objects.create(case=case, reason=reason[:300], set_by=acting_user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="legal_hold", object_id=hold.pk,
                 summary=f"legal hold set on case {case.pk}", request=request, detail={"case": case.pk})
    return hold


@transaction.atomic
def hold_clear(*, acting_user: Any, case: Case, request: HttpRequest | None = None) -> LegalHold:
    hold = LegalHold.objects.select_for_update().filter(case=case, cleared_at__isnull=True).first()
    if hold is None:
        raise ValidationError(_("The case is not under legal hold."))
    hold.cleared_at, hold.cleared_by = timezone.now(), acting_user
    hold.save(update_fields=["cleared_at", "cleared_by"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="legal_hold", object_id=hold.pk,
                 summary=f"legal hold cleared on case {case.pk}", request=request, detail={"case": case.pk})
    return hold


def _held_links(object_type: str) -> QuerySet[CaseLink]:
    """Links of ``object_type`` from cases under an active legal hold."""
    held = LegalHold.objects.filter(cleared_at__isnull=True).values("case_id")
    return CaseLink.objects.filter(object_type=object_type, case_id__in=held)


# --- Survivor deletion on request ---------------------------------------------------------
def _erase_survivors(ids: list[int]) -> None:
    """Identity and record content gone; consents and referrals (without their notes) kept."""
    Goal.objects.filter(survivor_id__in=ids).delete()
    ServiceReceived.objects.filter(survivor_id__in=ids).delete()
    Referral.objects.filter(survivor_id__in=ids).update(message="")
    # One UPDATE (an empty encrypted field is stored empty, so no row needs encrypting).
    Survivor.objects.filter(pk__in=ids).update(preferred_name="", legal_name="", date_of_birth="", phone="", email="",
                                               address="", notes="", languages="", needs=[], county=None,
                                               updated_at=timezone.now())


def is_erased(survivor: Survivor) -> bool:
    return Tombstone.objects.filter(kind=RecordKind.SURVIVORS, original_id=survivor.pk,
                                    action=Tombstone.Action.ERASED).exists()


@transaction.atomic
def survivor_erase(*, acting_user: Any, survivor: Survivor, request: HttpRequest | None = None) -> Tombstone:
    """The survivor asked to be deleted (VAWA/VOCA): remove identity and record content, keep the
    consent history (recipient, fields, purpose, dates, revocations) under the record number only."""
    if is_erased(survivor):
        raise ValidationError(_("This survivor record was already deleted on request."))
    _erase_survivors([survivor.pk])
    tomb = Tombstone.objects.create(kind=RecordKind.SURVIVORS, original_id=survivor.pk,
                                    action=Tombstone.Action.ERASED)
    consents = survivor.consents.count()
    audit.record(actor=acting_user, action=audit.Action.DELETE, object_type="survivor", object_id=survivor.pk,
                 summary="survivor record deleted on the survivor's request (consent history kept)",
                 request=request, detail={"consents_kept": consents})
    return tomb


# --- The retention run --------------------------------------------------------------------
@dataclass
class KindSpec:
    kind: str
    model: type[Any]
    age_field: str  # the date the retention period counts from
    anonymise: Callable[[list[int]], None]
    scope: Callable[[], Q] = lambda: Q()  # which records the kind covers at all
    held: Callable[[], Q] = lambda: Q(pk__in=[])  # records protected by a legal hold
    before_purge: Callable[[list[int]], None] = lambda ids: None  # rows that would block the delete


def _anonymise_tips(ids: list[int]) -> None:
    TipIdentifier.objects.filter(tip_id__in=ids).delete()
    TipMessage.objects.filter(tip_id__in=ids).delete()
    Tip.objects.filter(pk__in=ids).update(narrative=REMOVED, occurred="", place_text="", contact="", lat=None,
                                          lon=None, subjects={}, updated_at=timezone.now())


def _delete_referrals_of_survivors(ids: list[int]) -> None:
    """A referral protects its consent: a purged survivor's referrals go first."""
    Referral.objects.filter(survivor_id__in=ids).delete()


def _anonymise_referrals(ids: list[int]) -> None:
    Referral.objects.filter(pk__in=ids).update(message="", decline_reason="")


def _anonymise_ads(ids: list[int]) -> None:
    AdVersion.objects.filter(ad_id__in=ids).delete()
    AdKey.objects.filter(ad_id__in=ids).delete()
    Ad.objects.filter(pk__in=ids).update(title="", body=REMOVED, url="", phone="", age="", images=[], phones=[],
                                         emails=[], handles=[], names=[], ages=[], signature=None)


def _anonymise_registrations(ids: list[int]) -> None:
    Feedback.objects.filter(registration_id__in=ids).update(comments="")
    Registration.objects.filter(pk__in=ids).update(
        name="", email="", organisation="", email_index=Concat(Value("anonymised:"), Cast("pk", CharField())))


def _held_ids(object_type: str) -> list[int]:
    """Ids of the ``object_type`` objects linked to a case under an active legal hold (a short list)."""
    return sorted({int(i) for i in _held_links(object_type).values_list("object_id", flat=True) if i.isdigit()})


def _tip_held() -> Q:
    return Q(pk__in=_held_ids("tip"))


def _ad_held() -> Q:
    return Q(operation_id__in=_held_ids("operation"))


SPECS: dict[str, KindSpec] = {
    RecordKind.TIPS: KindSpec(RecordKind.TIPS, Tip, "created_at", _anonymise_tips, held=_tip_held),
    RecordKind.SURVIVORS: KindSpec(RecordKind.SURVIVORS, Survivor, "updated_at", _erase_survivors,
                                   before_purge=_delete_referrals_of_survivors),
    RecordKind.REFERRALS: KindSpec(RecordKind.REFERRALS, Referral, "sent_at", _anonymise_referrals,
                                   scope=lambda: Q(status__in=CLOSED_REFERRALS)),
    RecordKind.ADS: KindSpec(RecordKind.ADS, Ad, "updated_at", _anonymise_ads, held=_ad_held),
    RecordKind.REGISTRATIONS: KindSpec(RecordKind.REGISTRATIONS, Registration, "workshop__ends_at",
                                       _anonymise_registrations),
}


@dataclass
class RunResult:
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {"purged"/"anonymised"/"held": n}

    def total(self) -> int:
        return sum(v for c in self.counts.values() for k, v in c.items() if k != "held")


def _expired(spec: KindSpec, policy: RetentionPolicy, now: dt.datetime, *, cover: Q | None = None) -> QuerySet[Any]:
    """Records of the kind past the policy's days (tombstoned and held ones included: filtered per chunk)."""
    cutoff = now - dt.timedelta(days=policy.days)
    qs = spec.model.objects.filter(spec.scope(), **{f"{spec.age_field}__lt": cutoff})
    return qs.filter(cover) if cover is not None else qs


def _already_done(spec: KindSpec, policy: RetentionPolicy, ids: list[int]) -> set[int]:
    """Which of ``ids`` (ascending) this action already handled: their tombstones, read as one range
    of the unique index on (kind, original_id, action), a plan that holds whatever the statistics say."""
    if policy.action == RetentionAction.PURGE:
        return set()  # a purged record is gone: nothing to skip
    actions = [Tombstone.Action.ANONYMISED, Tombstone.Action.ERASED]
    wanted = set(ids)
    rows = Tombstone.objects.filter(kind=spec.kind, original_id__gte=ids[0], original_id__lte=ids[-1],
                                    action__in=actions).values_list("original_id", flat=True)
    return {i for i in rows if i in wanted}


def _policies(kind: str) -> list[tuple[RetentionPolicy, Q | None]]:
    """The policies of ``kind`` with the records each covers (a provider's own wins for its survivors)."""
    rows = list(RetentionPolicy.objects.filter(kind=kind))
    platform = next((p for p in rows if p.agency_id is None), None)
    own = [p for p in rows if p.agency_id is not None]
    out: list[tuple[RetentionPolicy, Q | None]] = [(p, Q(agency_id=p.agency_id)) for p in own]
    if platform is not None:
        out.append((platform, ~Q(agency_id__in=[p.agency_id for p in own]) if own else None))
    return out


def _apply(spec: KindSpec, policy: RetentionPolicy, ids: list[int]) -> None:
    action = Tombstone.Action.PURGED if policy.action == RetentionAction.PURGE else Tombstone.Action.ANONYMISED
    Tombstone.objects.bulk_create(
        [Tombstone(kind=spec.kind, original_id=i, action=action, policy=policy, policy_days=policy.days)
         for i in ids], ignore_conflicts=True)
    if policy.action == RetentionAction.PURGE:
        spec.before_purge(ids)
        spec.model.objects.filter(pk__in=ids).delete()
    else:
        spec.anonymise(ids)


def run_retention(*, dry_run: bool = False, now: dt.datetime | None = None, chunk: int = CHUNK,
                  kinds: list[str] | None = None, progress: Callable[[str, int, int], None] | None = None) -> RunResult:
    """Purge or anonymise every expired record, ``chunk`` records per transaction.

    Idempotent: a record already handled has a tombstone and is skipped.  One audit event per
    run (``retention_run``) with the counts; a dry run walks the same chunks, changes nothing
    and counts what would go.
    """
    now = now or timezone.now()
    result = RunResult(dry_run=dry_run)
    for kind in kinds or list(SPECS):
        spec = SPECS[kind]
        counts = result.counts.setdefault(kind, {"purged": 0, "anonymised": 0, "held": 0})
        for policy, cover in _policies(kind):
            verb = "purged" if policy.action == RetentionAction.PURGE else "anonymised"
            expired = _expired(spec, policy, now, cover=cover)
            held = spec.held()
            total = expired.count()
            scanned, last = 0, 0
            # Keyset chunks along the primary key: each query starts after the last id seen and
            # stops at ``chunk`` (no anti-join over the tombstones, whose size grows as it runs).
            while True:
                with transaction.atomic():
                    ids = list(expired.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
                    if not ids:
                        break
                    last = ids[-1]
                    kept = set(spec.model.objects.filter(held, pk__in=ids).values_list("pk", flat=True))
                    done = _already_done(spec, policy, ids)
                    todo = [i for i in ids if i not in kept and i not in done]
                    if todo and not dry_run:
                        _apply(spec, policy, todo)
                counts["held"] += len(kept)
                counts[verb] += len(todo)
                scanned += len(ids)
                if progress:
                    progress(kind, scanned, total)
    with transaction.atomic():
        audit.record(actor=None, action=audit.Action.READ if dry_run else audit.Action.DELETE,
                     object_type="retention_run", summary=f"retention {'dry run' if dry_run else 'run'}: "
                     f"{result.total()} record(s) {'would be ' if dry_run else ''}handled",
                     detail={"dry_run": dry_run, "counts": result.counts, "at": now.isoformat()})
    return result

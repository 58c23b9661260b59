"""Retention: expiry, purge and anonymisation with tombstones, legal holds, audit, idempotence,
provider retention and deletion on a survivor's request."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.core.models import AuditEvent
from beacon.monitoring.models import Ad, AdVersion, Operation
from beacon.records import retention, tasks
from beacon.records.models import LegalHold, RecordKind, RetentionPolicy, Tombstone
from beacon.survivors import services as survivor_services
from beacon.survivors.models import Consent, Goal, Referral, Survivor
from beacon.tips.models import Tip, TipIdentifier, TipMessage
from beacon.training.models import Registration, Workshop

from .conftest import ST_LOUIS_CITY, refer

PHONE_TEXT = "He said to call 816-555-0101 and the car had plate MO ABC 1234."


def policy(kind: str, days: int, action: str, actor: Any = None, agency: Any = None) -> RetentionPolicy:
    return retention.policy_set(acting_user=actor, kind=kind, days=days, action=action, agency=agency)


def runs() -> Any:
    return AuditEvent.objects.filter(object_type="retention_run")


# --- Tips ---------------------------------------------------------------------------------
def test_expired_tips_are_anonymised_and_recent_ones_kept(world: Any, make_tip: Any) -> None:
    old = make_tip(PHONE_TEXT, age_days=40, contact="call me at 573-555-0199", place_text="Motel 6 on Main St")
    new = make_tip(PHONE_TEXT, age_days=5, contact="my e-mail: me@example.org")
    assert TipIdentifier.objects.filter(tip=old).exists()
    policy(RecordKind.TIPS, 30, "anonymise")

    result = retention.run_retention()

    assert result.counts["tips"] == {"purged": 0, "anonymised": 1, "held": 0}
    old.refresh_from_db()
    assert old.narrative == retention.REMOVED
    assert (old.contact, old.place_text, old.occurred, old.subjects, old.lat) == ("", "", "", {}, None)
    assert not TipIdentifier.objects.filter(tip=old).exists()
    assert old.county_id is not None and old.priority  # statistics stay
    new.refresh_from_db()
    assert new.narrative == PHONE_TEXT and new.contact == "my e-mail: me@example.org"
    assert TipIdentifier.objects.filter(tip=new).exists()
    tomb = Tombstone.objects.get(kind="tips")
    assert (tomb.original_id, tomb.action, tomb.policy_days) == (old.pk, "anonymised", 30)


def test_purge_deletes_and_leaves_a_tombstone_without_personal_data(world: Any, make_tip: Any) -> None:
    old = make_tip(PHONE_TEXT, age_days=40, contact="call me at 573-555-0199")
    TipMessage.objects.create(tip=old, kind="reporter", body="More: her name is Jane")
    pol = policy(RecordKind.TIPS, 30, "purge")

    retention.run_retention()

    assert not Tip.objects.filter(pk=old.pk).exists()
    assert not TipMessage.objects.filter(body__contains="Jane").exists()
    tomb = Tombstone.objects.get(kind="tips", original_id=old.pk)
    assert (tomb.action, tomb.policy_id) == ("purged", pol.pk)
    fields = {f.name for f in Tombstone._meta.concrete_fields}
    assert fields == {"id", "kind", "original_id", "action", "purged_at", "policy", "policy_days"}


def test_one_audit_row_per_run_with_the_counts(world: Any, make_tip: Any) -> None:
    make_tip(age_days=40)
    make_tip(age_days=41)
    policy(RecordKind.TIPS, 30, "purge")

    retention.run_retention(chunk=1)  # two chunks, one run

    assert runs().count() == 1
    event = runs().get()
    assert event.action == "delete" and event.actor is None
    assert event.detail["counts"]["tips"]["purged"] == 2
    assert event.detail["dry_run"] is False


def test_a_re_run_is_idempotent(world: Any, make_tip: Any) -> None:
    old = make_tip(PHONE_TEXT, age_days=40)
    policy(RecordKind.TIPS, 30, "anonymise")
    retention.run_retention()
    Tip.objects.filter(pk=old.pk).update(narrative="changed by hand")  # would be wiped again if re-processed

    second = retention.run_retention()

    assert second.total() == 0
    assert Tombstone.objects.count() == 1
    assert Tip.objects.get(pk=old.pk).narrative == "changed by hand"
    assert runs().count() == 2


def test_dry_run_changes_nothing_but_counts(world: Any, make_tip: Any) -> None:
    old = make_tip(PHONE_TEXT, age_days=40)
    policy(RecordKind.TIPS, 30, "purge")

    result = retention.run_retention(dry_run=True)

    assert result.counts["tips"]["purged"] == 1
    assert Tip.objects.filter(pk=old.pk).exists() and not Tombstone.objects.exists()
    assert runs().get().detail["dry_run"] is True


def test_no_policy_keeps_everything(world: Any, make_tip: Any) -> None:
    make_tip(age_days=4000)
    assert retention.run_retention().total() == 0
    assert Tip.objects.count() == 1


# --- Legal hold ---------------------------------------------------------------------------
def test_a_legal_hold_on_a_case_protects_its_linked_tips(world: Any, make_tip: Any, make_case: Any) -> None:
    held_tip = make_tip(PHONE_TEXT, age_days=40)
    free_tip = make_tip(age_days=40)
    case = make_case(world.kc_sup)
    case_services.case_link_source(case=case, acting_user=world.kc_sup, object_type="tip", object_id=str(held_tip.pk))
    retention.hold_set(acting_user=world.kc_sup, case=case, reason="Subpoena 2026-17")
    policy(RecordKind.TIPS, 30, "purge")

    result = retention.run_retention()

    assert result.counts["tips"] == {"purged": 1, "anonymised": 0, "held": 1}
    assert Tip.objects.filter(pk=held_tip.pk).exists()
    assert not Tip.objects.filter(pk=free_tip.pk).exists()
    assert not Tombstone.objects.filter(original_id=held_tip.pk).exists()

    retention.hold_clear(acting_user=world.kc_sup, case=case)
    retention.run_retention()
    assert not Tip.objects.filter(pk=held_tip.pk).exists()


def test_hold_set_and_clear_are_audited_and_validated(world: Any, make_case: Any) -> None:
    case = make_case(world.kc_sup)
    with pytest.raises(ValidationError):
        retention.hold_set(acting_user=world.kc_sup, case=case, reason="  ")
    hold = retention.hold_set(acting_user=world.kc_sup, case=case, reason="Litigation")
    with pytest.raises(ValidationError):
        retention.hold_set(acting_user=world.kc_sup, case=case, reason="again")
    retention.hold_clear(acting_user=world.kc_sup, case=case)
    with pytest.raises(ValidationError):
        retention.hold_clear(acting_user=world.kc_sup, case=case)
    events = AuditEvent.objects.filter(object_type="legal_hold", object_id=str(hold.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]
    assert LegalHold.objects.get(pk=hold.pk).cleared_by == world.kc_sup


def test_hold_page_for_supervisors_who_see_the_case(world: Any, make_case: Any, staff_client: Any) -> None:
    case = make_case(world.kc_inv)
    client, _ = staff_client(user=world.kc_sup)
    url = f"/staff/records/holds/{case.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Preservation letter"})
    assert response.status_code == 302
    assert LegalHold.objects.get(case=case, cleared_at__isnull=True).set_by == world.kc_sup
    assert "Preservation letter" in client.get("/staff/records/holds/").content.decode()
    # A supervisor of another task force does not see the case: 404 and a denied row, nothing changed.
    other, _ = staff_client(user=world.stl_sup)
    assert other.post(url, {"clear": "1"}).status_code == 404
    assert AuditEvent.objects.filter(actor=world.stl_sup, action="denied", object_type="case").exists()
    assert LegalHold.objects.filter(case=case, cleared_at__isnull=True).exists()
    # An investigator may not set or clear holds.
    inv, _ = staff_client(user=world.kc_inv)
    assert inv.post(url, {"clear": "1"}).status_code == 403
    client.post(url, {"clear": "1"})
    assert not LegalHold.objects.filter(case=case, cleared_at__isnull=True).exists()


# --- Ads, referrals, registrations -------------------------------------------------------
def _ad(n: int, *, age_days: int, operation: Operation | None = None) -> Ad:
    ad = Ad.objects.create(site="example", external_id=str(n), content_hash=f"h{n}", body="Call Candy 816-555-0101",
                           title="New in town", phone="816-555-0101", phones=["+18165550101"], names=["Candy"],
                           operation=operation)
    AdVersion.objects.create(ad=ad, version=1, content={"body": "older text"})
    Ad.objects.filter(pk=ad.pk).update(updated_at=timezone.now() - dt.timedelta(days=age_days))
    return ad


def test_ad_data_is_anonymised_unless_its_operation_feeds_a_held_case(world: Any, make_case: Any) -> None:
    op = Operation.objects.create(key="op-held")
    held, free, recent = _ad(1, age_days=100, operation=op), _ad(2, age_days=100), _ad(3, age_days=1)
    case = make_case(world.kc_sup)
    case_services.case_link_source(case=case, acting_user=world.kc_sup, object_type="operation", object_id=str(op.pk))
    retention.hold_set(acting_user=world.kc_sup, case=case, reason="Trial")
    policy(RecordKind.ADS, 90, "anonymise")

    result = retention.run_retention()

    assert result.counts["ads"] == {"purged": 0, "anonymised": 1, "held": 1}
    free.refresh_from_db()
    assert (free.body, free.phone, free.phones, free.names) == (retention.REMOVED, "", [], [])
    assert not AdVersion.objects.filter(ad=free).exists()
    for ad in (held, recent):
        ad.refresh_from_db()
        assert ad.phone == "816-555-0101"


def test_only_closed_referrals_expire(survivors: Any) -> None:
    open_ref = refer(survivors, message="Call her after 5pm")
    closed = refer(survivors, message="Met her at the clinic")
    Referral.objects.filter(pk=closed.pk).update(status="completed")
    Referral.objects.update(sent_at=timezone.now() - dt.timedelta(days=400))
    policy(RecordKind.REFERRALS, 365, "anonymise")

    retention.run_retention()

    assert Referral.objects.get(pk=closed.pk).message == ""
    assert Referral.objects.get(pk=open_ref.pk).message == "Call her after 5pm"


def test_workshop_registrations_are_purged_after_the_session(mo: Any, user_factory: Any) -> None:
    trainer = user_factory("trainer")
    now = timezone.now()
    past = Workshop.objects.create(title="Past", audience="community", starts_at=now - dt.timedelta(days=50),
                                   ends_at=now - dt.timedelta(days=50) + dt.timedelta(hours=2), county_id="29019",
                                   capacity=10, trainer=trainer)
    future = Workshop.objects.create(title="Future", audience="community", starts_at=now + dt.timedelta(days=5),
                                     ends_at=now + dt.timedelta(days=5, hours=2), county_id="29019", capacity=10,
                                     trainer=trainer)
    for w in (past, future):
        Registration.objects.create(workshop=w, name="Pat Learner", email="pat@example.org", email_index=f"x{w.pk}",
                                    status="confirmed", created_at=now)
    policy(RecordKind.REGISTRATIONS, 30, "purge")

    retention.run_retention()

    assert list(Registration.objects.values_list("workshop_id", flat=True)) == [future.pk]


# --- Survivor records ---------------------------------------------------------------------
def test_survivor_deletion_on_request_keeps_the_consent_history(survivors: Any) -> None:
    s = survivors
    referral = refer(s, fields=("preferred_name", "phone"))
    consent = referral.consent
    survivor_services.consent_revoke(acting_user=s.advocate, consent=consent, reason="Survivor asked")
    survivor_services.goal_add(acting_user=s.advocate, survivor=s.survivor, description="Find housing near Rosa's sister")

    retention.survivor_erase(acting_user=s.advocate, survivor=s.survivor)

    survivor = Survivor.objects.get(pk=s.survivor.pk)
    identity = [survivor.preferred_name, survivor.legal_name, survivor.date_of_birth, survivor.phone, survivor.email,
                survivor.address, survivor.notes, survivor.languages]
    assert identity == [""] * 8 and survivor.needs == [] and survivor.county is None
    assert not Goal.objects.filter(survivor=survivor).exists()
    kept = Consent.objects.get(pk=consent.pk)  # who consented (record number) to what, when, revoked
    assert (kept.survivor_id, kept.recipient_agency_id, kept.fields) == (survivor.pk, s.theirs.pk,
                                                                        ["phone", "preferred_name"])
    assert kept.revoked_at is not None and kept.given_at is not None and kept.purpose == "Legal help"
    assert Referral.objects.get(pk=referral.pk).message == ""
    assert Tombstone.objects.filter(kind="survivors", original_id=survivor.pk, action="erased").exists()
    event = AuditEvent.objects.get(object_type="survivor", action="delete", object_id=str(survivor.pk))
    assert event.detail == {"consents_kept": 1}
    with pytest.raises(ValidationError):
        retention.survivor_erase(acting_user=s.advocate, survivor=survivor)


def test_survivor_deletion_page_behind_the_survivor_door(survivors: Any, staff_client: Any) -> None:
    s = survivors
    url = f"/staff/records/survivors/{s.survivor.pk}/delete/"
    other, _ = staff_client(user=s.receiver)  # an advocate of another agency
    assert other.post(url, {"confirm": "delete"}).status_code == 404
    assert Survivor.objects.get(pk=s.survivor.pk).preferred_name == "Rosa"
    client, _ = staff_client(user=s.advocate)
    assert client.post(url, {"confirm": "no"}).status_code == 200  # not confirmed: nothing deleted
    assert Survivor.objects.get(pk=s.survivor.pk).preferred_name == "Rosa"
    assert client.post(url, {"confirm": "delete"}).status_code == 302
    assert Survivor.objects.get(pk=s.survivor.pk).preferred_name == ""
    assert 'data-testid="erased"' in client.get(url).content.decode()


def test_the_providers_own_retention_wins_for_its_survivors(survivors: Any, agency_factory: Any,
                                                           user_factory: Any) -> None:
    s = survivors
    other_ngo = agency_factory("ngo", name="Other NGO")
    other_adv = user_factory("advocate", agency=other_ngo)
    theirs = survivor_services.survivor_create(acting_user=other_adv, preferred_name="Lena")
    Survivor.objects.update(updated_at=timezone.now() - dt.timedelta(days=20))
    policy(RecordKind.SURVIVORS, 1000, "purge")
    policy(RecordKind.SURVIVORS, 10, "anonymise", actor=s.advocate, agency=s.ours)

    retention.run_retention()

    assert Survivor.objects.get(pk=s.survivor.pk).preferred_name == ""
    assert Survivor.objects.get(pk=theirs.pk).preferred_name == "Lena"


def test_purging_a_survivor_record_removes_its_consents_and_referrals(survivors: Any) -> None:
    referral = refer(survivors)
    Survivor.objects.update(updated_at=timezone.now() - dt.timedelta(days=20))
    policy(RecordKind.SURVIVORS, 10, "purge")

    retention.run_retention()

    assert not Survivor.objects.exists() and not Referral.objects.filter(pk=referral.pk).exists()
    assert Tombstone.objects.filter(kind="survivors", action="purged").count() == 1


def test_provider_policy_page(survivors: Any, staff_client: Any) -> None:
    client, _ = staff_client(user=survivors.advocate)
    response = client.post("/staff/records/retention/provider/", {"survivors_days": "400",
                                                                  "survivors_action": "anonymise"})
    assert response.status_code == 302
    pol = RetentionPolicy.objects.get(agency=survivors.ours)
    assert (pol.kind, pol.days, pol.action) == ("survivors", 400, "anonymise")
    assert AuditEvent.objects.filter(object_type="retention_policy", actor=survivors.advocate).exists()


# --- Policies page, command, task ---------------------------------------------------------
def test_admin_sets_policies_on_the_page_audited(world: Any, staff_client: Any) -> None:
    client, admin = staff_client(user=world.admin)
    assert client.get("/staff/records/retention/").status_code == 200
    data = {f"{k}_action": "anonymise" for k in RecordKind.values}
    data.update({"tips_days": "365", "ads_days": "90", "ads_action": "purge"})
    assert client.post("/staff/records/retention/", data).status_code == 302
    assert {(p.kind, p.days, p.action) for p in RetentionPolicy.objects.all()} == {
        ("tips", 365, "anonymise"), ("ads", 90, "purge")}
    assert AuditEvent.objects.filter(object_type="retention_policy", actor=admin, action="create").count() == 2
    # Bad input: a clear message, nothing saved.
    data["tips_days"] = "0"
    response = client.post("/staff/records/retention/", data)
    assert response.status_code == 200 and RetentionPolicy.objects.get(kind="tips").days == 365
    # Emptying the days removes the policy (audited).
    data["tips_days"] = ""
    client.post("/staff/records/retention/", data)
    assert not RetentionPolicy.objects.filter(kind="tips").exists()
    assert AuditEvent.objects.filter(object_type="retention_policy", action="delete").count() == 1


def test_policy_validation(world: Any) -> None:
    for kwargs in ({"kind": "nope", "days": 5, "action": "purge"}, {"kind": "tips", "days": 0, "action": "purge"},
                   {"kind": "tips", "days": 5, "action": "shred"},
                   {"kind": "tips", "days": 5, "action": "purge", "agency": world.kc}):
        with pytest.raises(ValidationError):
            retention.policy_set(acting_user=world.admin, **kwargs)
    assert not RetentionPolicy.objects.exists()


def test_the_command_runs_and_reports(world: Any, make_tip: Any) -> None:
    make_tip(age_days=40)
    policy(RecordKind.TIPS, 30, "purge")
    out = StringIO()
    call_command("retention", "run", "--dry-run", stdout=out)
    assert "tips: 1 would be purged" in out.getvalue() and Tip.objects.count() == 1
    out = StringIO()
    call_command("retention", "run", "--no-progress", stdout=out)
    assert "tips: 1 were purged" in out.getvalue() and Tip.objects.count() == 0


def test_the_daily_task_runs_retention(world: Any, make_tip: Any) -> None:
    make_tip(age_days=40, county=ST_LOUIS_CITY)
    policy(RecordKind.TIPS, 30, "purge")
    result = tasks.retention_daily.enqueue(reschedule=True)  # the immediate backend in tests: runs now
    assert result.return_value["counts"]["tips"]["purged"] == 1
    assert not Tip.objects.exists()
    assert tasks.schedule_next() is None  # the immediate backend cannot defer: nothing re-enqueued


def test_next_run_is_the_coming_3am() -> None:
    tz = timezone.get_current_timezone()
    assert tasks.next_run(dt.datetime(2026, 5, 1, 2, 0, tzinfo=tz)) == dt.datetime(2026, 5, 1, 3, 0, tzinfo=tz)
    assert tasks.next_run(dt.datetime(2026, 5, 1, 3, 0, tzinfo=tz)) == dt.datetime(2026, 5, 2, 3, 0, tzinfo=tz)


def test_anonymised_registrations_lose_name_and_email_and_keep_the_counts(mo: Any, user_factory: Any) -> None:
    trainer = user_factory("trainer")
    start = timezone.now() - dt.timedelta(days=50)
    past = Workshop.objects.create(title="Past", audience="community", starts_at=start,
                                   ends_at=start + dt.timedelta(hours=2), county_id="29019", capacity=10,
                                   trainer=trainer)
    for n in (1, 2):  # two active registrations of one workshop: their new blind indexes must differ
        Registration.objects.create(workshop=past, name=f"Learner {n}", email=f"l{n}@example.org",
                                    email_index=f"idx{n}", organisation="Clinic", status="confirmed",
                                    created_at=start, attended=True)
    policy(RecordKind.REGISTRATIONS, 30, "anonymise")

    retention.run_retention()

    regs = list(Registration.objects.filter(workshop=past).order_by("pk"))
    assert [(r.name, r.email, r.organisation, r.attended) for r in regs] == [("", "", "", True)] * 2
    assert [r.email_index for r in regs] == [f"anonymised:{r.pk}" for r in regs]


def test_the_records_page_lists_what_the_role_may_do(world: Any, survivors: Any, staff_client: Any) -> None:
    admin, _ = staff_client(user=world.admin)
    page = admin.get("/staff/records/").content.decode()
    assert "/staff/records/retention/" in page and "/staff/records/holds/" not in page
    sup, _ = staff_client(user=world.kc_sup)
    page = sup.get("/staff/records/").content.decode()
    assert "/staff/records/holds/" in page and "/staff/search/" in page and "/staff/records/retention/" not in page
    assert sup.get("/staff/records/holds/", {"case": "#42"})["Location"] == "/staff/records/holds/42/"
    adv, _ = staff_client(user=survivors.advocate)
    assert "/staff/records/retention/provider/" in adv.get("/staff/records/").content.decode()
    detail = adv.get(f"/staff/survivors/records/{survivors.survivor.pk}/").content.decode()
    assert f"/staff/records/survivors/{survivors.survivor.pk}/delete/" in detail


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_schedule_is_safe_to_run_on_every_start() -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        first, second = StringIO(), StringIO()
        call_command("retention", "schedule", stdout=first)
        call_command("retention", "schedule", stdout=second)  # exit 0: the waiting run is kept
    assert "Next retention run:" in first.getvalue() and "already scheduled" not in first.getvalue()
    assert "already scheduled" in second.getvalue()
    assert first.getvalue().split(":", 1)[1].split("(")[0].strip() == \
        second.getvalue().split(":", 1)[1].split("(")[0].strip()
    assert DBTaskResult.objects.filter(task_path=tasks.NAME, status="READY").count() == 1


@pytest.mark.django_db
def test_a_failed_daily_run_still_queues_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    def broken(**_: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "run_retention", broken)
    with override_settings(TASKS=DB_TASKS), pytest.raises(RuntimeError):
        tasks.retention_daily.call(reschedule=True)
    assert DBTaskResult.objects.filter(task_path=tasks.NAME, status="READY").count() == 1

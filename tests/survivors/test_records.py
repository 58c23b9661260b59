from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from beacon.core.models import Agency, AuditEvent
from beacon.survivors import selectors, services
from beacon.survivors.access import access_survivor
from beacon.survivors.models import Consent, Referral, ReferralNotification, Service, Survivor


@pytest.fixture
def world(mo: Any, agency_factory: Callable[..., Agency], user_factory: Callable[..., Any],
          provider: Callable[..., Service]) -> dict[str, Any]:
    ours = agency_factory("ngo", name="Our NGO", county="29019")
    theirs = agency_factory("ngo", name="Their NGO", county="29095")
    advocate = user_factory("advocate", agency=ours)
    receiver = user_factory("advocate", agency=theirs)
    service = provider("Their legal clinic", agency=theirs, needs=["legal", "immigration"])
    survivor = services.survivor_create(acting_user=advocate, preferred_name="Rosa", legal_name="Rosa Example",
                                        phone="555-0199", date_of_birth="1999-02-03", needs=["legal", "shelter"])
    return {"ours": ours, "theirs": theirs, "advocate": advocate, "receiver": receiver, "service": service,
            "survivor": survivor}


def consent(w: dict[str, Any], fields: list[str], *, agency: Agency | None = None, days: int = 30) -> Consent:
    return services.consent_record(acting_user=w["advocate"], survivor=w["survivor"],
                                   recipient_agency=agency or w["theirs"], fields=fields, purpose="Legal help",
                                   method="written", expires_at=timezone.now() + dt.timedelta(days=days))


def test_identity_fields_are_encrypted_at_rest(world: dict[str, Any]) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT legal_name, phone, preferred_name FROM survivors_survivor WHERE id = %s", [world["survivor"].pk])
        raw = cur.fetchone()
    assert all(v.startswith("fernet:") for v in raw)
    assert "Rosa Example" not in "".join(raw)
    assert Survivor.objects.get(pk=world["survivor"].pk).legal_name == "Rosa Example"


def test_key_rotation_keeps_every_record_readable(world: dict[str, Any], settings: Any) -> None:
    sid = world["survivor"].pk
    with connection.cursor() as cur:
        cur.execute("SELECT legal_name FROM survivors_survivor WHERE id = %s", [sid])
        before = cur.fetchone()[0]
    new_key = Fernet.generate_key().decode()
    settings.BEACON_FIELD_KEYS = [new_key, *settings.BEACON_FIELD_KEYS]
    call_command("keys", "rotate", stdout=StringIO())
    with connection.cursor() as cur:
        cur.execute("SELECT legal_name FROM survivors_survivor WHERE id = %s", [sid])
        after = cur.fetchone()[0]
    assert after != before
    settings.BEACON_FIELD_KEYS = [new_key]  # the old key is gone: everything still reads
    s = Survivor.objects.get(pk=sid)
    assert (s.legal_name, s.phone, s.date_of_birth) == ("Rosa Example", "555-0199", "1999-02-03")


@pytest.mark.parametrize("role,kind", [("investigator", "law_enforcement"), ("supervisor", "prosecutor"),
                                       ("advocate", "law_enforcement"), ("advocate", "federal")])
def test_law_enforcement_gets_404_or_403(world: dict[str, Any], staff_client: Any, role: str, kind: str) -> None:
    client, user = staff_client(role, kind=kind)
    response = client.get(f"/staff/survivors/records/{world['survivor'].pk}/")
    assert response.status_code in (403, 404)
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
    assert not AuditEvent.objects.filter(actor=user, action="read", object_type="survivor").exists()


def test_advocate_of_another_agency_gets_404_and_denied_audit(world: dict[str, Any], staff_client: Any) -> None:
    client, user = staff_client(user=world["receiver"])
    response = client.get(f"/staff/survivors/records/{world['survivor'].pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="survivor",
                                     object_id=str(world["survivor"].pk)).exists()
    before = Consent.objects.count()
    response = client.post(f"/staff/survivors/records/{world['survivor'].pk}/consents/", {"purpose": "x"})
    assert response.status_code == 404 and Consent.objects.count() == before


def test_every_read_is_audited(world: dict[str, Any], staff_client: Any) -> None:
    client, user = staff_client(user=world["advocate"])
    response = client.get(f"/staff/survivors/records/{world['survivor'].pk}/")
    assert response.status_code == 200 and "Rosa Example" in response.content.decode()
    assert "Consent is never a condition of service" in response.content.decode()
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="survivor",
                                     object_id=str(world["survivor"].pk)).count() == 1
    client.get("/staff/survivors/records/")
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="survivor_list").exists()


def test_plan_goals_and_services_received(world: dict[str, Any], staff_client: Any) -> None:
    client, _ = staff_client(user=world["advocate"])
    sid = world["survivor"].pk
    client.post(f"/staff/survivors/records/{sid}/goals/", {"description": "Safe housing", "need": "shelter"})
    goal = world["survivor"].goals.get()
    client.post(f"/staff/survivors/records/{sid}/goals/{goal.pk}/", {"status": "met"})
    client.post(f"/staff/survivors/records/{sid}/received/", {"description": "Legal consult", "received_on": "2026-01-05"})
    goal.refresh_from_db()
    assert goal.status == "met"
    assert world["survivor"].services_received.get().description == "Legal consult"
    assert AuditEvent.objects.filter(object_type="survivor_goal", action="update").exists()


def test_referral_without_consent_is_refused(world: dict[str, Any], staff_client: Any) -> None:
    with pytest.raises(ValidationError):
        services.referral_create(acting_user=world["advocate"], survivor=world["survivor"], service=world["service"],
                                 consent=None, shared_fields=["preferred_name"])
    client, _ = staff_client(user=world["advocate"])
    response = client.post(f"/staff/survivors/records/{world['survivor'].pk}/refer/",
                           {"service": world["service"].pk, "shared_fields": ["preferred_name"]})
    assert response.status_code == 400 and Referral.objects.count() == 0


def test_consent_must_cover_agency_and_every_field(world: dict[str, Any], agency_factory: Any) -> None:
    other = agency_factory("ngo", name="Someone else")
    c_other = consent(world, ["preferred_name", "phone"], agency=other)
    c_narrow = consent(world, ["preferred_name"])
    for c, fields in ((c_other, ["preferred_name"]), (c_narrow, ["preferred_name", "phone"])):
        with pytest.raises(ValidationError):
            services.referral_create(acting_user=world["advocate"], survivor=world["survivor"], service=world["service"],
                                     consent=c, shared_fields=fields)
    assert Referral.objects.count() == 0


def test_receiver_sees_only_consented_fields_until_revoked(world: dict[str, Any], staff_client: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    c = consent(world, ["preferred_name", "phone", "needs"])
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(acting_user=world["advocate"], survivor=world["survivor"],
                                            service=world["service"], consent=c, shared_fields=["preferred_name", "phone"])
    assert ReferralNotification.objects.filter(agency=world["theirs"], referral=referral).exists()
    assert len(mail.outbox) == 1 and "Rosa" not in mail.outbox[0].body
    client, receiver = staff_client(user=world["receiver"])
    html = client.get(f"/staff/survivors/referrals/{referral.pk}/").content.decode()
    assert "Rosa" in html and "555-0199" in html
    assert "Rosa Example" not in html and "1999-02-03" not in html  # not consented
    assert AuditEvent.objects.filter(actor=receiver, action="read", object_type="referral").exists()
    # the receiver can never open the survivor record itself
    assert client.get(f"/staff/survivors/records/{world['survivor'].pk}/").status_code == 404
    services.consent_revoke(acting_user=world["advocate"], consent=c, reason="changed mind")
    html = client.get(f"/staff/survivors/referrals/{referral.pk}/").content.decode()
    assert "Rosa" not in html and "555-0199" not in html and "withdrawn" in html
    assert selectors.referral_shared_fields(Referral.objects.get(pk=referral.pk)) == {}


def test_expired_consent_stops_sharing_at_once(world: dict[str, Any]) -> None:
    c = consent(world, ["preferred_name"])
    referral = services.referral_create(acting_user=world["advocate"], survivor=world["survivor"],
                                        service=world["service"], consent=c, shared_fields=["preferred_name"])
    assert selectors.referral_shared_fields(referral) == {"preferred_name": "Rosa"}
    Consent.objects.filter(pk=c.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    referral = Referral.objects.select_related("consent", "survivor").get(pk=referral.pk)
    assert selectors.referral_shared_fields(referral) == {}
    with pytest.raises(ValidationError):  # and no new referral under it
        services.referral_create(acting_user=world["advocate"], survivor=world["survivor"], service=world["service"],
                                 consent=referral.consent, shared_fields=["preferred_name"])


def test_consent_rules(world: dict[str, Any]) -> None:
    for kwargs in ({"fields": []}, {"fields": ["ssn"]}, {"method": "verbal"}, {"days": 400}, {"days": -1},
                   {"agency": world["ours"]}):
        args = {"fields": ["preferred_name"], "method": "written", "days": 30, "agency": world["theirs"], **kwargs}
        with pytest.raises(ValidationError):
            services.consent_record(acting_user=world["advocate"], survivor=world["survivor"],
                                    recipient_agency=args["agency"], fields=args["fields"], purpose="p",
                                    method=args["method"], expires_at=timezone.now() + dt.timedelta(days=args["days"]))
    assert Consent.objects.count() == 0


def test_referral_statuses_with_timestamps(world: dict[str, Any], staff_client: Any) -> None:
    c = consent(world, ["preferred_name"])
    referral = services.referral_create(acting_user=world["advocate"], survivor=world["survivor"],
                                        service=world["service"], consent=c, shared_fields=["preferred_name"])
    receiver, _ = staff_client(user=world["receiver"])
    sender, _ = staff_client(user=world["advocate"])
    url = f"/staff/survivors/referrals/{referral.pk}/status/"
    receiver.post(url, {"status": "declined"})  # needs a reason
    referral.refresh_from_db()
    assert referral.status == "sent"
    sender.post(url, {"status": "accepted"})  # the sender cannot accept
    referral.refresh_from_db()
    assert referral.status == "sent"
    receiver.post(url, {"status": "accepted"})
    receiver.post(url, {"status": "completed"})
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.accepted_at and referral.completed_at
    assert ReferralNotification.objects.filter(agency=world["ours"]).count() == 2
    inbox = sender.get("/staff/survivors/referrals/").content.decode()
    assert "completed" in inbox


def test_access_door_scopes_to_agency(world: dict[str, Any]) -> None:
    from beacon.core.access import AccessDenied

    assert access_survivor(world["advocate"], world["survivor"].pk) == world["survivor"]
    with pytest.raises(AccessDenied):
        access_survivor(world["receiver"], world["survivor"].pk)
    with pytest.raises(AccessDenied):
        access_survivor(world["advocate"], "abc")


def test_edit_record_is_audited_and_scoped(world: dict[str, Any], staff_client: Any) -> None:
    client, user = staff_client(user=world["advocate"])
    url = f"/staff/survivors/records/{world['survivor'].pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"preferred_name": "Rosa", "legal_name": "Rosa Changed", "needs": ["medical"]})
    assert response.status_code == 302
    survivor = Survivor.objects.get(pk=world["survivor"].pk)
    assert survivor.legal_name == "Rosa Changed" and survivor.needs == ["medical"]
    event = AuditEvent.objects.filter(actor=user, action="update", object_type="survivor").get()
    assert "legal_name" in event.detail["fields"] and "Rosa" not in str(event.detail)
    other, _ = staff_client(user=world["receiver"])
    assert other.post(url, {"preferred_name": "Hacked"}).status_code == 404
    assert Survivor.objects.get(pk=world["survivor"].pk).preferred_name == "Rosa"

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.core.models import AuditEvent
from beacon.tips import services
from beacon.tips.models import Placement, Status, Tip, TipIdentifier, TipMessage

from .conftest import GREENE, JACKSON, ST_LOUIS_CITY, routed_slugs


def test_picker_county_routes_to_its_task_force(submit: Any) -> None:
    tip = submit(county_fips=JACKSON).tip
    assert tip.county_id == JACKSON and tip.placement == Placement.PICKER
    assert routed_slugs(tip) == {"kansas-city"}
    assert tip.routed_at is not None


def test_point_is_placed_by_polygon(submit: Any) -> None:
    tip = submit(lat=37.2090, lon=-93.2923).tip  # Springfield
    assert tip.county_id == GREENE and tip.placement == Placement.POINT
    assert routed_slugs(tip) == {"southwest"}


def test_place_text_is_resolved(submit: Any) -> None:
    tip = submit(place_text="Independence").tip
    assert tip.county_id == JACKSON and tip.placement == Placement.PLACE
    tip = submit(place_text="St. Louis").tip
    assert tip.county_id == ST_LOUIS_CITY and routed_slugs(tip) == {"st-louis"}


def test_picker_wins_over_point_and_text(submit: Any) -> None:
    tip = submit(county_fips=GREENE, lat=39.0997, lon=-94.5786, place_text="St. Louis").tip
    assert tip.county_id == GREENE


def test_unplaced_or_uncovered_goes_statewide(submit: Any, uncovered_fips: str) -> None:
    assert routed_slugs(submit(place_text="somewhere by the river").tip) == {"statewide"}
    assert routed_slugs(submit(lat=41.8781, lon=-87.6298).tip) == {"statewide"}  # Chicago: not in Missouri
    tip = submit(county_fips=uncovered_fips).tip
    assert tip.county_id == uncovered_fips and routed_slugs(tip) == {"statewide"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"narrative": "too short"}, "narrative"),
        ({"narrative": "x" * 10_001}, "narrative"),
        ({"county_fips": "99999"}, "county"),
        ({"lat": 91.0, "lon": -94.0}, "lat"),
        ({"lat": 39.0, "lon": -181.0}, "lon"),
        ({"lat": 39.0}, "lon"),
        ({"indicators": ["nope"]}, "indicators"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(submit: Any, kwargs: dict[str, Any], field: str) -> None:
    data = {"narrative": "A long enough description of what happened."} | kwargs
    with pytest.raises(ValidationError) as exc:
        submit(**data)
    assert field in exc.value.message_dict
    assert Tip.objects.count() == 0


def test_receipt_code_and_passphrase(submit: Any) -> None:
    submitted = submit()
    assert re.fullmatch(r"[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}", submitted.receipt_code)
    assert re.fullmatch(r"([23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-){5}[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}", submitted.passphrase)
    tip = submitted.tip
    assert submitted.passphrase not in tip.passphrase_hash and tip.passphrase_hash.startswith("hmac-sha256$")
    assert services.passphrase_matches(submitted.passphrase, tip.passphrase_hash)
    assert not services.passphrase_matches(submitted.passphrase.lower(), tip.passphrase_hash)


@settings(max_examples=200)
@given(st.integers())
def test_receipt_codes_are_unambiguous(_: int) -> None:
    code = services.new_receipt_code()
    assert len(code) == 10 and not set(code) & set("0O1I")


def test_receipt_symbols_are_uniform() -> None:
    # 32,000 symbols: each of the 32 is expected 1,000 times (sd ~31); a biased mapping fails.
    assert len(set(services.RECEIPT_ALPHABET)) == 32
    counts = Counter("".join(services.new_receipt_code() for _ in range(3_200)))
    assert set(counts) == set(services.RECEIPT_ALPHABET)
    assert 800 < min(counts.values()) and max(counts.values()) < 1_200
    assert len({services.new_passphrase() for _ in range(1_000)}) == 1_000


def test_obfuscated_phone_links_to_an_earlier_tip(submit: Any) -> None:
    first = submit("Man selling girls, call 816.555.0101 for dates", county_fips=JACKSON).tip
    second = submit("Ad says eight one six 555 o1o1, same guy again", county_fips=GREENE).tip
    shared = set(TipIdentifier.objects.filter(tip=first).values_list("identifier_id", flat=True)) & set(
        TipIdentifier.objects.filter(tip=second).values_list("identifier_id", flat=True))
    assert len(shared) == 1
    assert first.identifiers.get().value == "+18165550101"


def test_anonymous_submission_leaves_no_trace(submit: Any) -> None:
    tip = submit(contact="call me at 555-0100").tip
    event = AuditEvent.objects.get(object_type="tip", object_id=str(tip.pk), action="create")
    assert event.actor is None and event.ip is None and event.request_id == "" and event.actor_name == ""
    # Contact details are encrypted at rest.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT contact FROM tips_tip WHERE id = %s", [tip.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("fernet:") and "555-0100" not in raw
    assert Tip.objects.get(pk=tip.pk).contact == "call me at 555-0100"
    assert not any(f.name in {"ip", "user_agent", "session"} for f in Tip._meta.get_fields())


def test_p1_notifies_only_the_routed_supervisors(
    submit: Any, tf_user: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    kc = tf_user("kansas-city", "supervisor")
    stl = tf_user("st-louis", "supervisor")
    tf_user("kansas-city", "investigator")
    with django_capture_on_commit_callbacks(execute=True):
        submit(county_fips=JACKSON)  # not P1: nobody told
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tip = submit(minor=True, county_fips=JACKSON).tip
    assert len(callbacks) == 1
    assert tip.priority == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [kc.email] and stl.email not in mailoutbox[0].to
    assert f"/staff/tips/{tip.pk}/" in mailoutbox[0].body
    assert tip.narrative not in mailoutbox[0].body


def test_honeypot_marks_spam_without_dropping(
    submit: Any, mailoutbox: list[Any], tf_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tf_user("kansas-city", "supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        tip = submit(honeypot="http://buy.example", danger=True, county_fips=JACKSON).tip
    assert tip.is_spam and tip.priority == 4 and Tip.objects.filter(pk=tip.pk).exists()
    assert mailoutbox == []


def test_followup_right_and_wrong_passphrase(submit: Any) -> None:
    submitted = submit()
    tip = services.tip_for_followup(receipt_code=submitted.receipt_code.lower(), passphrase=submitted.passphrase)
    assert tip.pk == submitted.tip.pk
    with pytest.raises(services.FollowupRefused):
        services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase="WRONG-WRON-GWRO-NGXX")
    with pytest.raises(services.FollowupRefused):
        services.tip_for_followup(receipt_code="ZZZZZZZZZZ", passphrase=submitted.passphrase)
    assert Tip.objects.get(pk=tip.pk).failed_followups == 1


def test_wrong_passphrases_lock_the_receipt(submit: Any) -> None:
    submitted = submit()
    for _ in range(services.FOLLOWUP_MAX_FAILURES):
        with pytest.raises(services.FollowupRefused):
            services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase="nope")
    with pytest.raises(services.FollowupRefused) as exc:
        services.tip_for_followup(receipt_code=submitted.receipt_code, passphrase=submitted.passphrase)
    assert exc.value.reason == "locked"
    denied = AuditEvent.objects.filter(action="denied", object_type="tip", object_id=str(submitted.tip.pk))
    assert denied.count() == services.FOLLOWUP_MAX_FAILURES and all(e.ip is None for e in denied)


def test_reporter_adds_information_with_new_identifier(submit: Any) -> None:
    tip = submit().tip
    services.tip_add_reporter_info(tip=tip, body="His number is 314-555-0123")
    assert tip.messages.get().kind == "reporter"
    assert tip.identifiers.filter(kind="phone", value="+13145550123").exists()
    # Repeating a linked number (and adding a new one) links only the new one.
    services.tip_add_reporter_info(tip=tip, body="Again 314 555 0123, and his friend 314-555-0199")
    assert sorted(tip.tip_identifiers.values_list("identifier__value", flat=True)) == ["+13145550123", "+13145550199"]
    with pytest.raises(ValidationError):
        services.tip_add_reporter_info(tip=tip, body="  ")


def test_reporter_additions_are_capped_per_day(submit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "REPORTER_MESSAGES_PER_DAY", 3)
    tip = submit().tip
    for n in range(3):
        services.tip_add_reporter_info(tip=tip, body=f"More detail {n}")
    with pytest.raises(ValidationError) as exc:
        services.tip_add_reporter_info(tip=tip, body="One more")
    assert "3 times today" in str(exc.value) and tip.messages.count() == 3
    # Older additions no longer count after a day.
    TipMessage.objects.filter(tip=tip).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    services.tip_add_reporter_info(tip=tip, body="Next day")
    assert tip.messages.count() == 4


def test_staff_changes_are_audited(submit: Any, tf_user: Any) -> None:
    user = tf_user("kansas-city", "investigator")
    other = tf_user("st-louis", "investigator")
    tip = submit(county_fips=JACKSON).tip
    services.tip_set_status(tip=tip, status=Status.TRIAGED, acting_user=user)
    services.tip_set_priority(tip=tip, priority=1, reason="caller mentioned a child", acting_user=user)
    tip.refresh_from_db()
    assert tip.priority == 1 and tip.computed_priority != 1 and tip.override_reason == "caller mentioned a child"
    with pytest.raises(ValidationError):
        services.tip_set_priority(tip=tip, priority=2, reason="", acting_user=user)
    with pytest.raises(ValidationError):
        services.tip_assign(tip=tip, assignee=other, acting_user=user)
    services.tip_assign(tip=tip, assignee=user, acting_user=user)
    assert Tip.objects.get(pk=tip.pk).status == Status.ASSIGNED
    assert [u.pk for u in services.assignable_users(tip)] == [user.pk]
    services.tip_ask_reporter(tip=tip, body="Which motel?", acting_user=user)
    updates = AuditEvent.objects.filter(actor=user, object_type__in=["tip", "tip_message"]).count()
    assert updates == 4


def test_submission_query_count_does_not_grow_with_identifiers(
    submit: Any, django_assert_max_num_queries: Any
) -> None:
    """The submission path links identifiers in bulk: 12 identifiers cost what 1 does.

    Budget: savepoint, task forces, tip, routes, identifier look-up, insert, look-up, links,
    audit, release (the county comes from the per-process list, the receipt code is not
    looked up first)."""
    from beacon.core.models import Identifier

    phones = [f"816-555-01{n:02d}" for n in range(12)]
    submit("Warm-up tip so the county list is cached.", county_fips=JACKSON)
    with django_assert_max_num_queries(10):
        tip = submit("Numbers on the flyer: " + ", ".join(phones), county_fips=JACKSON).tip
    assert TipIdentifier.objects.filter(tip=tip).count() == 12
    # A later tip reuses the same shared rows (no duplicates, same primary keys).
    ids = set(TipIdentifier.objects.filter(tip=tip).values_list("identifier_id", flat=True))
    with django_assert_max_num_queries(10):  # incl. the test's savepoint and its release
        again = submit("Same flyer again " + " ".join(phones[:3]) + " and tips@example.com", county_fips=JACKSON).tip
    linked = dict(TipIdentifier.objects.filter(tip=again).values_list("identifier__value", "identifier_id"))
    assert {linked[f"+1816555010{n}"] for n in range(3)} <= ids
    assert Identifier.objects.filter(kind="phone", value="+18165550100").count() == 1
    assert linked["tips@example.com"] not in ids


def test_unknown_county_is_refused_even_with_a_warm_cache(submit: Any) -> None:
    submit(county_fips=JACKSON)  # fills the per-process county list
    with pytest.raises(ValidationError) as err:
        submit(county_fips="29999")
    assert "county" in err.value.message_dict

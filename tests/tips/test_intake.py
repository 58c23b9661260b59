"""The lean intake of JSON tips and their background enrichment (issue #14, ``tips/intake.py``,
``tips/enrich.py``).

The test settings run tasks with django-tasks' immediate backend, so the enrichment a lean
tip queues has run by the time its 201 arrives; ``pending`` keeps it from being queued, to see
a tip while it is still being processed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from beacon.core.models import AuditEvent, RateCounter
from beacon.tips import enrich, intake
from beacon.tips.models import Tip, TipIdentifier

from .conftest import GREENE, JACKSON, routed_slugs

URL = "/api/v1/tips/"
LEAN_SUMMARY = intake.AUDIT_SUMMARY
KEY = "b5e1c6f0-6a43-4d8e-9a4f-0c1d2e3f4a5b"


def post(body: Any, *, raw: bytes | None = None, **extra: Any) -> Any:
    data = raw if raw is not None else json.dumps(body)
    return Client().post(URL, data, content_type=extra.pop("content_type", "application/json"), **extra)


def full_path(settings: Any) -> None:
    settings.BEACON_TIP_LEAN_INTAKE = False


@pytest.fixture
def pending(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lean intake queues no enrichment run: its tips stay "being processed"."""
    monkeypatch.setattr(intake, "_enqueue_enrichment", lambda: None)


def lean_answered(tip: Tip) -> bool:
    return AuditEvent.objects.filter(object_type="tip", object_id=str(tip.pk), summary=LEAN_SUMMARY).exists()


def stable_headers(response: Any) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in {"Date", "Expires", "X-Request-ID", "Content-Length"}}


def test_a_json_tip_is_stored_once_with_its_audit_row_then_enriched(mo: Any) -> None:
    response = post({"narrative": "A man keeps two women in the back room of the Oak Street motel.",
                     "county": JACKSON, "danger": True, "indicators": ["cannot_leave"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"receipt_code", "passphrase", "status", "photos", "photos_refused"}
    assert body["status"] == "received" and body["photos"] == 0 and body["photos_refused"] == []
    tip = Tip.objects.get()
    assert lean_answered(tip) and tip.receipt_code == body["receipt_code"]
    created = AuditEvent.objects.get(object_type="tip", object_id=str(tip.pk))
    assert created.action == "create" and created.actor_id is None and created.ip is None and created.request_id == ""
    # enriched by the (immediate) background task: placed, routed, triaged, audited
    assert not tip.processing and tip.placement == "picker" and tip.county_id == JACKSON
    assert routed_slugs(tip) == {"kansas-city"} and tip.priority == 1 and tip.routed_at is not None
    enriched = AuditEvent.objects.get(object_type="tip_enrichment", object_id=str(tip.pk))
    assert enriched.actor_id is None and enriched.ip is None and enriched.detail["priority"] == 1
    assert tip.passphrase_hash.startswith("hmac-sha256$") and body["passphrase"] not in tip.passphrase_hash


BODIES = [
    {"narrative": "Two teenagers are kept in the back of the nail salon and never leave.", "county": JACKSON,
     "minor": True, "situation": "labor", "indicators": ["cannot_leave", "cannot_leave", "unpaid"],
     "subjects": {"phones": [" 816 555 0101 "], "vehicles": [{"plate": "MO ABC123", "extra": "x"}, {}],
                  "businesses": [{"name": "Nails", "address": "12 Oak Street"}], "people": []},
     "language": "es", "contact": " maria@example.org "},
    {"narrative": "Girls brought to the truck stop at night, the ad says call 417-555-0199.",
     "lat": 37.2, "lon": -93.29, "danger": "unknown"},
    {"narrative": "A 16-year-old works at the restaurant until 2 am every night.", "place_text": "Springfield"},
    {"narrative": "Workers sleep in the warehouse, the boss has their passports.", "place_text": "Nowhere at all",
     "indicators": ["documents_taken", "lives_at_work", "controlled"], "occurred": " last week ", "danger": False,
     "minor": False},
    {"narrative": "See https://a.example https://b.example https://c.example https://d.example https://e.example"},
    {"narrative": "Please look into the massage place near the highway.", "website": "http://spam.example"},
    {"narrative": "Same phone as before 816-555-0101 on a new ad.", "county": GREENE, "situation": "sex",
     "minor": None, "danger": None, "indicators": ["older_partner"]},
]
COMPARED = ["narrative", "occurred", "place_text", "lat", "lon", "situation", "danger", "minor", "indicators",
            "subjects", "language", "contact", "county_id", "placement", "status", "priority", "computed_priority",
            "priority_reasons", "is_spam", "spam_reason", "processing", "failed_followups", "is_demo"]


def _tip_facts(tip: Tip) -> dict[str, Any]:
    facts = {name: getattr(tip, name) for name in COMPARED}
    facts["routes"] = routed_slugs(tip)
    facts["identifiers"] = sorted(TipIdentifier.objects.filter(tip=tip).values_list(
        "identifier__kind", "identifier__value", "source", "raw"))
    return facts


@pytest.mark.parametrize("body", BODIES)
def test_background_enrichment_gives_what_the_synchronous_path_gives(mo: Any, settings: Any, body: dict[str, Any]) -> None:
    lean = post(body)
    assert lean.status_code == 201, lean.content
    full_path(settings)
    full = post(body)
    assert full.status_code == 201, full.content
    a, b = (Tip.objects.get(receipt_code=r.json()["receipt_code"]) for r in (lean, full))
    assert lean_answered(a) and not lean_answered(b)
    assert _tip_facts(a) == _tip_facts(b)


def test_a_batch_of_pending_tips_is_enriched_as_each_alone(mo: Any, pending: None, settings: Any) -> None:
    """One run for several tips (task forces once per county, identifiers in bulk) gives what
    the synchronous path gives tip by tip."""
    codes = [post(body).json()["receipt_code"] for body in BODIES]
    assert Tip.objects.filter(processing=True).count() == len(BODIES) == enrich.pending_count()
    assert enrich.enrich_pending(batch=3) == len(BODIES)
    assert enrich.pending_count() == 0
    full_path(settings)
    for code, body in zip(codes, BODIES, strict=True):
        again = Tip.objects.get(receipt_code=post(body).json()["receipt_code"])
        assert _tip_facts(Tip.objects.get(receipt_code=code)) == _tip_facts(again)


def test_a_tip_being_processed_answers_its_follow_up_and_shows_in_the_staff_queue(
    mo: Any, pending: None, staff_client: Any, tf_user: Any
) -> None:
    body = post({"narrative": "Someone is held at the farm on route 9.", "county": JACKSON}).json()
    tip = Tip.objects.get()
    assert tip.processing and tip.routed_at is None and not routed_slugs(tip)
    followup = Client().post(f"{URL}follow-up/", {"receipt_code": body["receipt_code"], "passphrase": body["passphrase"]},
                             content_type="application/json")
    assert followup.status_code == 200 and followup.json()["status"] == "received"
    client, _user = staff_client(user=tf_user("kansas-city", "analyst"))
    page = client.get("/staff/tips/").content.decode()
    assert 'id="tips-processing"' in page and "1 new tip is being processed" in page
    assert f">#{tip.pk}<" not in page  # not routed yet: in nobody's queue
    enrich.enrich_pending()
    page = client.get("/staff/tips/").content.decode()
    assert 'id="tips-processing"' not in page and f">#{tip.pk}<" in page


def test_the_queue_api_says_whether_a_tip_is_still_being_processed(mo: Any, api_client_for: Any, tf_user: Any) -> None:
    post({"narrative": "Someone is held at the farm on route 9.", "county": JACKSON})
    client, _user = api_client_for(user=tf_user("kansas-city", "analyst"))
    rows = client.get("/api/v1/tips/queue/").json()["results"]
    assert [row["processing"] for row in rows] == [False]


def test_a_p1_tip_reaches_its_supervisors(mo: Any, tf_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    supervisor = tf_user("kansas-city", "supervisor")
    other = tf_user("southwest", "supervisor")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post({"narrative": "A child is locked in the basement of the house on Elm.", "county": JACKSON, "minor": True})
        post({"narrative": "Nothing urgent: a sign in the window looks odd.", "county": JACKSON, "danger": False,
              "minor": False})
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "New P1 tip" in mail.outbox[0].subject and other.email not in mail.outbox[0].to
    assert "basement" not in mail.outbox[0].body  # no detail of the tip by e-mail


def test_p1_tips_of_one_batch_are_notified_in_one_task(mo: Any, pending: None, tf_user: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    supervisor = tf_user("kansas-city", "supervisor")
    for n in range(3):
        post({"narrative": f"Someone is in danger at the motel, room {n + 10}.", "county": JACKSON, "danger": True})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert enrich.enrich_pending() == 3
    assert len(callbacks) == 1  # one notification task for the batch
    assert len(mail.outbox) == 3 and all(m.to == [supervisor.email] for m in mail.outbox)


def test_the_same_idempotency_key_returns_the_first_receipt(mo: Any) -> None:
    body = {"narrative": "A woman asked for help at the gas station."}
    first = post(body, HTTP_IDEMPOTENCY_KEY=KEY)
    again = post(body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == {**first.json(), "passphrase": None}
    assert Tip.objects.count() == 1 and lean_answered(Tip.objects.get())


def test_the_same_key_on_the_other_path_also_returns_the_first_receipt(mo: Any, settings: Any) -> None:
    first = post({"narrative": "A woman asked for help at the gas station."}, HTTP_IDEMPOTENCY_KEY=KEY)
    full_path(settings)
    again = post({"narrative": "A woman asked for help at the gas station."}, HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 200 and again.json()["receipt_code"] == first.json()["receipt_code"]
    assert Tip.objects.count() == 1


def _both(settings: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    lean = post(*args, **kwargs)
    settings.BEACON_TIP_LEAN_INTAKE = False
    try:
        full = post(*args, **kwargs)
    finally:
        settings.BEACON_TIP_LEAN_INTAKE = True
    return lean, full


def test_over_the_limit_the_answer_is_the_full_paths_429(mo: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "2/3600"}
    for n in range(2):
        assert post({"narrative": f"Tip number {n} about the motel."}).status_code == 201
    lean, full = _both(settings, {"narrative": "A third tip about the motel."})
    assert lean.status_code == full.status_code == 429
    assert lean.json() == full.json() and set(lean.json()) == {"error", "fields"} and lean.json()["fields"] == {}
    assert stable_headers(lean) == stable_headers(full) and int(lean["Retry-After"]) > 0
    assert Tip.objects.count() == 2


def test_the_flood_ceiling_counts_every_post_once(mo: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit_attempt": "3/3600"}
    assert post({"narrative": "short"}).status_code == 400  # refused by the full path: counted there, once
    assert post({"narrative": "A valid tip about the motel."}).status_code == 201  # counted by the lean path
    assert sum(RateCounter.objects.filter(key__startswith="rl:tip_submit_attempt:").values_list("count", flat=True)) == 2
    assert post({"narrative": "Another valid tip about the motel."}).status_code == 201
    refused = post({"narrative": "One tip too many about the motel."})
    assert refused.status_code == 429 and refused.json()["fields"] == {} and "Retry-After" in refused
    assert Tip.objects.count() == 2


INVALID = [
    {}, [], "text", {"narrative": "short"}, {"narrative": "          x         "}, {"narrative": 12345678901},
    {"narrative": "x" * 10_001}, {"narrative": "A long enough description.", "county": "29999"},
    {"narrative": "A long enough description.", "county": 29095}, {"narrative": "A long enough description.", "lat": 39},
    {"narrative": "A long enough description.", "lat": 95, "lon": -94}, {"narrative": "A long enough description.", "lat": True, "lon": 1},
    {"narrative": "A long enough description.", "lat": "39", "lon": "-94"},
    {"narrative": "A long enough description.", "situation": "other"}, {"narrative": "A long enough description.", "situation": None},
    {"narrative": "A long enough description.", "danger": "yes"}, {"narrative": "A long enough description.", "minor": 1},
    {"narrative": "A long enough description.", "indicators": ["x"]}, {"narrative": "A long enough description.", "indicators": "debt"},
    {"narrative": "A long enough description.", "subjects": {"phones": [""]}},
    {"narrative": "A long enough description.", "subjects": {"vehicles": [{"state": "MOO"}]}},
    {"narrative": "A long enough description.", "subjects": None}, {"narrative": "A long enough description.", "language": "fr"},
    {"narrative": "A long enough description.", "contact": "x" * 501}, {"narrative": "A long enough description.", "occurred": None},
    {"narrative": "A long enough description.", "photos": []}, {"narrative": "Null \u0000 character in the text."},
]


@pytest.mark.parametrize("body", INVALID, ids=range(len(INVALID)))
def test_input_the_lean_path_does_not_take_gets_the_full_paths_answer(mo: Any, settings: Any, body: Any) -> None:
    """Refused input (and the few odd forms DRF accepts, such as a county or coordinates as
    numbers or text): handed to the full path, so the answer is the same, error for error."""
    lean, full = _both(settings, body)
    assert lean.status_code == full.status_code, (lean.content, full.content)
    assert stable_headers(lean) == stable_headers(full)
    if full.status_code == 201:
        drop = {"receipt_code", "passphrase"}
        assert {k: v for k, v in lean.json().items() if k not in drop} == {k: v for k, v in full.json().items() if k not in drop}
        assert not any(lean_answered(tip) for tip in Tip.objects.all())
    else:
        assert lean.status_code == 400 and lean.json() == full.json() and Tip.objects.count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b'{"narrative": NaN}', b"[" * 40 + b"]" * 40, "é".encode("latin-1")])
def test_unparsable_bodies_get_the_full_paths_answer(mo: Any, settings: Any, raw: bytes) -> None:
    lean, full = _both(settings, None, raw=raw)
    assert lean.status_code == full.status_code == 400 and lean.json() == full.json()


def test_bad_idempotency_key_and_oversized_body_get_the_full_paths_answers(mo: Any, settings: Any) -> None:
    lean, full = _both(settings, {"narrative": "A long enough description."}, HTTP_IDEMPOTENCY_KEY="short")
    assert lean.status_code == full.status_code == 400 and lean.json() == full.json()
    lean, full = _both(settings, {"narrative": "x" * 70_000})
    assert lean.status_code == full.status_code == 413 and lean.json() == full.json()
    assert Tip.objects.count() == 0


def test_an_accepted_tip_has_the_full_paths_headers(mo: Any, settings: Any) -> None:
    lean, full = _both(settings, {"narrative": "A long enough description."}, HTTP_ACCEPT_LANGUAGE="es")
    assert lean.status_code == full.status_code == 201
    assert stable_headers(lean) == stable_headers(full)
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                 "Cache-Control", "X-Request-ID", "Permissions-Policy"):
        assert name in lean, name
    assert lean.content.startswith(b'{"receipt_code":') and int(lean["Content-Length"]) == len(lean.content)


def test_other_requests_to_the_endpoint_take_the_full_path(mo: Any) -> None:
    """Multipart (photos), a query string, an Accept that is not JSON: the DRF view answers."""
    response = Client().post(URL, {"narrative": "A long enough description from a form."})
    assert response.status_code == 201 and not lean_answered(Tip.objects.get())
    response = Client().post(URL + "?format=json", json.dumps({"narrative": "A long enough description."}),
                             content_type="application/json")
    assert response.status_code == 201 and not lean_answered(Tip.objects.order_by("-id")[0])


def test_the_lean_path_stores_nothing_about_the_caller(mo: Any) -> None:
    address = "203.0.113.77"
    response = post({"narrative": "Seen at the bus station, a girl with an older man."}, REMOTE_ADDR=address,
                    HTTP_X_FORWARDED_FOR="198.51.100.23", HTTP_USER_AGENT="AgentSmith/1.0",
                    HTTP_X_REQUEST_ID="req-123456789")
    assert response.status_code == 201
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - the test's own tables
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                found += [(table, s) for s in (address, "198.51.100.23", "AgentSmith", "req-123456789") if s in text]
    assert found == []


def test_sweep_queues_a_run_only_when_tips_wait(mo: Any, pending: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert intake.sweep() is False
    post({"narrative": "Someone is held at the farm on route 9."})
    monkeypatch.undo()  # the real queueing again (immediate backend: the run happens now)
    assert intake.sweep() is True
    assert enrich.pending_count() == 0 and intake.sweep() is False


def test_a_tip_that_fails_enrichment_does_not_hold_back_the_others(mo: Any, pending: None,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for place_text in ("Joplin", "BOOM", "Kirksville"):
        post({"narrative": "A tip about the motel on the highway.", "place_text": place_text})
    place = enrich.services.place

    def failing(**kwargs: Any) -> Any:
        if kwargs["place_text"] == "BOOM":
            raise RuntimeError("boom")
        return place(**kwargs)

    monkeypatch.setattr(enrich.services, "place", failing)
    assert enrich.enrich_pending() == 2  # the batch failed, then went tip by tip
    assert list(Tip.objects.filter(processing=True).values_list("place_text", flat=True)) == ["BOOM"]
    monkeypatch.setattr(enrich.services, "place", place)
    assert enrich.enrich_pending() == 1  # the next run takes it again


def test_the_intake_writes_the_columns_it_says_it_writes(mo: Any) -> None:
    from beacon.tips.services import TipInput

    values = intake._values(TipInput(narrative="A long enough description."), None, "ABCD-EFGH")
    assert set(values) == intake.INTAKE_COLUMNS
    assert {f.attname for f in Tip._meta.concrete_fields if not f.primary_key} >= intake.INTAKE_COLUMNS


def test_a_run_leaves_tips_that_came_after_it_started_to_a_run_it_queues(
    mo: Any, pending: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tip committed while a run was under way (here: during its first batch) is not in that run;
    the run queues the next one for it."""
    post({"narrative": "First tip about the motel on the highway."})
    queued = []
    monkeypatch.setattr(intake, "_enqueue_enrichment", lambda: queued.append(1))
    real = enrich.enrich

    def enrich_and_a_tip_arrives(tips: list[Tip]) -> None:
        real(tips)
        if not queued and Tip.objects.count() == 1:
            monkeypatch.setattr(intake, "_enqueue_enrichment", lambda: None)  # it saw a run waiting
            post({"narrative": "Second tip, committed during the run."})
            monkeypatch.setattr(intake, "_enqueue_enrichment", lambda: queued.append(1))

    monkeypatch.setattr(enrich, "enrich", enrich_and_a_tip_arrives)
    assert enrich.enrich_pending() == 1
    assert enrich.pending_count() == 1 and queued == [1]

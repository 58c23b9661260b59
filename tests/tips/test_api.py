from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from beacon.core.models import AuditEvent
from beacon.tips.models import Status, Tip

from .conftest import GREENE, JACKSON, routed_slugs

URL = "/api/v1/tips/"


def post(body: dict[str, Any], **extra: Any) -> Any:
    return APIClient().post(URL, body, format="json", **extra)


def test_anonymous_tip_via_api(mo: Any) -> None:
    response = post({
        "narrative": "Two teenagers are kept in the back of the nail salon and never leave.",
        "county": JACKSON, "minor": True, "situation": "labor", "indicators": ["cannot_leave"],
        "subjects": {"phones": ["816 555 0101"], "businesses": [{"name": "Nails", "address": "12 Oak Street"}]},
        "language": "es", "contact": "maria@example.org",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"receipt_code", "passphrase", "status", "photos", "photos_refused"} and body["status"] == "received"
    tip = Tip.objects.get(receipt_code=body["receipt_code"])  # committed before the answer
    assert tip.priority == 1 and tip.language == "es" and routed_slugs(tip) == {"kansas-city"}
    assert set(tip.identifiers.values_list("kind", flat=True)) == {"phone", "address"}
    assert "maria@example.org" not in tip.passphrase_hash
    event = AuditEvent.objects.get(object_type="tip", object_id=str(tip.pk))
    assert event.ip is None and event.request_id == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "narrative"),
        ({"narrative": "short"}, "narrative"),
        ({"narrative": "x" * 10_001}, "narrative"),
        ({"narrative": "A long enough description.", "county": "29999"}, "county"),
        ({"narrative": "A long enough description.", "lat": 95, "lon": -94}, "lat"),
        ({"narrative": "A long enough description.", "lat": 39, "lon": -200}, "lon"),
        ({"narrative": "A long enough description.", "situation": "other"}, "situation"),
        ({"narrative": "A long enough description.", "indicators": ["x"]}, "indicators"),
    ],
)
def test_bad_input_gets_a_clear_400(mo: Any, body: dict[str, Any], field: str) -> None:
    response = post(body)
    assert response.status_code == 400
    assert field in response.json()["fields"] and response.json()["error"]
    assert Tip.objects.count() == 0


def test_oversized_body_is_refused(mo: Any) -> None:
    response = post({"narrative": "x" * 70_000})
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert Tip.objects.count() == 0


def test_rate_limit_gives_429(mo: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "2/3600"}
    body = {"narrative": "A long enough description of it."}
    assert [post(body).status_code for _ in range(3)] == [201, 201, 429]
    assert Tip.objects.count() == 2
    response = post(body)
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"]


def test_follow_up_by_api(mo: Any, settings: Any) -> None:
    receipt = post({"narrative": "A long enough description of it."}).json()
    client = APIClient()
    ok = client.post(f"{URL}follow-up/", {"receipt_code": receipt["receipt_code"], "passphrase": receipt["passphrase"]},
                     format="json")
    assert ok.status_code == 200 and ok.json() == {"status": "received", "messages": []}
    added = client.post(f"{URL}follow-up/messages/", {"receipt_code": receipt["receipt_code"],
                                                      "passphrase": receipt["passphrase"], "body": "It was a red car."},
                        format="json")
    assert added.status_code == 201 and added.json()["messages"][0]["body"] == "It was a red car."
    wrong = client.post(f"{URL}follow-up/", {"receipt_code": receipt["receipt_code"], "passphrase": "AAAA-BBBB-CCCC-DDDD"},
                        format="json")
    assert wrong.status_code == 403 and "messages" not in wrong.json()
    # Wrong passphrases are throttled per client.
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_followup": "3/900"}
    codes = [client.post(f"{URL}follow-up/", {"receipt_code": receipt["receipt_code"], "passphrase": "nope"},
                         format="json").status_code for _ in range(3)]
    assert codes == [403, 403, 429]  # the wrong attempt above counted too
    # Once blocked, even the right passphrase waits for the window.
    blocked = client.post(f"{URL}follow-up/", {"receipt_code": receipt["receipt_code"],
                                                "passphrase": receipt["passphrase"]}, format="json")
    assert blocked.status_code == 429


def test_queue_shows_only_the_users_task_forces(api_client_for: Any, tf_user: Any, submit: Any,
                                                uncovered_fips: str) -> None:
    kc_tip = submit(county_fips=JACKSON).tip
    sw_tip = submit(county_fips=GREENE).tip
    state_tip = submit(county_fips=uncovered_fips).tip
    client, _ = api_client_for(user=tf_user("kansas-city", "investigator"))
    ids = [row["id"] for row in client.get(f"{URL}queue/").json()["results"]]
    assert ids == [kc_tip.pk]
    client, _ = api_client_for(user=tf_user("statewide", "analyst"))
    assert [row["id"] for row in client.get(f"{URL}queue/").json()["results"]] == [state_tip.pk]
    client, _ = api_client_for(user=tf_user("southwest", "supervisor"))
    assert [row["id"] for row in client.get(f"{URL}queue/").json()["results"]] == [sw_tip.pk]


def test_queue_has_no_n_plus_one(api_client_for: Any, tf_user: Any, submit: Any,
                                 django_assert_max_num_queries: Any) -> None:
    client, _ = api_client_for(user=tf_user("kansas-city", "investigator"))
    submit(county_fips=JACKSON)
    client.get(f"{URL}queue/")
    for i in range(15):
        submit(f"Tip number {i} about the massage place on Main", county_fips=JACKSON, minor=i % 2 == 0)
    with django_assert_max_num_queries(12):
        response = client.get(f"{URL}queue/", {"priority": 1})
    assert len(response.json()["results"]) == 8


def test_detail_and_denial(api_client_for: Any, tf_user: Any, submit: Any) -> None:
    tip = submit("Call 816-555-0101 for girls", county_fips=JACKSON).tip
    other = submit("Same phone 8165550101 again", county_fips=JACKSON).tip
    client, user = api_client_for(user=tf_user("kansas-city", "investigator"))
    body = client.get(f"{URL}queue/{tip.pk}/").json()
    assert body["links"][0]["object_id"] == str(other.pk) and body["links"][0]["shared"] == ["phone:+18165550101"]
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="tip", object_id=str(tip.pk)).exists()
    stl, stl_user = api_client_for(user=tf_user("st-louis", "supervisor"))
    assert stl.get(f"{URL}queue/{tip.pk}/").status_code == 404
    before = Tip.objects.get(pk=tip.pk).status
    assert stl.post(f"{URL}queue/{tip.pk}/status/", {"status": "closed_no_action"}, format="json").status_code == 404
    assert Tip.objects.get(pk=tip.pk).status == before
    assert AuditEvent.objects.filter(actor=stl_user, action="denied", object_type="tip", object_id=str(tip.pk)).count() == 2


def test_contact_needs_the_permission_and_the_task_force(api_client_for: Any, tf_user: Any, submit: Any) -> None:
    tip = submit(county_fips=JACKSON, contact="call 555-0199 after 6pm").tip
    investigator, _ = api_client_for(user=tf_user("kansas-city", "investigator"))
    assert investigator.get(f"{URL}queue/{tip.pk}/contact/").status_code == 403
    assert "555-0199" not in investigator.get(f"{URL}queue/{tip.pk}/").content.decode()
    other_sup, other = api_client_for(user=tf_user("st-louis", "supervisor"))
    assert other_sup.get(f"{URL}queue/{tip.pk}/contact/").status_code == 404
    assert AuditEvent.objects.filter(actor=other, action="denied", object_id=str(tip.pk)).exists()
    sup, user = api_client_for(user=tf_user("kansas-city", "supervisor"))
    assert sup.get(f"{URL}queue/{tip.pk}/contact/").json()["contact"] == "call 555-0199 after 6pm"
    read = AuditEvent.objects.get(actor=user, action="read", object_id=str(tip.pk))
    assert read.detail == {"field": "contact"}


def test_staff_actions_by_api(api_client_for: Any, tf_user: Any, submit: Any) -> None:
    tip = submit(county_fips=JACKSON).tip
    client, user = api_client_for(user=tf_user("kansas-city", "supervisor"))
    r = client.post(f"{URL}queue/{tip.pk}/priority/", {"priority": 1, "reason": "repeat location"}, format="json")
    assert r.status_code == 200 and r.json()["priority"] == 1 and r.json()["override_reason"] == "repeat location"
    assert client.post(f"{URL}queue/{tip.pk}/priority/", {"priority": 2}, format="json").status_code == 400
    r = client.post(f"{URL}queue/{tip.pk}/assign/", {"assignee": user.pk}, format="json")
    assert r.json()["assigned_to"] == user.username and r.json()["status"] == Status.ASSIGNED
    r = client.post(f"{URL}queue/{tip.pk}/questions/", {"body": "Which day of the week?"}, format="json")
    assert r.json()["messages"][0]["kind"] == "question"
    r = client.post(f"{URL}queue/{tip.pk}/status/", {"status": "referred"}, format="json")
    assert r.json()["status"] == "referred"
    r = client.post(f"{URL}queue/{tip.pk}/spam/", {"is_spam": True, "reason": "test"}, format="json")
    assert r.json()["is_spam"] is True
    assert AuditEvent.objects.filter(actor=user, action__in=["update", "create"]).count() == 5


def test_queue_refused_without_permission(api_client_for: Any) -> None:
    client, user = api_client_for("trainer")
    assert client.get(f"{URL}queue/").status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()
    assert APIClient().get(f"{URL}queue/").status_code in (401, 403)

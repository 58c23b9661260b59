from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from beacon.core.models import AuditEvent
from beacon.tips.models import Status, Tip

from .conftest import JACKSON, ST_LOUIS_CITY

FORM = {
    "narrative": "A man keeps three women in an apartment, text 314 555 0177.",
    "danger": "no", "minor": "yes", "situation": "sex", "place_text": "St. Louis",
    "county": "", "lat": "", "lon": "", "language": "en", "website": "",
}


def test_report_page_in_english_and_spanish(mo: Any) -> None:
    en = Client().get("/report/")
    assert en.status_code == 200 and "1-888-373-7888" in en.content.decode()
    assert "What happened?" in en.content.decode()
    es = Client().get("/es/report/")
    html = es.content.decode()
    assert es.status_code == 200 and '<html lang="es">' in html
    assert "¿Qué pasó?" in html and "Enviar reporte" in html and "233733" in html
    assert "Mapa de los condados de Missouri" in html and html.count("<path ") == 115


def test_form_submission_shows_receipt(mo: Any) -> None:
    response = Client().post("/es/report/", {**FORM, "language": "es"}, follow=True)
    assert response.redirect_chain == [("/es/report/receipt/", 302)] and response.status_code == 200
    tip = Tip.objects.get()
    html = response.content.decode()
    assert tip.receipt_code in html and "Código de recibo" in html
    assert tip.county_id == ST_LOUIS_CITY and tip.priority == 1 and tip.language == "es"
    assert tip.identifiers.get().value == "+13145550177"


def test_form_errors_are_shown_and_nothing_stored(mo: Any) -> None:
    response = Client().post("/report/", {**FORM, "narrative": "short", "lat": "120", "lon": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "usa-error-message" in html
    assert "at least 10 characters" in html
    assert Tip.objects.count() == 0


def test_form_rate_limit(mo: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_submit": "1/3600"}
    client = Client()
    assert client.post("/report/", {**FORM, "token": "a" * 43}).status_code == 302
    refused = client.post("/report/", {**FORM, "token": "b" * 43})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many reports" in refused.content.decode() and "314 555 0177" in refused.content.decode()
    assert Tip.objects.count() == 1


def test_follow_up_page(mo: Any, submit: Any) -> None:
    submitted = submit()
    client = Client()
    page = client.post("/report/follow-up/", {"receipt_code": submitted.receipt_code, "passphrase": submitted.passphrase})
    assert page.status_code == 200 and "Received" in page.content.decode()
    added = client.post("/report/follow-up/", {"receipt_code": submitted.receipt_code, "passphrase": submitted.passphrase,
                                               "body": "They moved to a new place."})
    assert "They moved to a new place." in added.content.decode()
    assert submitted.tip.messages.count() == 1
    wrong = client.post("/report/follow-up/", {"receipt_code": submitted.receipt_code, "passphrase": "nope",
                                               "body": "sneaky"})
    assert "do not match" in wrong.content.decode() and submitted.tip.messages.count() == 1


def test_staff_queue_and_detail(staff_client: Any, tf_user: Any, submit: Any) -> None:
    mine = submit("Call 816-555-0101 about the girls", county_fips=JACKSON, minor=True).tip
    linked = submit("816.555.0101 is on the ad too", county_fips=JACKSON).tip
    hidden = submit(county_fips=ST_LOUIS_CITY).tip
    client, user = staff_client(user=tf_user("kansas-city", "supervisor"))
    queue = client.get(reverse("tips:index")).content.decode()
    assert f"#{mine.pk}<" in queue and f"#{linked.pk}<" in queue and f"#{hidden.pk}<" not in queue
    assert AuditEvent.objects.filter(actor=user, object_type="tip_queue", action="read").exists()
    filtered = client.get(reverse("tips:index"), {"priority": 1}).content.decode()
    assert f"#{mine.pk}<" in filtered and f"#{linked.pk}<" not in filtered
    detail = client.get(reverse("tips:detail", args=[mine.pk])).content.decode()
    assert "Involves someone under 18" in detail
    assert reverse("tips:detail", args=[linked.pk]) in detail and "phone:+18165550101" in detail
    assert f"/staff/cases/new/?from=tip:{mine.pk}" in detail


def test_queue_query_count(staff_client: Any, tf_user: Any, submit: Any, django_assert_max_num_queries: Any) -> None:
    client, _ = staff_client(user=tf_user("kansas-city", "investigator"))
    for i in range(12):
        submit(f"Repeated tip {i} at the truck stop", county_fips=JACKSON)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("tips:index")).status_code == 200


def test_other_task_force_gets_404_and_denied(staff_client: Any, tf_user: Any, submit: Any) -> None:
    tip = submit(county_fips=JACKSON).tip
    client, user = staff_client(user=tf_user("st-louis", "supervisor"))
    assert client.get(reverse("tips:detail", args=[tip.pk])).status_code == 404
    response = client.post(reverse("tips:status", args=[tip.pk]), {"status": Status.CLOSED_NO_ACTION})
    assert response.status_code == 404
    assert Tip.objects.get(pk=tip.pk).status == Status.NEW
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="tip", object_id=str(tip.pk)).count() == 2


def test_status_override_and_contact(staff_client: Any, tf_user: Any, submit: Any) -> None:
    tip = submit(county_fips=JACKSON, contact="text me on 555-0142").tip
    client, user = staff_client(user=tf_user("kansas-city", "supervisor"))
    client.post(reverse("tips:status", args=[tip.pk]), {"status": Status.TRIAGED})
    client.post(reverse("tips:priority", args=[tip.pk]), {"priority": 2, "reason": "known location"})
    tip.refresh_from_db()
    assert tip.status == Status.TRIAGED and tip.priority == 2 and tip.override_reason == "known location"
    update = AuditEvent.objects.filter(actor=user, action="update", object_id=str(tip.pk)).first()
    assert update is not None and update.ip == "127.0.0.1"
    assert "555-0142" not in client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    contact = client.get(reverse("tips:contact", args=[tip.pk])).content.decode()
    assert "555-0142" in contact
    assert AuditEvent.objects.filter(actor=user, action="read", detail__field="contact").count() == 1
    investigator, inv = staff_client(user=tf_user("kansas-city", "investigator"))
    assert investigator.get(reverse("tips:contact", args=[tip.pk])).status_code == 403
    assert "reporter contact" not in investigator.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert AuditEvent.objects.filter(actor=inv, action="denied").exists()


def test_roles_without_triage_are_refused(staff_client: Any) -> None:
    client, user = staff_client("trainer")
    assert client.get(reverse("tips:index")).status_code == 403
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()


def test_detail_query_count(staff_client: Any, tf_user: Any, submit: Any, django_assert_max_num_queries: Any) -> None:
    client, _ = staff_client(user=tf_user("kansas-city", "supervisor"))
    tip = submit("Number 816 555 0101, email a@b.org, plate MO ABC1234", county_fips=JACKSON).tip
    for i in range(8):
        submit(f"Tip {i} about 816-555-0101 and a@b.org", county_fips=JACKSON)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("tips:detail", args=[tip.pk]))
    assert page.content.decode().count("phone:+18165550101") == 8


def test_follow_up_page_throttles_wrong_passphrases(mo: Any, submit: Any, settings: Any) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, "tip_followup": "2/900"}
    submitted = submit()
    client = Client()
    wrong = {"receipt_code": submitted.receipt_code, "passphrase": "nope"}
    assert [client.post("/report/follow-up/", wrong).status_code for _ in range(3)] == [200, 200, 429]
    right = {"receipt_code": submitted.receipt_code, "passphrase": submitted.passphrase}
    assert client.post("/report/follow-up/", right).status_code == 429

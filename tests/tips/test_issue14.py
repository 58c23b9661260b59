"""Issue #14: reporters neither lose a report nor file it twice (web form and API), danger/minor
start unanswered and unknown is never No, the follow-up takes the passphrase as people type it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from beacon.core import crypto
from beacon.core.models import AuditEvent, RateCounter
from beacon.tips import services, triage
from beacon.tips.models import Tip

from .conftest import JACKSON

NARRATIVE = "A man keeps three women in an apartment on Troost, text 816 555 0177."
FORM = {"narrative": NARRATIVE, "situation": "sex", "place_text": "Kansas City", "county": JACKSON,
        "lat": "", "lon": "", "language": "en", "website": "", "occurred": "last night"}
TOKEN = "t" * 43


def limits(settings: Any, **rates: str) -> None:
    settings.BEACON_RATE_LIMITS = {**settings.BEACON_RATE_LIMITS, **rates}


# --- Only accepted tips count; a refused form comes back with what was written --------------
def test_eleven_invalid_attempts_do_not_block_and_keep_the_input(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="10/3600")
    client = Client()
    for attempt in range(11):
        response = client.post("/report/", {**FORM, "narrative": "too short", "occurred": f"try {attempt}"})
        html = response.content.decode()
        assert response.status_code == 200, attempt
        assert "too short</textarea>" in html and f'value="try {attempt}"' in html and 'id="error-summary"' in html
    assert Tip.objects.count() == 0
    accepted = client.post("/report/", {**FORM, "token": TOKEN})
    assert accepted.status_code == 302 and accepted["Location"] == "/report/receipt/"
    assert Tip.objects.count() == 1


def test_the_limit_counts_accepted_tips_and_a_refusal_keeps_the_report(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="2/3600")
    client = Client()
    assert [client.post("/report/", {**FORM, "token": f"{i}" * 20}).status_code for i in range(2)] == [302, 302]
    refused = client.post("/report/", {**FORM, "token": "z" * 20, "danger": "yes"})
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many reports from this connection" in html and NARRATIVE in html
    assert re.search(r'<input type="radio" name="danger" value="yes"[^>]*checked', html)
    assert Tip.objects.count() == 2


def test_a_flood_of_invalid_posts_meets_the_higher_ceiling(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="10/3600", tip_submit_attempt="3/3600")
    client = Client()
    statuses = [client.post("/report/", {**FORM, "narrative": "no"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    flooded = client.post("/report/", {**FORM, "token": TOKEN})
    assert flooded.status_code == 429 and NARRATIVE in flooded.content.decode() and Tip.objects.count() == 0


# --- POST/redirect/GET and the idempotency token ---------------------------------------------
def test_the_form_carries_a_fresh_random_token(mo: Any) -> None:
    tokens = [re.search(r'name="token" value="([^"]+)"', Client().get("/report/").content.decode()).group(1)  # type: ignore[union-attr]
              for _ in range(2)]
    assert tokens[0] != tokens[1] and all(services.idempotency_key_ok(t) for t in tokens)


def test_reloading_the_receipt_never_files_again(mo: Any) -> None:
    client = Client()
    response = client.post("/report/", {**FORM, "token": TOKEN}, follow=True)
    tip = Tip.objects.get()
    html = response.content.decode()
    passphrase = re.sub(r"<[^>]+>", "", re.search(r'id="passphrase"[^>]*>(.*?)</code>', html).group(1))  # type: ignore[union-attr]
    assert tip.receipt_code in html and services.passphrase_matches(passphrase, tip.passphrase_hash)
    for _ in range(3):
        again = client.get("/report/receipt/")
        assert again.status_code == 200 and tip.receipt_code in again.content.decode()
        assert passphrase not in again.content.decode() and 'id="passphrase-shown"' in again.content.decode()
    assert Tip.objects.count() == 1 and AuditEvent.objects.filter(object_type="tip", action="create").count() == 1


def test_the_same_form_sent_twice_files_one_tip_and_does_not_count(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="1/3600")
    client = Client()
    first = client.post("/report/", {**FORM, "token": TOKEN})
    second = client.post("/report/", {**FORM, "token": TOKEN})  # double click, or Back and send again
    assert first.status_code == second.status_code == 302
    assert Tip.objects.count() == 1
    receipt = client.get("/report/receipt/").content.decode()
    assert 'id="passphrase"' in receipt  # the first answer's passphrase had not been shown yet
    browser = Client()  # another browser with the same token: the receipt code, never the passphrase
    assert browser.post("/report/", {**FORM, "token": TOKEN}).status_code == 302 and Tip.objects.count() == 1
    shown = browser.get("/report/receipt/").content.decode()
    assert Tip.objects.get().receipt_code in shown and 'id="passphrase-shown"' in shown


def test_a_token_that_the_form_could_not_have_made_is_ignored(mo: Any) -> None:
    client = Client()
    assert client.post("/report/", {**FORM, "token": "short"}).status_code == 302
    assert client.post("/report/", {**FORM, "token": "short"}).status_code == 302
    assert Tip.objects.count() == 2 and not Tip.objects.exclude(idempotency_hash=None).exists()


def test_only_a_keyed_hash_of_the_token_is_stored_and_the_session_holds_no_plain_passphrase(mo: Any) -> None:
    client = Client()
    client.post("/report/", {**FORM, "token": TOKEN})
    tip = Tip.objects.get()
    assert tip.idempotency_hash == services.idempotency_hash(TOKEN) and TOKEN not in tip.idempotency_hash
    held = Session.objects.get().get_decoded()["tips_receipt"]
    plain = crypto.decrypt(held["passphrase"])  # encrypted with the field key, like the reporter's contact
    assert held["code"] == tip.receipt_code and plain not in held["passphrase"]
    assert services.passphrase_matches(plain, tip.passphrase_hash)
    assert set(held) == {"code", "passphrase", "photos_kept", "photos_refused", "at"}  # nothing about the reporter
    client.get("/report/receipt/")
    assert Session.objects.get().get_decoded()["tips_receipt"]["passphrase"] == ""  # deleted once shown


def test_an_old_or_missing_receipt_is_not_shown(mo: Any, monkeypatch: Any) -> None:
    assert 'id="receipt-gone"' in Client().get("/report/receipt/").content.decode()
    client = Client()
    client.post("/report/", {**FORM, "token": TOKEN})
    from beacon.tips import views

    monkeypatch.setattr(views.time, "time", lambda: 10**10)
    page = client.get("/report/receipt/").content.decode()
    assert 'id="receipt-gone"' in page and Tip.objects.get().receipt_code not in page


# --- Danger and minor: unanswered, "I don't know", never No -----------------------------------
def test_danger_and_minor_start_unanswered(mo: Any) -> None:
    html = Client().get("/report/").content.decode()
    for name in ("danger", "minor"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)
        assert [re.search(r'value="(\w+)"', r).group(1) for r in radios] == ["yes", "no", "unsure"]  # type: ignore[union-attr]
        assert not any("checked" in r for r in radios)


@pytest.mark.parametrize(("answer", "stored"), [("yes", True), ("no", False), ("unsure", None), (None, None)])
def test_form_answers_are_stored_as_yes_no_or_unknown(mo: Any, answer: str | None, stored: bool | None) -> None:
    data = {**FORM, "token": TOKEN}
    if answer:
        data["danger"] = answer
    Client().post("/report/", data)
    assert Tip.objects.get().danger is stored


def test_unknown_is_never_read_as_no_in_triage() -> None:
    known_no = triage.compute(danger=False, minor=False, indicators=[], identifier_count=0)
    unknown = triage.compute(danger=None, minor=None, indicators=[], identifier_count=0)
    assert known_no.priority == 4 and unknown.priority == 3
    assert "Reporter did not know or did not answer: immediate danger, under 18" in unknown.reasons
    youth = triage.compute(danger=False, minor=None, indicators=["older_partner"], identifier_count=0)
    assert youth.priority == 1
    words = triage.compute(danger=False, minor=None, indicators=[], identifier_count=0,
                           narrative="The girl said she is 15 years old and still in high school.")
    assert words.priority == 1 and "the report mentions: 15 years old, high school" in words.reasons[0]
    said_no = triage.compute(danger=False, minor=False, indicators=[], identifier_count=0,
                             narrative="The girl said she is 15 years old.")
    assert said_no.priority == 4  # the reporter answered: their answer stands (staff can override)
    spam = triage.compute(danger=None, minor=None, indicators=[], identifier_count=0, spam_reason="links")
    assert spam.priority == 4


@pytest.mark.parametrize("text", ["una menor de edad", "a 16-year-old", "two teens", "tiene 14 años", "UNDERAGE girls"])
def test_youth_words_in_english_and_spanish(text: str) -> None:
    assert triage.youth_words(text)


@pytest.mark.parametrize("text", ["a 25-year-old woman", "an adult man", "18 years old", "tiene 30 años"])
def test_no_youth_words_in_adult_descriptions(text: str) -> None:
    assert not triage.youth_words(text)


def test_staff_page_shows_unknown(mo: Any, staff_client: Any, agency_factory: Any) -> None:
    submitted = services.tip_submit(data=services.TipInput(narrative=NARRATIVE, county_fips=JACKSON, danger=None, minor=False))
    client, _user = staff_client("supervisor", agency=agency_factory(task_force="kansas-city"))
    html = client.get(f"/staff/tips/{submitted.tip.pk}/").content.decode()
    situation = re.search(r'id="tip-situation">(.*?)</dd>', html).group(1)  # type: ignore[union-attr]
    assert "danger: <strong>unknown</strong>" in situation and "under 18: <strong>no</strong>" in situation
    assert "Reporter did not know or did not answer: immediate danger" in html


# --- API ---------------------------------------------------------------------------------------
def api_post(body: dict[str, Any], key: str = "", **extra: Any) -> Any:
    if key:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return APIClient().post("/api/v1/tips/", body, format="json", **extra)


@pytest.mark.parametrize(("value", "stored"), [(True, True), (False, False), (None, None), ("unknown", None)])
def test_api_answers(mo: Any, value: Any, stored: bool | None) -> None:
    response = api_post({"narrative": NARRATIVE, "county": JACKSON, "danger": value, "minor": value})
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert tip.danger is stored and tip.minor is stored


def test_api_leaving_the_answers_out_is_unknown(mo: Any) -> None:
    assert api_post({"narrative": NARRATIVE, "county": JACKSON}).status_code == 201
    assert Tip.objects.get().danger is None and Tip.objects.get().minor is None


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "", [], {}])
def test_api_refuses_other_answer_types(mo: Any, value: Any) -> None:
    response = api_post({"narrative": NARRATIVE, "county": JACKSON, "danger": value})
    assert response.status_code == 400
    assert response.json()["fields"]["danger"] == ['Must be true, false, null or "unknown".']
    assert Tip.objects.count() == 0


@pytest.mark.parametrize(("text", "stored"), [("true", True), ("false", False), ("unknown", None), ("", None)])
def test_api_multipart_answers(mo: Any, text: str, stored: bool | None) -> None:
    response = APIClient().post("/api/v1/tips/", {"narrative": NARRATIVE, "danger": text}, format="multipart")
    assert response.status_code == 201, response.content
    assert Tip.objects.get().danger is stored


def test_api_idempotency_key_returns_the_first_receipt(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="1/3600")
    key = "3f1c9a8e-6b2d-4c57-9a41-1e0d2b7c5f60"
    first = api_post({"narrative": NARRATIVE, "county": JACKSON}, key)
    again = api_post({"narrative": NARRATIVE, "county": JACKSON}, key)
    assert first.status_code == 201 and first.json()["passphrase"]
    assert again.status_code == 200 and again.json()["receipt_code"] == first.json()["receipt_code"]
    assert again.json()["passphrase"] is None
    assert Tip.objects.count() == 1
    assert api_post({"narrative": NARRATIVE}, "another-key-0123456789").status_code == 429  # the one accepted tip counted


@pytest.mark.parametrize("key", ["short", "x" * 201, "has space inside the key", "ünïcödé-key-1234567"])
def test_api_refuses_a_bad_idempotency_key(mo: Any, key: str) -> None:
    response = api_post({"narrative": NARRATIVE}, key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]
    assert Tip.objects.count() == 0


def test_api_invalid_bodies_do_not_count(mo: Any, settings: Any) -> None:
    limits(settings, tip_submit="1/3600")
    assert [api_post({"narrative": "short"}).status_code for _ in range(5)] == [400] * 5
    assert api_post({"narrative": NARRATIVE}).status_code == 201
    assert api_post({"narrative": NARRATIVE}).status_code == 429


def test_racing_requests_with_one_key_store_one_tip(mo: Any) -> None:
    """The unique hash decides: a request that finds no tip first but loses the insert gets the winner's receipt."""
    data = services.TipInput(narrative=NARRATIVE, county_fips=JACKSON)
    winner = services.tip_submit(data=data, idempotency_key=TOKEN)
    from beacon.tips import services as module

    original = module.submitted_before
    calls: list[str] = []

    def first_miss(key: str) -> Any:
        calls.append(key)
        return None if len(calls) == 1 else original(key)

    module.submitted_before = first_miss  # type: ignore[assignment]
    try:
        loser = services.tip_submit(data=data, idempotency_key=TOKEN)
    finally:
        module.submitted_before = original  # type: ignore[assignment]
    assert loser.replayed and loser.receipt_code == winner.receipt_code and Tip.objects.count() == 1


# --- Follow-up passphrase as people type it ---------------------------------------------------
@pytest.mark.parametrize("typed", ["abcd efgh jkmn pqrs", "ABCDEFGHJKMNPQRS", " abcd-EFGH jkmn.pqrs ", "Abcd_efgh_jkmn_pqrs"])
def test_normalise_passphrase(typed: str) -> None:
    assert services.normalise_passphrase(typed) == "ABCD-EFGH-JKMN-PQRS"


def test_normalise_passphrase_works_for_any_number_of_groups() -> None:
    assert services.normalise_passphrase("abcd efgh jkmn pqrs tuvw xyz2") == "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2"
    assert services.normalise_passphrase("abc") == "ABC" and services.normalise_passphrase("") == ""


def test_follow_up_takes_spaces_and_lower_case(mo: Any, submit: Any) -> None:
    submitted = submit()
    typed = submitted.passphrase.replace("-", " ").lower()
    page = Client().post("/report/follow-up/", {"receipt_code": submitted.receipt_code.lower(), "passphrase": typed})
    assert page.status_code == 200 and 'id="report-status"' in page.content.decode()
    api = APIClient().post("/api/v1/tips/follow-up/", {"receipt_code": submitted.receipt_code,
                                                       "passphrase": submitted.passphrase.replace("-", "")}, format="json")
    assert api.status_code == 200


def test_a_wrong_passphrase_still_counts(mo: Any, submit: Any) -> None:
    submitted = submit()
    page = Client().post("/report/follow-up/", {"receipt_code": submitted.receipt_code, "passphrase": "aaaa bbbb cccc dddd"})
    assert "do not match" in page.content.decode() and 'id="error-summary"' in page.content.decode()
    assert Tip.objects.get().failed_followups == 1 and RateCounter.objects.exists()


# --- Accessibility of the form's markup -----------------------------------------------------
def _ids_and_references(html: str) -> tuple[set[str], list[str]]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = [ref for value in re.findall(r'aria-describedby="([^"]+)"', html) for ref in value.split()]
    return ids, refs


@pytest.mark.parametrize("data", [None, {**FORM, "narrative": "short", "lat": "200", "county": "99999"}])
def test_every_described_by_points_at_an_element(mo: Any, data: dict[str, str] | None) -> None:
    html = (Client().post("/report/", data) if data else Client().get("/report/")).content.decode()
    ids, refs = _ids_and_references(html)
    assert "id_narrative_helptext" in refs and "id_contact_helptext" in refs
    if data:
        assert {"id_narrative_error", "id_lat_error"} <= set(refs)
        assert re.search(r'<div [^>]*id="error-summary"[^>]*autofocus', html)
        assert 'href="#id_narrative"' in html
    assert [r for r in refs if r not in ids] == []


def test_follow_up_field_hints_exist(mo: Any) -> None:
    html = Client().get("/report/follow-up/").content.decode()
    ids, refs = _ids_and_references(html)
    assert "id_passphrase_helptext" in refs and [r for r in refs if r not in ids] == []
    assert 'data-toggle-for="id_passphrase"' in html


@pytest.mark.parametrize("path", ["/report/", "/es/report/", "/report/follow-up/", "/es/report/follow-up/", "/services/",
                                  "/es/services/", "/report/receipt/"])
def test_quick_exit_and_language_link_outside_the_menu(mo: Any, path: str) -> None:
    html = Client().get(path).content.decode()
    tools = html.split('class="beacon-public-tools"')[1].split("</nav>")[0]
    assert 'id="quick-exit" href="https://www.weather.gov/"' in tools and "beacon/quick_exit.js" in tools
    assert 'hreflang="es"' in tools or 'hreflang="en"' in tools
    assert ("Salida rápida" if path.startswith("/es/") else "Quick exit") in tools

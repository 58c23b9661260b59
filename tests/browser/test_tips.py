from __future__ import annotations

from typing import Any

import pytest

from beacon.core.models import AuditEvent
from beacon.tips import services
from beacon.tips.models import Status, Tip
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser: Any) -> Any:
    context = browser.new_context(java_script_enabled=False, locale="es-US", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def test_public_tip_in_spanish_without_javascript(live_server: Any, no_js_page: Any, mo: Any) -> None:
    page = no_js_page
    page.goto(f"{live_server.url}/es/report/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Reportar una pista"
    page.get_by_label("¿Qué pasó?").fill("Hay dos chicas que no pueden salir del motel; el hombre contesta al 816 555 0101.")
    page.locator('label[for="id_minor_0"]').click()  # "Sí": USWDS hides the input; people click the label
    page.get_by_label("¿Dónde? Dirección, negocio, ciudad o pueblo").fill("Independence")
    page.locator("label", has_text="Alguien parece no poder irse").click()
    page.get_by_role("button", name="Enviar reporte").click()
    page.wait_for_selector("#receipt-code")
    assert "Gracias. Recibimos su reporte." in page.content()
    code = page.locator("#receipt-code").inner_text()
    passphrase = page.locator("#passphrase").inner_text()
    tip = Tip.objects.get(receipt_code=code)
    assert tip.priority == 1 and tip.county_id == "29095" and tip.language == "es"
    assert tip.identifiers.filter(value="+18165550101").exists()
    # Follow-up with the receipt, still without JavaScript.
    page.goto(f"{live_server.url}/es/report/follow-up/")
    page.get_by_label("Código de recibo").fill(code)
    page.get_by_label("Frase de acceso").fill(passphrase)
    page.get_by_role("button", name="Consultar").click()
    assert "Recibido" in page.locator("#report-status").inner_text()


def test_public_tip_in_english(live_server: Any, page: Any, mo: Any) -> None:
    page.goto(f"{live_server.url}/report/")
    page.get_by_label("What happened?").fill("Workers at the farm say the boss keeps their passports and they owe him money.")
    page.locator('#tip-map path[data-fips="29077"]').click()  # Greene County on the map
    assert page.get_by_label("Latitude").input_value() != ""
    page.locator("label", has_text="Someone else holds their ID").click()
    page.get_by_label("Licence plate").fill("ABC 1234")
    page.get_by_label("Plate state").fill("MO")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_selector("#receipt-code")
    tip = Tip.objects.get(receipt_code=page.locator("#receipt-code").inner_text())
    assert tip.priority == 2 and tip.county_id == "29077" and tip.placement == "point"
    assert tip.identifiers.filter(kind="plate", value="MO:ABC1234").exists()
    assert AuditEvent.objects.get(object_type="tip", action="create").ip is None


def test_staff_triage_flow(live_server: Any, page: Any, mo: Any, user_factory: Any, agency_factory: Any) -> None:
    supervisor = user_factory("supervisor", agency=agency_factory(task_force="kansas-city"))
    first = services.tip_submit(data=services.TipInput(
        narrative="Ad for girls at the motel, call 816-555-0101", county_fips="29095"))
    submitted = services.tip_submit(data=services.TipInput(
        narrative="A 16-year-old is kept at a house; the man's number is eight one six 555 o1o1", minor=True,
        place_text="Kansas City", contact="Call me at 555-0142"))
    tip = submitted.tip
    browser_login(page, live_server.url, supervisor)
    page.goto(f"{live_server.url}/staff/tips/")
    rows = page.locator("#tip-queue tbody tr")
    assert rows.first.inner_text().startswith(f"#{tip.pk}")  # the P1 tip is first
    rows.first.get_by_role("link").click()
    assert page.locator("#tip-priority").inner_text() == "P1"
    assert "Involves someone under 18" in page.locator("#priority-reasons").inner_text()
    assert f"Tip #{first.tip.pk}" in page.locator("#tip-links").inner_text()
    page.get_by_label("Status").select_option(Status.TRIAGED)
    page.get_by_role("button", name="Change status").click()
    assert page.locator("#tip-status").inner_text() == "Triaged"
    page.get_by_label("Assign to").select_option(label=supervisor.username)
    page.get_by_role("button", name="Assign").click()
    page.get_by_label("Question for the reporter").fill("Which street is the house on?")
    page.get_by_role("button", name="Ask the reporter").click()
    page.get_by_role("link", name="Show reporter contact details (audited)").click()
    assert "555-0142" in page.locator("#tip-contact").inner_text()
    tip.refresh_from_db()
    assert tip.status == Status.ASSIGNED and tip.assigned_to_id == supervisor.pk
    assert AuditEvent.objects.filter(actor=supervisor, action="read", detail__field="contact").count() == 1
    # The reporter sees the question with the receipt code and answers it.
    page.goto(f"{live_server.url}/report/follow-up/")
    page.get_by_label("Receipt code").fill(submitted.receipt_code)
    page.get_by_label("Passphrase").fill(submitted.passphrase)
    page.get_by_role("button", name="Check").click()
    assert "Which street is the house on?" in page.content()
    assert "Under review" in page.locator("#report-status").inner_text()
    page.get_by_label("Add information or answer a question").fill("Maple Avenue, the blue house")
    page.get_by_role("button", name="Add to my report").click()
    assert "Maple Avenue" in page.content()
    assert tip.messages.filter(kind="reporter").count() == 1

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from beacon.cases import services
from beacon.cases.models import DeconflictionAlert
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deconfliction_alert_and_link_graph(live_server: Any, page: Any, mo: Any, agency_factory: Any,
                                            user_factory: Any) -> None:
    kc = agency_factory("law_enforcement", name="KC Browser Police", county="29095", task_force="kansas-city")
    stl = agency_factory("law_enforcement", name="STL Browser Police", county="29510", task_force="st-louis")
    me = user_factory("investigator", agency=kc)
    them = user_factory("investigator", agency=stl)
    mine = services.case_create(acting_user=me, title="Browser case", kind="sex")
    services.identifier_add(case=mine, acting_user=me, kind="email", raw="ring@example.org")
    theirs = services.case_create(acting_user=them, title="Their hidden case")
    services.identifier_add(case=theirs, acting_user=them, kind="phone", raw="314-555-0190")
    colleague = services.case_create(acting_user=me, title="Colleague case")
    services.identifier_add(case=colleague, acting_user=me, kind="email", raw="RING@example.org")

    browser_login(page, live_server.url, me)
    page.goto(f"{live_server.url}/staff/cases/")
    page.get_by_role("link", name="Browser case").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Browser case")

    form = page.locator("#identifier-form")
    form.get_by_label("Kind").select_option("phone")
    form.get_by_label("Identifier").fill("(314) 555-0190")
    form.get_by_role("button", name="Add identifier").click()
    alert = page.locator(".beacon-deconfliction").first
    alert.wait_for()
    text = alert.inner_text()
    assert "STL Browser Police" in text and "also holds this phone" in text
    assert "Their hidden case" not in page.content()
    assert DeconflictionAlert.objects.filter(case=theirs, other_agency=kc).exists()
    alert.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Alert acknowledged.").wait_for()

    page.get_by_role("link", name="Link graph").click()
    page.wait_for_selector("#link-graph canvas")
    expect(page.locator("#link-graph")).to_have_attribute("data-rendered-nodes", re.compile(r".*"))  # (no eval under the CSP)
    # Shown: my case, my colleague's case, the shared e-mail and the phone; their case only counted.
    assert page.locator("#link-graph").get_attribute("data-rendered-nodes") == "4"
    assert page.locator("#graph-summary").get_attribute("data-restricted") == "1"
    assert page.evaluate("window.beaconGraph.nodes('[type = \"case\"]').length") == 2

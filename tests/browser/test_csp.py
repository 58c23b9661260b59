"""The Content-Security-Policy breaks nothing: the main public and staff pages, visited in
Chromium, report no policy violation (``securitypolicyviolation`` events and console errors),
and their scripts still work (the tip form's map and location button, the link graph's
cytoscape, the hops select, the federal report's Print button)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from beacon.cases import services as case_services
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  geolocation={"latitude": 39.0997, "longitude": -94.5786})
    context.add_init_script(LISTEN)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    console: list[str] = []
    pg.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    pg.console_errors = console
    yield pg, context
    context.close()


def _visit(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    _assert_clean(page, url)


def _assert_clean(page: Any, url: str) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], (url, violations)
    policy_errors = [m for m in page.console_errors if "Content Security Policy" in m or "Permissions policy" in m
                     or "page error" in m]
    assert policy_errors == [], (url, policy_errors)


def test_public_pages_work_under_the_policy(live_server: Any, watched: Any, mo: Any) -> None:
    page, context = watched
    base = live_server.url
    for path in ("/", "/es/", "/report/follow-up/", "/services/", "/dashboard/", "/training/", "/awareness/",
                 "/accounts/login/"):
        _visit(page, base + path)

    # The tip form's scripts run: the map sets the point, the location button asks the browser.
    context.grant_permissions(["geolocation"], origin=base)
    _visit(page, base + "/report/")
    page.locator("#tip-map-hint").wait_for(state="visible")
    page.locator("#tip-map").click(position={"x": 200, "y": 150})
    assert page.locator("#id_lat").input_value() != ""
    page.locator("#tip-locate").click()
    expect(page.locator("#id_lat")).to_have_value("39.09970")  # (not wait_for_function: it needs eval, which the CSP refuses)
    assert page.locator("#id_lon").input_value() == "-94.57860"
    # The language switch is a plain link to the same page in Spanish.
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(f"{base}/es/report/")
    assert page.locator("html").get_attribute("lang") == "es"
    _assert_clean(page, "/es/report/")


def test_staff_pages_and_the_link_graph_work_under_the_policy(live_server: Any, watched: Any, mo: Any,
                                                                agency_factory: Any, user_factory: Any) -> None:
    page, _ = watched
    base = live_server.url
    kc = agency_factory("law_enforcement", name="KC CSP Police", county="29095", task_force="kansas-city")
    me = user_factory("investigator", "supervisor", agency=kc)
    case = case_services.case_create(acting_user=me, title="CSP case", kind="sex")
    case_services.identifier_add(case=case, acting_user=me, kind="email", raw="csp@example.org")
    other = case_services.case_create(acting_user=me, title="CSP other case")
    case_services.identifier_add(case=other, acting_user=me, kind="email", raw="CSP@example.org")

    browser_login(page, base, me)
    _assert_clean(page, "login")
    for path in ("/staff/", "/staff/tips/", "/staff/cases/", f"/staff/cases/{case.pk}/", "/staff/ads/",
                 "/staff/outreach/", "/staff/outreach/county/29095/", "/staff/training/"):
        _visit(page, base + path)

    _visit(page, f"{base}/staff/cases/{case.pk}/")
    page.get_by_role("link", name="Link graph").click()
    page.wait_for_selector("#link-graph canvas")
    expect(page.locator("#link-graph")).to_have_attribute("data-rendered-nodes", re.compile(r".*"))  # (no eval under the CSP)
    assert page.locator("#link-graph").get_attribute("data-rendered-nodes") == "3"
    page.locator("#hops").select_option("1")  # submits itself (graph.js, no inline handler)
    page.wait_for_url("**hops=1**")
    _assert_clean(page, "graph")

    # The federal report's Print button is wired by cases/report.js (it was an onclick= attribute).
    _visit(page, f"{base}/staff/cases/reports/federal/?task_force=kansas-city&quarter=2026Q3")
    assert page.locator("#federal-report").is_visible()
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.locator("[data-beacon-print]").click()
    assert page.evaluate("window.__printed") is True
    _assert_clean(page, "federal report")

"""Each role's main staff flow in Chromium at desktop and phone width, in English and in Spanish.

Every page visited passes axe-core with no violation of any impact (color contrast inside the
alerts included: each flow passes pages that show one), stays within the page-weight and
first-paint budgets, and does not scroll sideways (wide tables scroll inside their region).
In the Spanish runs every page visited must say ``<html lang="es">`` (``check`` asserts the page's
expected language) and the flows find links, buttons and fields by their Spanish names (``tr``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.cases.models import Case
from beacon.tips import services as tip_services
from beacon.tips.models import Status, Tip
from tests.browser.staff import GRAPH_PAGE_WEIGHT_BUDGET, WIDTHS, check, signed_in_page, tr, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

widths = pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
# Each flow in English at both widths here; test_staff_flows_es.py runs the same flows in Spanish
# (a module of its own, so that `pytest -n 2 --dist loadfile` runs the two languages side by side).
flows = pytest.mark.parametrize(("lang", "width"), [("en", w) for w in WIDTHS.values()],
                                ids=[f"en-{name}" for name in WIDTHS])
OLDER_PARTNER = "A young person with a much older 'boyfriend' or 'girlfriend'"


def _tip(fips: str = "29095", **kw: Any) -> Tip:
    return tip_services.tip_submit(data=tip_services.TipInput(
        narrative=kw.pop("narrative", "Two girls cannot leave the motel on I-70; the man answers 816-555-0101 and "
                                      "posts their ads online. One of them has a much older boyfriend."),
        county_fips=fips, situation=kw.pop("situation", "sex"), **kw)).tip


@flows
def test_supervisor_triages_and_escalates_a_tip(live_server: Any, browser: Any, mo: Any, agency_factory: Any,
                                                 user_factory: Any, lang: str, width: int) -> None:
    kc = agency_factory("law_enforcement", name="KC Flow Police", county="29095", task_force="kansas-city")
    sup = user_factory("supervisor", agency=kc)
    sup.first_name, sup.last_name = "Sam", "Rivera"
    sup.save()
    tip = _tip(minor=True, indicators=["older_partner", "online_ads"])
    _tip(narrative="Workers at a farm say the boss holds their passports and they owe him money.",
         situation="labor")
    base = live_server.url
    page = signed_in_page(browser, live_server, sup, width)

    visit(page, f"{base}/staff/")
    if lang == "es":  # the supervisor picks Spanish with the header's switch (visible on a phone, menu closed)
        switch = page.get_by_role("button", name="Español")
        assert switch.is_visible()
        switch.click()
        page.wait_for_url(f"{base}/staff/")
        page.expected_lang = "es"
        check(page)
        assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Welcome, %(name)s", name="Sam Rivera")
        assert page.get_by_role("button", name="English").is_visible()
    tips_panel = page.locator('[data-panel="tips"]')
    p1_link = "1 " + tr(lang, "Open P1 tips (immediate)")
    assert tips_panel.get_by_role("link", name=p1_link).is_visible()
    current = page.locator('nav [aria-current="page"]')
    assert current.count() == 1 and current.get_attribute("href") == "/staff/"
    tips_panel.get_by_role("link", name=p1_link).click()
    page.wait_for_url("**/staff/tips/?**")
    check(page)
    current = page.locator('nav [aria-current="page"]')
    assert current.count() == 1 and current.get_attribute("href") == "/staff/tips/"
    rows = page.locator("#tip-queue tbody tr")
    assert rows.count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Tip queue")
    assert page.get_by_role("region", name=tr(lang, "Tip queue")).get_attribute("tabindex") == "0"
    rows.first.get_by_role("link", name=f"#{tip.pk}").click()
    page.wait_for_url(f"**/staff/tips/{tip.pk}/")
    check(page)
    reasons = page.locator("#priority-reasons").inner_text()
    assert "older_partner" not in reasons and tr(lang, OLDER_PARTNER) in reasons
    # Assign by name, then escalate.
    page.get_by_label(tr(lang, "Assign to")).select_option(label="Sam Rivera")
    page.get_by_role("button", name=tr(lang, "Assign"), exact=True).click()
    page.wait_for_url(f"**/staff/tips/{tip.pk}/")
    check(page)  # the success alert is on the page: its contrast is checked
    assert "Sam Rivera" in page.locator("dl").first.inner_text()
    page.get_by_role("link", name=tr(lang, "Escalate to a case")).click()
    page.wait_for_url("**/staff/cases/new/?from=tip:*")
    check(page)
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Open a case")
    assert page.get_by_label(tr(lang, "Trafficking type")).input_value() == "sex"
    assert page.get_by_label(tr(lang, "Summary")).input_value().startswith(f"From tip #{tip.pk}")
    assert "+18165550101" in page.get_by_test_id("source-identifiers").inner_text()
    # The county picker narrows its 115 options as one types; the tip's county is chosen already.
    county_filter = page.get_by_label(tr(lang, "Find a county"))
    county_filter.fill("jack")
    visible = page.locator("#id_counties option:not([hidden])")
    assert visible.count() == 1 and visible.first.inner_text() == "Jackson County"
    county_filter.fill("cla")
    page.locator("#id_counties").select_option(["29047", "29095"])  # Clay County too (Jackson stays chosen)
    check(page)
    page.get_by_role("button", name=tr(lang, "Open the case")).click()
    page.wait_for_url("**/staff/cases/*/")
    check(page)
    case = Case.objects.get()
    assert sorted(c.fips for c in case.counties.all()) == ["29047", "29095"]
    assert Tip.objects.get(pk=tip.pk).status == Status.ESCALATED
    visit(page, f"{base}/staff/tips/{tip.pk}/")
    page.locator("#tip-cases").get_by_role("link").click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")

    visit(page, f"{base}/staff/ads/")
    visit(page, f"{base}/staff/outreach/")
    assert page.locator("#gap-table tbody tr").count() == 115
    region = page.get_by_role("region", name=tr(lang, "Outreach gap, largest first"))
    box = region.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the table scrolls inside, not off the page


@flows
def test_investigator_links_a_tip_and_reads_the_graph(live_server: Any, browser: Any, mo: Any, agency_factory: Any,
                                                       user_factory: Any, lang: str, width: int) -> None:
    kc = agency_factory("law_enforcement", name="KC Graph Police", county="29095", task_force="kansas-city")
    stl = agency_factory("law_enforcement", name="STL Graph Police", county="29510", task_force="st-louis")
    inv = user_factory("investigator", agency=kc)
    other = user_factory("investigator", agency=stl)
    case = case_services.case_create(acting_user=inv, title="Motel ring on the I-70 corridor", kind="sex")
    case_services.identifier_add(case=case, acting_user=inv, kind="email", raw="ring@example.org")
    case_services.person_add(case=case, acting_user=inv, role="suspect", name="Johnathan Exampleperson-Longname")
    case_services.task_add(case=case, acting_user=inv, title="Call the motel manager", owner=inv,
                           due_on=timezone.localdate() + dt.timedelta(days=1))
    sibling = case_services.case_create(acting_user=inv, title="A second case with a long enough title to wrap")
    case_services.identifier_add(case=sibling, acting_user=inv, kind="email", raw="RING@example.org")
    theirs = case_services.case_create(acting_user=other, title="Their case")
    case_services.identifier_add(case=theirs, acting_user=other, kind="email", raw="ring@example.org")
    tip = _tip(narrative="Massage place on Main Street: the women live upstairs; call 816 555 0170.")
    base = live_server.url
    page = signed_in_page(browser, live_server, inv, width, language=lang)

    visit(page, f"{base}/staff/")
    tasks_due = "1 " + tr(lang, "Your case tasks due within a week or overdue")
    assert page.locator('[data-panel="cases"]').get_by_role("link", name=tasks_due).is_visible()
    page.get_by_role("link", name="Call the motel manager").click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/#tasks")
    check(page)
    assert page.get_by_role("region", name=tr(lang, "People")).is_visible()
    visit(page, f"{base}/staff/cases/alerts/")
    visit(page, f"{base}/staff/cases/{case.pk}/link/")
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Link to case #%(n)s", n=case.pk)
    page.get_by_label(tr(lang, "Find a tip or ad operation: number, words, phone or other identifier")).fill("massage")
    page.get_by_role("button", name=tr(lang, "Search")).click()
    check(page)
    tip_label = tr(lang, "Tip #%(n)s", n=tip.pk)
    page.locator("#link-results").get_by_role("button", name=tr(lang, "Link %(label)s", label=tip_label)).click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/#links")
    check(page)
    assert case.links.get().object_id == str(tip.pk)

    page.get_by_role("link", name=tr(lang, "Link graph")).click()
    page.wait_for_url("**/staff/cases/graph/?**")
    page.locator("#link-graph[data-rendered-nodes]").wait_for(state="attached")
    check(page, weight_budget=GRAPH_PAGE_WEIGHT_BUDGET)
    graph = page.locator("#link-graph")
    zoom = float(graph.get_attribute("data-zoom") or 0)
    assert zoom >= 0.8 if width < 600 else zoom > 0
    page.get_by_role("button", name=tr(lang, "Zoom in")).click()
    assert float(graph.get_attribute("data-zoom") or 0) > zoom
    # Labels sit below the nodes and no two labels overlap each other or another node.
    overlaps = page.evaluate("""() => {
      const cy = window.beaconGraph; const boxes = cy.nodes().map(n => ({id: n.id(),
        label: n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true}),
        body: n.boundingBox({includeLabels: false, includeEdges: false})}));
      const hit = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
      const out = [];
      for (const a of boxes) for (const b of boxes) {
        if (a.id !== b.id && (hit(a.label, b.body) || (a.id < b.id && hit(a.label, b.label)))) out.push([a.id, b.id]);
        if (a.id === b.id && a.label.y1 < a.body.y2 - 1) out.push([a.id, 'own node']);
      }
      return out; }""")
    assert overlaps == []
    # The list says the same as the picture: the tip, both visible cases, the shared e-mail.
    listing = page.locator("#graph-list ~ div table")
    text = " ".join(listing.all_inner_texts())
    assert "Motel ring" in text and "A second case" in text and tip_label in text and "Their case" not in text


@flows
def test_analyst_reviews_ad_operations(live_server: Any, browser: Any, mo: Any, user_factory: Any, lang: str,
                                       width: int) -> None:
    from beacon.monitoring import seed
    from beacon.monitoring.models import Ad

    seed.run()
    top = Ad.objects.get(external_id="demo-i70-01").operation
    analyst = user_factory("analyst")
    base = live_server.url
    page = signed_in_page(browser, live_server, analyst, width, language=lang)
    visit(page, f"{base}/staff/")
    page.locator('[data-panel="ads"]').get_by_role("link", name=tr(lang, "Ad operations awaiting review")).click()
    page.wait_for_url("**/staff/ads/?**")
    check(page)
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Ad review queue")
    assert page.locator("#queue tbody tr").count() == 3
    visit(page, f"{base}/staff/ads/operations/{top.pk}/")
    reasons = page.locator("#reasons").inner_text()
    assert "OP_" not in reasons and "AD_" not in reasons
    page.get_by_role("button", name=tr(lang, "Watch"), exact=True).click()
    check(page)


@flows
def test_advocate_and_trainer_and_admin_homes(live_server: Any, browser: Any, mo: Any, agency_factory: Any,
                                               user_factory: Any, lang: str, width: int) -> None:
    from beacon.survivors import services as survivor_services
    from beacon.training import services as training_services

    ngo = agency_factory("ngo", name="Flow NGO", county="29019")
    advocate = user_factory("advocate", agency=ngo)
    survivor_services.survivor_create(acting_user=advocate, preferred_name="Rosa", phone="555-0199")
    trainer = user_factory("trainer", agency=ngo)
    start = timezone.now() + dt.timedelta(days=5)
    training_services.workshop_create(acting_user=trainer, title="Recognizing trafficking", audience="public",
                                      starts_at=start, ends_at=start + dt.timedelta(hours=2), county_id="29019",
                                      venue_name="Library", venue_address="1 Main St, Columbia", capacity=20)
    admin = user_factory("admin", kind="other")
    base = live_server.url

    page = signed_in_page(browser, live_server, advocate, width, language=lang)
    visit(page, f"{base}/staff/")
    records_link = "1 " + tr(lang, "Survivor records of your agency")
    page.locator('[data-panel="survivors"]').get_by_role("link", name=records_link).click()
    page.wait_for_url("**/staff/survivors/records/")
    check(page)
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Survivor records")
    visit(page, f"{base}/staff/survivors/referrals/")
    page.context.close()

    page = signed_in_page(browser, live_server, trainer, width, language=lang)
    visit(page, f"{base}/staff/")
    page.get_by_role("link", name="Recognizing trafficking").click()
    page.wait_for_url("**/staff/training/workshops/*/")
    check(page)
    page.context.close()

    page = signed_in_page(browser, live_server, admin, width, language=lang)
    visit(page, f"{base}/staff/")
    page.locator('[data-panel="audit"]').get_by_role("link").first.click()
    page.wait_for_url("**/staff/audit/?**")
    check(page)
    assert page.get_by_role("heading", level=1).inner_text() == tr(lang, "Audit trail")
    visit(page, f"{base}/staff/people/")
    visit(page, f"{base}/staff/taskforces/")
    page.context.close()


@widths
@pytest.mark.parametrize(("path", "heading", "lang"), [("/staff/no-such-page/", "Page not found", "en"),
                                                        ("/es/no-existe/", "Página no encontrada", "es")])
def test_not_found_page_in_both_languages(live_server: Any, browser: Any, mo: Any, width: int, path: str,
                                          heading: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.js_errors = []
    visit(page, live_server.url + path, status=404)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator("html").get_attribute("lang") == lang
    context.close()


def test_language_switch_works_on_a_phone_without_javascript(live_server: Any, browser: Any, mo: Any,
                                                            user_factory: Any) -> None:
    """The switch sits above the header (no menu to open), is a plain form, and the choice sticks:
    on the next page, and in a new session on another device."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import verify_client

    viewer = user_factory("admin", kind="other")
    viewer.first_name = "Ana"
    viewer.save()
    base = live_server.url

    def phone_page() -> Any:
        cookie = verify_client(Client(), viewer).cookies[settings.SESSION_COOKIE_NAME]
        context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="en-US")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}])
        return context.new_page()

    page = phone_page()
    page.goto(f"{base}/staff/audit/")
    assert page.locator("html").get_attribute("lang") == "en"
    switch = page.get_by_role("button", name="Español")
    assert switch.is_visible()
    switch.click()
    page.wait_for_url(f"{base}/staff/audit/")  # back on the same address: no /es/ prefix for staff pages
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == tr("es", "Audit trail")
    page.goto(f"{base}/staff/")
    assert page.get_by_role("heading", level=1).inner_text() == tr("es", "Welcome, %(name)s", name="Ana")
    page.context.close()

    page = phone_page()  # a new session in a fresh browser: the saved choice applies
    page.goto(f"{base}/staff/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base}/staff/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.context.close()

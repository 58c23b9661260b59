"""The staff home per role, the navigation's current entry, names, labels, and Beacon's 404/500 pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from beacon.cases import services as case_services
from beacon.core.navigation import current_url
from beacon.tips import services as tip_services
from beacon.tips import triage


def _counts(response: Any) -> dict[str, dict[str, int]]:
    return {p.key: {str(i.label): i.count for i in p.items} for p in response.context["panels"]}


def _tip(fips: str = "29095", **kw: Any) -> Any:
    return tip_services.tip_submit(data=tip_services.TipInput(
        narrative=kw.pop("narrative", "Someone is kept at a house and cannot leave, the man answers 816-555-0101."),
        county_fips=fips, **kw)).tip


def test_supervisor_sees_the_tips_cases_and_ads_of_their_area(mo: Any, agency_factory: Any, user_factory: Any,
                                                               staff_client: Any) -> None:
    kc = agency_factory(task_force="kansas-city", county="29095")
    sup = user_factory("supervisor", agency=kc)
    p1 = _tip(minor=True)
    _tip()  # new, unassigned
    # assigning moves a tip out of "new"
    assigned = _tip()
    tip_services.tip_assign(tip=assigned, assignee=sup, acting_user=sup)
    closed = _tip(minor=True)
    tip_services.tip_set_status(tip=closed, status="closed_no_action", acting_user=sup)
    _tip("29510", minor=True)  # St. Louis: not this supervisor's area
    case = case_services.case_create(acting_user=sup, title="Home case")
    today = timezone.localdate()
    case_services.task_add(case=case, acting_user=sup, title="Interview", owner=sup, due_on=today + dt.timedelta(days=2))
    case_services.task_add(case=case, acting_user=sup, title="Overdue", owner=sup, due_on=today - dt.timedelta(days=1))
    case_services.task_add(case=case, acting_user=sup, title="Later", owner=sup, due_on=today + dt.timedelta(days=30))
    client, _ = staff_client(user=sup)
    response = client.get(reverse("core:dashboard"))
    counts = _counts(response)
    assert set(counts) == {"tips", "cases", "ads"}
    assert counts["tips"] == {"New tips": 2, "Open P1 tips (immediate)": 1, "Open tips not assigned to anyone": 2,
                              "Open tips assigned to you": 1}
    assert counts["cases"]["Your case tasks due within a week or overdue"] == 2
    assert counts["cases"]["Open cases"] == 1
    # Each count is a link to the list it summarises, and the list shows as many.
    p1_link = next(i.url for i in response.context["panels"][0].items if i.count == 1 and "P1" in str(i.label))
    queue = client.get(p1_link)
    assert [t.pk for t in queue.context["page"]] == [p1.pk]
    unassigned = next(i.url for i in response.context["panels"][0].items if "not assigned" in str(i.label))
    assert client.get(unassigned).context["page"].paginator.count == 2
    page = response.content.decode()
    assert "Interview" in page and "Overdue" in page and "Later" not in page
    assert f'href="{p1_link.replace("&", "&amp;")}"' in page


@pytest.mark.parametrize(("role", "kind", "panels"), [
    ("investigator", "law_enforcement", {"tips", "cases", "ads"}),
    ("analyst", "law_enforcement", {"tips", "ads"}),
    ("advocate", "ngo", {"survivors"}),
    ("advocate", "law_enforcement", set()),  # survivor records never reach law enforcement
    ("trainer", "ngo", {"training"}),
    ("admin", "other", {"audit"}),
    ("viewer", "other", set()),
])
def test_each_role_sees_only_its_panels(mo: Any, staff_client: Any, role: str, kind: str, panels: set[str]) -> None:
    client, _ = staff_client(role, kind=kind)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert set(_counts(response)) == panels


def test_trainer_and_advocate_counts(mo: Any, staff_client: Any, user_factory: Any) -> None:
    from beacon.training import services as training_services

    client, trainer = staff_client("trainer", kind="ngo")
    start = timezone.now() + dt.timedelta(days=3)
    training_services.workshop_create(acting_user=trainer, title="Signs of trafficking", audience="public",
                                      starts_at=start, ends_at=start + dt.timedelta(hours=2), county_id="29019",
                                      venue_name="Library", venue_address="1 Main St, Columbia", capacity=20)
    counts = _counts(client.get(reverse("core:dashboard")))
    assert counts["training"]["Your upcoming workshops"] == 1
    other, _ = staff_client("trainer", kind="ngo")
    assert _counts(other.get(reverse("core:dashboard")))["training"]["Your upcoming workshops"] == 0


def test_admin_sees_refusals_of_the_week(mo: Any, staff_client: Any) -> None:
    client, _ = staff_client("admin", kind="other")
    viewer, _ = staff_client("viewer", kind="other")
    assert viewer.get(reverse("tips:index")).status_code == 403  # recorded as denied
    response = client.get(reverse("core:dashboard"))
    item = response.context["panels"][0].items[0]
    assert item.count == 1
    assert client.get(item.url).context["page"].paginator.count == 1


@pytest.mark.parametrize(("path", "current"), [
    ("/staff/", "/staff/"),
    ("/staff/tips/", "/staff/tips/"),
    ("/staff/tips/12/", "/staff/tips/"),
    ("/staff/cases/alerts/", "/staff/cases/"),
    ("/", None),
    ("/report/", None),
])
def test_one_navigation_entry_is_current(path: str, current: str | None) -> None:
    urls = ["/staff/", "/staff/tips/", "/staff/cases/", "/staff/outreach/"]
    assert current_url(path, urls) == current


def test_home_is_not_current_on_a_section_page(mo: Any, staff_client: Any, agency_factory: Any) -> None:
    client, _ = staff_client("supervisor", agency=agency_factory(task_force="kansas-city"))
    page = client.get(reverse("tips:index")).content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/staff/tips/" class="usa-nav-link usa-current" aria-current="page"' in page
    home = client.get(reverse("core:dashboard")).content.decode()
    assert 'href="/staff/" class="usa-nav-link usa-current" aria-current="page"' in home and home.count("usa-current") == 1


def test_names_not_usernames_and_one_local_time(mo: Any, staff_client: Any, agency_factory: Any,
                                                 user_factory: Any) -> None:
    kc = agency_factory(task_force="kansas-city")
    sup = user_factory("supervisor", agency=kc, username="jdoe42")
    sup.first_name, sup.last_name = "Jane", "Doe"
    sup.save()
    tip = _tip()
    tip_services.tip_assign(tip=tip, assignee=sup, acting_user=sup)
    # 03:30 UTC is 21:30 or 22:30 the day before in Missouri: the day must not differ between pages.
    type(tip).objects.filter(pk=tip.pk).update(created_at=dt.datetime(2026, 3, 2, 3, 30, tzinfo=dt.UTC))
    client, _ = staff_client(user=sup)
    queue = client.get(reverse("tips:index")).content.decode()
    detail = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert "Jane Doe" in queue and "jdoe42</td>" not in queue
    assert f'<option value="{sup.pk}" selected>Jane Doe</option>' in detail
    assert "2026-03-01 21:30" in queue and "2026-03-01 21:30" in detail
    case = case_services.case_create(acting_user=sup, title="Time case")
    case_services.case_link_source(case=case, acting_user=sup, object_type="tip", object_id=str(tip.pk))
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "2026-03-01 21:30" in case_page and "2026-03-02" not in case_page


def test_codes_are_shown_as_plain_language(mo: Any, staff_client: Any, agency_factory: Any) -> None:
    tip = _tip(indicators=["older_partner", "online_ads"], narrative="An older boyfriend posts her ads online.")
    assert any("older_partner" in r for r in tip.priority_reasons)  # stored (and in the API) as codes
    client, _ = staff_client("supervisor", agency=agency_factory(task_force="kansas-city"))
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    reasons = page.split('id="priority-reasons"')[1].split("</ul>")[0]
    assert "older_partner" not in reasons
    assert "A young person with a much older &#x27;boyfriend&#x27; or &#x27;girlfriend&#x27;" in reasons


def test_every_reason_the_rules_write_has_a_label() -> None:
    samples = [
        triage.compute(danger=True, minor=True, indicators=["debt", "threatened", "scripted"], identifier_count=2),
        triage.compute(danger=False, minor=False, indicators=["online_ads"], identifier_count=1),
        triage.compute(danger=False, minor=False, indicators=[], identifier_count=0),
        triage.compute(danger=False, minor=False, indicators=[], identifier_count=0, spam_reason="7 web addresses in the text"),
    ]
    from django.utils import translation

    with translation.override("es"):
        for t in samples:
            for reason in t.reasons:
                label = triage.reason_label(reason)
                assert label != reason, reason  # translated
                assert "_" not in label, label  # no code left


def test_ad_codes_have_spanish_labels() -> None:
    from django.utils import translation

    from beacon.adscan import AD_INDICATORS, CLUSTER_INDICATORS
    from beacon.monitoring.labels import INDICATOR_TITLES, indicator_title

    assert set(INDICATOR_TITLES) == set(AD_INDICATORS) | set(CLUSTER_INDICATORS)
    with translation.override("es"):
        assert indicator_title("OP_MANY_NAMES_ON_PHONE") == "Muchos nombres o edades usan el mismo teléfono"


@pytest.mark.parametrize("debug", [True, False])
def test_mistyped_address_shows_beacons_404_in_both_languages(mo: Any, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        en = Client().get("/staff/tipz/")
        es = Client().get("/es/reportar-mal/")
        api = Client().get("/api/v1/nosuch/")
    assert en.status_code == 404 and "Page not found" in en.content.decode()
    assert "Using the URLconf" not in en.content.decode() and "beacon.urls" not in en.content.decode()
    assert es.status_code == 404 and 'lang="es"' in es.content.decode() and "Página no encontrada" in es.content.decode()
    assert api.status_code == 404
    if debug:  # the middleware leaves /api/ to the API's own error handling
        assert "Page not found · Beacon" not in api.content.decode()


@override_settings(DEBUG=True)
def test_missing_slash_still_redirects_under_debug(mo: Any) -> None:
    response = Client().get("/staff/tips")
    assert response.status_code == 301 and response["Location"] == "/staff/tips/"


def test_server_error_page_renders_without_a_request(mo: Any) -> None:
    from django.template import loader
    from django.utils import translation

    with translation.override("es"):
        html = loader.get_template("500.html").render()
    assert 'lang="es"' in html and "Algo salió mal" in html and "Traceback" not in html


def test_staff_home_query_count_does_not_grow_with_the_work(mo: Any, agency_factory: Any, user_factory: Any,
                                                           staff_client: Any, django_assert_max_num_queries: Any) -> None:
    kc = agency_factory(task_force="kansas-city", county="29095")
    sup = user_factory("supervisor", agency=kc)
    client, _ = staff_client(user=sup)
    for n in range(6):
        _tip(minor=bool(n % 2))
        case = case_services.case_create(acting_user=sup, title=f"Case {n}")
        case_services.task_add(case=case, acting_user=sup, title=f"Task {n}", owner=sup, due_on=timezone.localdate())
    with django_assert_max_num_queries(16):  # 15 today: one count per figure, none per record
        response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200 and "Task 5" in response.content.decode()

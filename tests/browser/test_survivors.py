from __future__ import annotations

from typing import Any

import pytest

from beacon.survivors import search, services
from beacon.survivors.models import Organization, Referral
from beacon.survivors.services import ServiceInput, service_save
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _service(org: Organization, name: str, lat: float, lon: float, **kw: Any) -> None:
    service_save(acting_user=None, organization=org, data=ServiceInput(
        name=name, needs=kw.pop("needs", ["shelter"]), latitude=lat, longitude=lon, address_1="1 Test St",
        city="Somewhere", postal_code="65101", **kw))


def test_public_search_by_need_and_county_nearest_first(live_server: Any, page: Any, mo: Any) -> None:
    search.clear_cache()
    org = Organization.objects.create(name="Browser org", description="d")
    _service(org, "Far shelter", 39.0997, -94.5786, counties=["29051"])  # Kansas City, serving Cole County
    _service(org, "Near shelter", 38.5767, -92.1735, counties=["29051"])  # Jefferson City
    _service(org, "Shelter elsewhere", 38.6270, -90.1994, counties=["29510"])
    _service(org, "Clinic", 38.5767, -92.1735, needs=["medical"], counties=["29051"])
    page.goto(f"{live_server.url}/services/")
    page.get_by_label("What help is needed").select_option(label="Shelter and housing")
    page.get_by_label("County served").select_option(label="Cole County")
    page.get_by_label("Near (city, county or ZIP code)").fill("Jefferson City")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("result")
    results.first.wait_for()
    assert results.count() == 2
    assert "Near shelter" in results.nth(0).inner_text() and "Far shelter" in results.nth(1).inner_text()
    distances = [float(t.split(" ")[0]) for t in page.get_by_test_id("distance").all_inner_texts()]
    assert distances == sorted(distances) and distances[0] < 5
    assert "nearest first" in page.get_by_role("heading", level=2).first.inner_text()


def test_advocate_refers_with_consent(live_server: Any, page: Any, mo: Any, agency_factory: Any,
                                      user_factory: Any) -> None:
    ours = agency_factory("ngo", name="Our NGO", county="29019")
    theirs = agency_factory("ngo", name="Their NGO", county="29095")
    advocate = user_factory("advocate", agency=ours)
    org = Organization.objects.create(name="Their org", description="d", agency=theirs)
    _service(org, "Their legal clinic", 39.0997, -94.5786, needs=["legal", "immigration"])
    survivor = services.survivor_create(acting_user=advocate, preferred_name="Rosa", phone="555-0199")
    browser_login(page, live_server.url, advocate)
    page.goto(f"{live_server.url}/staff/survivors/records/{survivor.pk}/")
    assert page.get_by_test_id("consent-notice").is_visible()
    page.get_by_text("Record a consent").click()
    page.get_by_label("Share with (agency)").select_option(label="Their NGO")
    page.get_by_label("Preferred name").check()
    page.get_by_label("Phone").check()
    page.get_by_label("Purpose").fill("Immigration legal help")
    page.get_by_label("How consent was given").select_option("written")
    page.get_by_role("button", name="Record consent").click()
    assert "Active" in page.get_by_test_id("consents").inner_text()
    page.get_by_role("link", name="Refer to a service").click()
    page.get_by_label("Service").select_option(label="Their legal clinic")
    page.get_by_label("Consent", exact=True).select_option(index=1)
    page.get_by_label("Preferred name").check()
    page.get_by_role("button", name="Send referral").click()
    assert page.get_by_test_id("status").inner_text() == "Sent"
    referral = Referral.objects.get()
    assert referral.to_agency == theirs and referral.shared_fields == ["preferred_name"]

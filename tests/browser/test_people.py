from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.core.models import Role, TaskForce, User
from beacon.core.services_people import user_invite
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitee_enrols_and_sees_recovery_codes_once(live_server: Any, page: Any, mo: Any, agency_factory: Any,
                                                     settings: Any) -> None:
    settings.BEACON_BASE_URL = live_server.url
    user, url = user_invite(username="invitee", email="invitee@example.org", agency=agency_factory(),
                            roles=[Role.VIEWER], acting_user=None)
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    assert page.locator("svg").count() >= 1
    page.get_by_label("Choose a password").fill("Velvet-Harbor-Compass-31")
    page.get_by_label("Type the password again").fill("Velvet-Harbor-Compass-31")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("6-digit code from your authenticator app").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.get_by_role("button", name="Finish setup").click()
    page.wait_for_selector("[data-recovery-codes]")
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    page.get_by_role("link", name="I have saved my codes; continue").click()
    page.wait_for_url(f"{live_server.url}/staff/")
    assert User.objects.get(pk=user.pk).is_active
    # The link is spent.
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "This link no longer works"


def test_county_picker_filters_and_saves(live_server: Any, page: Any, mo: Any, user_factory: Any,
                                         agency_factory: Any) -> None:
    admin = user_factory("admin", agency=agency_factory("other", task_force="statewide"))
    browser_login(page, live_server.url, admin)
    page.get_by_label("Primary navigation").get_by_role("link", name="Task forces").click()
    page.get_by_role("link", name="Kansas City Area Task Force (demo)").click()
    page.wait_for_url("**/staff/taskforces/kansas-city/")
    page.wait_for_load_state("load")  # the filter script runs at the end of the page
    before = page.locator("#list-counties input:checked").count()
    page.get_by_label("Filter the list").nth(1).fill("ozark")
    page.locator("#list-counties .usa-checkbox", has_text="Jasper County").wait_for(state="hidden")
    visible = page.locator("#list-counties .usa-checkbox:visible")
    names = visible.all_inner_texts()
    assert "Ozark County" in names and "Jasper County" not in names
    page.locator("#list-counties label", has_text="Ozark County").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".usa-alert--success")
    tf = TaskForce.objects.get(slug="kansas-city")
    assert tf.counties.filter(name="Ozark County").exists() and tf.counties.count() == before + 1

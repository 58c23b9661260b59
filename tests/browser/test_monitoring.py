from __future__ import annotations

from typing import Any

import pytest

from beacon.core.models import AuditEvent
from beacon.monitoring import seed
from beacon.monitoring.models import Ad, Operation, OperationDecision
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_reviews_the_top_operation_and_dismisses_one(live_server: Any, page: Any, mo: Any,
                                                           user_factory: Any) -> None:
    seed.run()
    top = Ad.objects.get(external_id="demo-i70-01").operation
    spa = Ad.objects.get(external_id="demo-spa-01").operation
    assert top is not None and spa is not None
    user = user_factory("analyst")
    browser_login(page, live_server.url, user)
    page.goto(f"{live_server.url}/staff/ads/")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 3
    rows.first.get_by_role("link", name=f"#{top.pk}").click()
    page.wait_for_url(f"{live_server.url}/staff/ads/operations/{top.pk}/")
    flag = page.locator('mark.beacon-flag[data-code="AD_OBSCURED_PHONE"]').first
    assert flag.is_visible() and flag.inner_text() == "eight one six 555 o1o2"
    assert page.locator("svg.beacon-map circle.stop").count() >= 4
    assert page.locator("svg.beacon-map polyline.interstate").count() == 5  # I-70, I-44, I-55, I-29, I-35
    assert "Kansas City" in page.locator("#movement").inner_text()
    # watch the top one
    page.get_by_role("button", name="Watch").click()
    assert page.get_by_text("Decision recorded.").is_visible()
    # dismissing without a reason is refused, with a reason it is recorded
    page.goto(f"{live_server.url}/staff/ads/operations/{spa.pk}/")
    page.get_by_role("button", name="Dismiss").click()
    assert page.get_by_text("Give a reason to dismiss an operation.").is_visible()
    page.get_by_label("Reason (required to dismiss)").fill("licensed massage studio")
    page.get_by_role("button", name="Dismiss").click()
    assert page.locator("#decision-history").inner_text().count("Dismiss") == 1
    assert Operation.objects.get(pk=top.pk).status == Operation.Status.WATCH
    assert Operation.objects.get(pk=spa.pk).status == Operation.Status.DISMISSED
    assert OperationDecision.objects.get(operation=spa).reason == "licensed massage studio"
    assert AuditEvent.objects.filter(actor=user, object_type="operation", action="update").count() == 2
    page.goto(f"{live_server.url}/staff/ads/")
    assert page.locator("#queue tbody tr").count() == 2  # the dismissed one left the open queue

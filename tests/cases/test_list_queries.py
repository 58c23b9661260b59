"""N+1 guards on the alert list (page and API): the query count does not grow with the number of alerts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from beacon.cases import services
from beacon.cases.models import DeconflictionAlert


def _alerts(world: Any, open_case: Any, n: int, start: int) -> None:
    """``n`` new shared phones between a KC case and an STL case: one alert for each lead per phone."""
    kc_case = open_case(world.kc_inv, title=f"KC {start}")
    stl_case = open_case(world.stl_inv, title=f"STL {start}")
    for k in range(start, start + n):
        raw = f"(816) 555-{k:04d}"
        services.identifier_add(case=kc_case, acting_user=world.kc_inv, kind="phone", raw=raw)
        services.identifier_add(case=stl_case, acting_user=world.stl_inv, kind="phone", raw=raw)


def test_alert_page_and_api_have_no_n_plus_one(world: Any, open_case: Any, staff_client: Any, api_client_for: Any,
                                               django_assert_max_num_queries: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _alerts(world, open_case, 2, 100)
    page, _ = staff_client(user=world.stl_inv)
    api, _ = api_client_for(user=world.stl_inv)
    page.get(reverse("cases:alerts"))  # warm the session
    with django_assert_max_num_queries(30) as few_page:
        assert page.get(reverse("cases:alerts")).status_code == 200
    with django_assert_max_num_queries(30) as few_api:
        assert api.get("/api/v1/cases/alerts/").json()["count"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        _alerts(world, open_case, 8, 200)
    assert DeconflictionAlert.objects.filter(recipient=world.stl_inv).count() == 10
    with django_assert_max_num_queries(len(few_page.captured_queries)):
        response = page.get(reverse("cases:alerts"))
    assert len(response.context["alerts"]) == 10
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        assert api.get("/api/v1/cases/alerts/").json()["count"] == 10

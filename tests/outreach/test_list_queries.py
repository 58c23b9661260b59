"""N+1 guards: a campaign page and its API do not grow queries with activities; the analytics and
public dashboard pages use a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from beacon.outreach import services
from beacon.outreach.models import Campaign

pytestmark = pytest.mark.usefixtures("mo")


def _plan(campaign: Campaign, user: Any, n: int, start: int) -> None:
    for k in range(start, start + n):
        activity = services.activity_plan(acting_user=user, campaign=campaign, county="29001" if k % 2 else "29211",
                                          channel="schools", title=f"Assembly {k}", planned_date=dt.date(2025, 4, 1),
                                          planned_reach=100)
        if k % 3 == 0:
            services.activity_deliver(acting_user=user, activity=activity, delivered_date=dt.date(2025, 4, 2), reach=80)


def test_campaign_page_and_api_have_no_n_plus_one(staff_client: Any, api_client_for: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    page, user = staff_client("supervisor")
    api, _ = api_client_for(user=user)
    campaign = services.campaign_create(acting_user=user, name="Spring", start_date=dt.date(2025, 3, 1),
                                        end_date=dt.date(2025, 6, 30), counties=["29001", "29211"],
                                        audiences=["youth"], channels=["schools"])
    _plan(campaign, user, 2, 0)
    url = f"/staff/outreach/campaigns/{campaign.pk}/"
    page.get(url)
    with django_assert_max_num_queries(40) as few_page:
        assert page.get(url).status_code == 200
    with django_assert_max_num_queries(30) as few_api:
        assert len(api.get(f"/api/v1/outreach/campaigns/{campaign.pk}/").json()["activities"]) == 2
    _plan(campaign, user, 10, 10)
    with django_assert_max_num_queries(len(few_page.captured_queries)):
        response = page.get(url)
    assert len(response.context["activities"]) == 12
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        assert len(api.get(f"/api/v1/outreach/campaigns/{campaign.pk}/").json()["activities"]) == 12


def test_analytics_and_public_dashboard_use_few_queries(staff_client: Any, django_assert_max_num_queries: Any) -> None:
    client, _ = staff_client("viewer")
    client.get("/staff/outreach/")
    with django_assert_max_num_queries(25):
        assert client.get("/staff/outreach/").status_code == 200
    with django_assert_max_num_queries(12):
        assert APIClient().get("/dashboard/", {"year": timezone.localdate().year - 1}).status_code == 200
    # Without a year, finding the latest year with data costs at most one query per measure, whatever the data.
    with django_assert_max_num_queries(12 + 4):
        assert APIClient().get("/dashboard/").status_code == 200
    with django_assert_max_num_queries(12):
        assert APIClient().get("/api/v1/outreach/public/dashboard/").status_code == 200

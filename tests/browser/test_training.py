from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from beacon.training import services
from beacon.training.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_registers_for_a_workshop(live_server: Any, page: Any, mo: Any, user_factory: Any) -> None:
    trainer = user_factory("trainer")
    starts = timezone.now() + dt.timedelta(days=7)
    workshop = services.workshop_create(
        acting_user=trainer, title="Recognizing trafficking in Rolla", audience="public", county_id="29161",
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue_name="Rolla library", capacity=1,
    )
    page.goto(f"{live_server.url}/training/workshops/")
    assert page.locator("svg.training-map circle.training-map-dot").count() == 1
    page.get_by_label("County").select_option("29161")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Recognizing trafficking in Rolla").click()
    page.get_by_label("Your name").fill("Rosa Diaz")
    page.get_by_label("E-mail address").fill("rosa@example.org")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are registered"
    reg = Registration.objects.get(workshop=workshop)
    assert reg.status == "confirmed" and reg.name == "Rosa Diaz"
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    # The session is now full: the next person goes on the waitlist.
    page.goto(f"{live_server.url}/training/workshops/{workshop.pk}/")
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are on the waitlist"

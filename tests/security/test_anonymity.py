"""Public actions leave no identifying trace: no client address or user agent is stored anywhere
(not with the record, not in the audit trail), whichever public page or endpoint was used."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from beacon.core.models import AuditEvent, County
from beacon.training import services as training
from beacon.training.models import Registration

from .conftest import AREA_APPS

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "BeaconProbe/9.9 (unique-agent-7731)"
TRACE = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": FORWARDED, "HTTP_X_REAL_IP": FORWARDED}


def _stored_traces() -> list[str]:
    """Every model field of Beacon's apps whose value holds the address or the agent."""
    found = []
    for label in AREA_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is County:
                continue  # static geography
            fields = [f for f in model._meta.concrete_fields if not f.is_relation]
            for row in model._default_manager.all():
                for f in fields:
                    value = str(getattr(row, f.attname, ""))
                    if IP in value or FORWARDED in value or "unique-agent-7731" in value:
                        found.append(f"{model._meta.label}.{f.name} #{row.pk}")
    return found


@pytest.fixture
def workshop(mo: Any, user_factory: Any, agency_factory: Any) -> Any:
    trainer = user_factory("trainer", agency=agency_factory(kind="ngo", county="29019"))
    starts = timezone.now() + dt.timedelta(days=10)
    return training.workshop_create(
        acting_user=trainer, title="Community workshop", audience="public", county_id="29019", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), venue_name="Library", venue_address="100 Main St", capacity=5,
        waitlist_enabled=True, waitlist_limit=0)


def test_public_actions_store_no_address_or_agent(workshop: Any) -> None:
    client = Client(**TRACE)
    # Tips: the report form and the follow-up page.
    tip = client.post("/report/", {
        "narrative": "A man keeps three women in an apartment, text 314 555 0177.", "danger": "no", "minor": "yes",
        "situation": "sex", "place_text": "St. Louis", "county": "", "lat": "", "lon": "", "language": "en",
        "website": ""})
    assert tip.status_code == 302 and tip["Location"] == "/report/receipt/"  # stored, then POST/redirect/GET
    assert client.get("/report/receipt/").status_code == 200
    assert client.post("/report/follow-up/", {"receipt_code": "NOPE", "passphrase": "wrong words"}).status_code < 500
    # Training: register for a workshop, cancel with the e-mailed link, verify a certificate code.
    page = client.post(f"/training/workshops/{workshop.pk}/", {"name": "Ana Learner", "email": "ana@example.org",
                                                               "organisation": "", "website": ""})
    assert page.status_code == 302
    reg = Registration.objects.get()
    assert client.post(f"/training/cancel/{training.cancel_token(reg)}/").status_code == 200
    assert client.get("/training/verify/", {"code": "ABCD-EFGH"}).status_code == 200
    assert client.get("/api/v1/training/certificates/ABCD-EFGH/").status_code == 200
    # Outreach dashboard and the services search, as pages and as API.
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/api/v1/outreach/public/dashboard/").status_code == 200
    assert client.get("/services/", {"q": "shelter"}).status_code == 200
    assert client.get("/api/v1/services/search/", {"q": "shelter"}).status_code == 200

    # The actions were audited (registration, cancellation, tip) but without an address or actor.
    public_rows = AuditEvent.objects.filter(actor__isnull=True)
    assert public_rows.filter(object_type="training_registration").count() >= 2
    assert not public_rows.exclude(ip__isnull=True).exists()
    assert not AuditEvent.objects.filter(ip__in=[IP, FORWARDED]).exclude(actor__isnull=False).exists()
    assert _stored_traces() == []


def test_staff_actions_do_keep_the_address(staff_client: Any) -> None:
    """The opposite case, so the test above cannot pass by never storing any address."""
    client, user = staff_client("admin")
    client.defaults.update(TRACE)
    assert client.get("/staff/audit/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, ip=IP).exists()

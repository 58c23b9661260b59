"""An object that exists but belongs to someone else is answered exactly like one that does not
exist (404, so existence is not revealed), the refusal is audited with the real id, and nothing
changes: one object per area with an agency or owner door, each page and API route to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from beacon.cases import services as cases
from beacon.core.models import AuditEvent
from beacon.monitoring import services as monitoring
from beacon.survivors import services as survivors
from beacon.tips import services as tips
from beacon.training import services as training

from .conftest import state

pytestmark = pytest.mark.usefixtures("mo")

MISSING = 987654


def _case(owner: Any) -> int:
    return cases.case_create(acting_user=owner, title="Another agency's case").pk


def _workshop(owner: Any) -> int:
    starts = timezone.now() + dt.timedelta(days=10)
    return training.workshop_create(acting_user=owner, title="Someone else's session", audience="public",
                                    county_id="29019", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                    venue_name="Library", venue_address="1 Main St", capacity=5,
                                    waitlist_enabled=False, waitlist_limit=0).pk


def _run(owner: Any) -> int:
    return monitoring.submit_batch(acting_user=owner, records=[
        {"id": "o1", "site": "example.com", "body": "call 816-555-0190 (demo)"}]).pk


def _survivor(owner: Any) -> int:
    return survivors.survivor_create(acting_user=owner, preferred_name="R.").pk


def _tip(owner: Any) -> int:
    return tips.tip_submit(data=tips.TipInput(narrative="I saw a young woman who could not leave the motel room.",
                                              county_fips="29095")).tip.pk


# role, agency kind, make the object (given an owner of the same role), routes (method, path with {id})
AREAS: list[tuple[str, str, Callable[[Any], int], list[tuple[str, str, str]]]] = [
    ("investigator", "law_enforcement", _case, [
        ("page", "get", "/staff/cases/{id}/"), ("page", "post", "/staff/cases/{id}/persons/"),
        ("page", "post", "/staff/cases/{id}/export/"), ("page", "post", "/staff/cases/{id}/update/"),
        ("api", "get", "/api/v1/cases/{id}/"), ("api", "post", "/api/v1/cases/{id}/identifiers/"),
        ("api", "get", "/api/v1/cases/{id}/graph/")]),
    ("trainer", "ngo", _workshop, [
        ("page", "get", "/staff/training/workshops/{id}/"), ("page", "post", "/staff/training/workshops/{id}/edit/"),
        ("page", "post", "/staff/training/workshops/{id}/cancel/"),
        ("page", "post", "/staff/training/workshops/{id}/attendance/"),
        ("api", "get", "/api/v1/training/workshops/{id}/registrations/")]),
    ("analyst", "law_enforcement", _run, [
        ("page", "get", "/staff/ads/ingest/{id}/"), ("api", "get", "/api/v1/ads/batches/{id}/")]),
    ("advocate", "ngo", _survivor, [
        ("page", "get", "/staff/survivors/records/{id}/"), ("page", "post", "/staff/survivors/records/{id}/edit/"),
        ("page", "post", "/staff/survivors/records/{id}/goals/"),
        ("api", "get", "/api/v1/survivors/{id}/"), ("api", "post", "/api/v1/survivors/{id}/consents/")]),
    ("investigator", "law_enforcement", _tip, [
        ("page", "get", "/staff/tips/{id}/"), ("page", "post", "/staff/tips/{id}/status/"),
        ("api", "get", "/api/v1/tips/queue/{id}/"), ("api", "post", "/api/v1/tips/queue/{id}/spam/")]),
]


@pytest.mark.parametrize(("role", "kind", "make", "routes"), AREAS, ids=[a[2].__name__.strip("_") for a in AREAS])
def test_another_agencys_object_is_not_found_audited_and_untouched(
        role: str, kind: str, make: Callable[[Any], int], routes: list[tuple[str, str, str]], user_factory: Any,
        staff_client: Any, api_client_for: Any, agency_factory: Any) -> None:
    owner = user_factory(role, agency=agency_factory(kind, county="29095", task_force="kansas-city"))
    pk = make(owner)
    stranger = user_factory(role, agency=agency_factory(kind, county="29510"))  # no task force, another agency
    page, _ = staff_client(user=stranger)
    api, _ = api_client_for(user=stranger)
    clients: dict[str, Client | APIClient] = {"page": page, "api": api}
    for how, method, path in routes:
        before = state()
        fmt = {"format": "json"} if how == "api" else {}
        hidden = getattr(clients[how], method)(path.format(id=pk), {}, **fmt)
        missing = getattr(clients[how], method)(path.format(id=MISSING), {}, **fmt)
        assert hidden.status_code == missing.status_code == 404, (path, hidden.status_code, missing.status_code)
        if how == "api":
            assert hidden.json() == missing.json()  # the same words: existence is not revealed
        assert state() == before, path
        assert AuditEvent.objects.filter(actor=stranger, action=AuditEvent.Action.DENIED, object_id=str(pk)).exists(), path
    # The owner's object did not gain a read by the stranger.
    assert not AuditEvent.objects.filter(actor=stranger, action=AuditEvent.Action.READ).exists()

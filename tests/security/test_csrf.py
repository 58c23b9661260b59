"""CSRF: no page opts out of Django's check, and a signed-in browser session cannot be made to
post to a staff page or an API endpoint without the token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from beacon.core.models import AuditEvent, Role
from tests.conftest import verify_client

from .conftest import endpoints, state, walk

pytestmark = pytest.mark.usefixtures("mo")


# Webhooks called by a gateway, never by a browser: no session or cookie to ride, each request is
# authenticated by the gateway's signature (checked by their own tests, e.g. tests/tips/test_sms.py).
WEBHOOKS = ["sms/inbound/"]


def test_no_page_is_csrf_exempt() -> None:
    """DRF views are exempt from the middleware by construction and check CSRF themselves for
    session users (``SessionAuthentication``); every other view must not opt out, except the
    signature-authenticated webhooks listed in ``WEBHOOKS``."""
    exempt = [route for route, p in walk() if getattr(p.callback, "csrf_exempt", False)
              and getattr(p.callback, "cls", None) is None and not route.startswith("django-admin/")]
    assert exempt == WEBHOOKS


def test_webhooks_refuse_unsigned_posts() -> None:
    for route in WEBHOOKS:
        response = Client().post(f"/{route}", {"From": "+15551230000", "Body": "hello"})
        assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", object_type="sms_webhook").count() == len(WEBHOOKS)


@pytest.mark.parametrize("prefix", ["staff/", "api/v1/"])
def test_a_session_cannot_post_without_the_token(prefix: str, user_factory: Any) -> None:
    """Every staff page and every API endpoint that takes a POST refuses one without the CSRF token,
    even from a session whose user holds every role."""
    user = user_factory(*Role.values, kind="ngo")
    client = verify_client(Client(enforce_csrf_checks=True), user)
    before = state()
    posted = 0
    for e in endpoints(prefix):
        if e.cls is not None and not hasattr(e.cls, "post"):
            continue
        if e.cls is not None and e.is_public():
            continue  # anonymous endpoints: no session credentials to ride on
        response = client.post(e.path, {})
        assert response.status_code == 403, (e.route, response.status_code)
        posted += 1
    assert posted > 10
    assert state() == before
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.DENIED).filter(actor=user).exists()

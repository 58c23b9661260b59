"""Every list of sensitive records (cases, tips, ad operations, survivor records, referrals, the audit
trail) writes a ``read`` audit row for the user who opened it, as page and as API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from beacon.core.models import AuditEvent, Role

pytestmark = pytest.mark.usefixtures("mo")

# (role, agency kind, path, client kind)
LISTS = [
    (Role.INVESTIGATOR, "law_enforcement", "/staff/cases/", "page"),
    (Role.INVESTIGATOR, "law_enforcement", "/api/v1/cases/", "api"),
    (Role.INVESTIGATOR, "law_enforcement", "/staff/tips/", "page"),
    (Role.INVESTIGATOR, "law_enforcement", "/api/v1/tips/queue/", "api"),
    (Role.ANALYST, "law_enforcement", "/staff/ads/", "page"),
    (Role.ANALYST, "law_enforcement", "/api/v1/ads/operations/", "api"),
    (Role.ADVOCATE, "ngo", "/staff/survivors/records/", "page"),
    (Role.ADVOCATE, "ngo", "/api/v1/survivors/", "api"),
    (Role.ADVOCATE, "ngo", "/staff/survivors/referrals/", "page"),
    (Role.ADVOCATE, "ngo", "/api/v1/referrals/", "api"),
    (Role.ADMIN, "law_enforcement", "/staff/audit/", "page"),
    (Role.ADMIN, "law_enforcement", "/api/v1/audit/", "api"),
]


@pytest.mark.parametrize(("role", "kind", "path", "how"), LISTS)
def test_opening_a_sensitive_list_is_audited(role: str, kind: str, path: str, how: str, staff_client: Any,
                                             api_client_for: Any) -> None:
    client: Client | APIClient
    if how == "page":
        client, user = staff_client(role, kind=kind)
    else:
        client, user = api_client_for(role, kind=kind)
    assert client.get(path).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.READ).count() == 1

"""The Django admin is read-only: people, agencies, task forces and counties change only through
Beacon's own pages, whose services audit every change and send invitations."""

from __future__ import annotations

from typing import Any

import pytest

from beacon.core.models import Agency, AuditEvent, TaskForce, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(staff_client: Any, user_factory: Any) -> Any:
    user = user_factory("admin")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    client, _ = staff_client(user=User.objects.get(pk=user.pk))
    return client


def test_superuser_can_look_but_not_change(superuser_client: Any, user_factory: Any, mo: Any) -> None:
    other = user_factory("investigator")
    agency = other.agency
    task_force = TaskForce.objects.first()
    assert superuser_client.get("/django-admin/core/user/").status_code == 200
    assert superuser_client.get(f"/django-admin/core/user/{other.pk}/change/").status_code == 200  # a view page
    users_before, events_before = User.objects.count(), AuditEvent.objects.count()
    for url in ["/django-admin/core/user/add/", "/django-admin/core/agency/add/", "/django-admin/core/taskforce/add/"]:
        assert superuser_client.get(url).status_code == 403, url
    refused = superuser_client.post("/django-admin/core/user/add/", {"username": "backdoor", "agency": agency.pk})
    assert refused.status_code == 403
    superuser_client.post(f"/django-admin/core/user/{other.pk}/change/", {"username": "renamed", "is_active": ""})
    superuser_client.post(f"/django-admin/core/agency/{agency.pk}/delete/", {"post": "yes"})
    if task_force is not None:
        superuser_client.post(f"/django-admin/core/taskforce/{task_force.pk}/delete/", {"post": "yes"})
        assert TaskForce.objects.filter(pk=task_force.pk).exists()
    other.refresh_from_db()
    assert other.username != "renamed" and other.is_active
    assert Agency.objects.filter(pk=agency.pk).exists()
    assert User.objects.count() == users_before and not User.objects.filter(username="backdoor").exists()
    assert AuditEvent.objects.count() == events_before

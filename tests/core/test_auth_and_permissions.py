from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from beacon.core.access import require_perm
from beacon.core.models import AuditEvent, Role
from beacon.core.permissions import ROLE_PERMISSIONS, Perm, has_perm
from tests.conftest import TEST_PASSWORD, current_totp


def test_login_requires_password_then_totp(user_factory: Any) -> None:
    user = user_factory("investigator")
    client = Client()
    response = client.post(reverse("core:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("core:mfa")
    # Signed in with a password only: staff pages still send the user to the TOTP step.
    assert client.get(reverse("core:dashboard")).url == reverse("core:mfa")
    wrong = client.post(reverse("core:mfa"), {"token": "000000" if current_totp(user) != "000000" else "111111"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    # A wrong code throttles the device: even the right code waits.
    throttled = client.post(reverse("core:mfa"), {"token": current_totp(user)})
    assert b"Too many wrong codes" in throttled.content
    user.totpdevice_set.get().throttle_reset()
    ok = client.post(reverse("core:mfa"), {"token": current_totp(user)})
    assert ok.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="login").count() == 1


def test_password_alone_cannot_enrol_a_device(user_factory: Any) -> None:
    """A user without a confirmed device is refused at the second step: enrolment needs a one-time link."""
    user = user_factory("viewer")
    client = Client()
    client.post(reverse("core:login"), {"username": user.username, "password": TEST_PASSWORD})
    page = client.get(reverse("core:mfa"))
    assert page.status_code == 403 and b"<svg" not in page.content
    assert b"one-time link" in page.content
    assert not user.totpdevice_set.exists()
    assert not client.session.get("_auth_user_id")  # signed out again
    assert client.get(reverse("core:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="user").exists()


def test_failed_logins_are_throttled(user_factory: Any, settings: Any) -> None:
    user = user_factory("viewer")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("core:login"), {"username": user.username, "password": "wrong-password-123"})
    locked = client.post(reverse("core:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    assert not client.session.get("_auth_user_id")


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(reverse("core:audit"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_non_admin_refused_on_admin_pages(role: str, staff_client: Any) -> None:
    client, user = staff_client(role)
    before = AuditEvent.objects.filter(action="denied").count()
    response = client.get(reverse("core:audit"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied").count() == before + 1
    denied = AuditEvent.objects.filter(action="denied", actor=user).get()
    assert denied.object_id == "core:audit" and "core.view_audit" in denied.summary
    assert client.get(reverse("core:users")).status_code == 403


def test_admin_reads_audit_and_that_read_is_audited(staff_client: Any) -> None:
    client, user = staff_client("admin")
    response = client.get(reverse("core:audit"), {"action": "read"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="audit_log").exists()
    assert client.get(reverse("core:users")).status_code == 200


# Which staff pages each role reaches: one table, checked through real requests.
PAGES = {
    "tips:index": Perm.TRIAGE_TIPS,
    "cases:index": Perm.WORK_CASES,
    "monitoring:index": Perm.REVIEW_ADS,
    "outreach:index": Perm.VIEW_ANALYTICS,
    "core:audit": Perm.VIEW_AUDIT,
    "core:dashboard": Perm.STAFF_AREA,
}


@pytest.mark.parametrize("role", list(Role))
def test_pages_per_role(role: str, staff_client: Any) -> None:
    client, _ = staff_client(role)
    for name, perm in PAGES.items():
        expected = 200 if perm in ROLE_PERMISSIONS[role] else 403
        assert client.get(reverse(name)).status_code == expected, (role, name)


def test_every_staff_view_declares_a_permission() -> None:
    """No staff URL is left without a declared permission (the central mechanism is used everywhere)."""
    from django.urls import get_resolver

    undeclared = []

    def walk(patterns: Any, prefix: str = "") -> None:
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                route = prefix + str(p.pattern)
                if route.startswith("staff/") and not hasattr(p.callback, "required_perms"):
                    undeclared.append(route)

    walk(get_resolver().url_patterns)
    assert undeclared == []


def test_survivor_permission_never_reaches_law_enforcement(user_factory: Any) -> None:
    ngo_advocate = user_factory("advocate", kind="ngo")
    police_advocate = user_factory("advocate", kind="law_enforcement")
    assert has_perm(ngo_advocate, Perm.VIEW_SURVIVORS)
    assert not has_perm(police_advocate, Perm.VIEW_SURVIVORS)
    for role in (Role.INVESTIGATOR, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN):
        assert Perm.VIEW_SURVIVORS not in ROLE_PERMISSIONS[role]


def test_inactive_user_has_no_permissions(user_factory: Any) -> None:
    user = user_factory("admin")
    user.is_active = False
    assert not has_perm(user, Perm.VIEW_AUDIT)


def test_require_perm_is_the_decorator_used() -> None:
    assert callable(require_perm(Perm.STAFF_AREA))


# --- Audit trail is append-only -----------------------------------------------------------
def test_audit_events_cannot_be_changed_through_the_orm(staff_client: Any) -> None:
    client, _ = staff_client("admin")
    client.get(reverse("core:audit"))
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_audit_events_cannot_be_changed_in_the_database(staff_client: Any) -> None:
    client, _ = staff_client("admin")
    client.get(reverse("core:audit"))
    event = AuditEvent.objects.first()
    assert event is not None
    statements = ["UPDATE core_auditevent SET summary = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s",
                  "DELETE FROM core_auditevent WHERE id = %s OR 1 = 1"]
    for sql in statements:
        with pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception,  # noqa: B017
                           match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.summary != "x"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sqlite_audit_trigger_refuses_delete_from_other_connections(tmp_path: Any) -> None:
    """The SQLite trigger (migration 0005) asks a function only Beacon's connections define:
    a DELETE from any other connection (the sqlite3 shell) fails as well."""
    import importlib
    import sqlite3

    m0002 = importlib.import_module("beacon.core.migrations.0002_audit_append_only")
    m0005 = importlib.import_module("beacon.core.migrations.0007_audit_append_only_sqlite_delete")
    db = sqlite3.connect(tmp_path / "audit.sqlite3")
    db.execute("CREATE TABLE core_auditevent (id INTEGER PRIMARY KEY, summary TEXT)")
    db.executescript(m0002.SQLITE_SQL + m0005.SQLITE_SQL)
    db.execute("INSERT INTO core_auditevent (summary) VALUES ('kept')")
    db.commit()
    with pytest.raises(sqlite3.OperationalError, match="beacon_audit_flushing"):
        db.execute("DELETE FROM core_auditevent")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE core_auditevent SET summary = 'x'")
    # A connection with the function (as Beacon's are) is refused too, except while flushing.
    from beacon.core import audit

    db.create_function("beacon_audit_flushing", 0, audit._sqlite_flushing)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM core_auditevent")
    assert db.execute("SELECT summary FROM core_auditevent").fetchall() == [("kept",)]
    with audit.flushing():
        db.execute("DELETE FROM core_auditevent")
    assert db.execute("SELECT count(*) FROM core_auditevent").fetchone() == (0,)

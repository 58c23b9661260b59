"""``beacon createadmin``: the first administrator of a real deployment."""

from __future__ import annotations

import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from beacon.core.models import Agency, AuditEvent, User
from beacon.core.permissions import Perm, permissions_of


def _create(monkeypatch: Any, password: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = StringIO()
    call_command("createadmin", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_createadmin_makes_an_administrator_who_enrolls_totp_on_first_sign_in(db: Any, monkeypatch: Any) -> None:
    out = _create(monkeypatch, "Long-enough-Passphrase-42", "chief", "--email", "chief@mo.example.gov",
                  "--agency", "Missouri Attorney General's Office")
    assert "Administrator chief created" in out and "QR code" in out
    user = User.objects.get(username="chief")
    assert user.check_password("Long-enough-Passphrase-42")
    assert user.agency == Agency.objects.get(name="Missouri Attorney General's Office")
    assert user.has_role("admin") and {Perm.VIEW_AUDIT, Perm.MANAGE_USERS} <= permissions_of(user)
    assert not user.totpdevice_set.exists()  # enrolled at the first sign-in
    assert AuditEvent.objects.filter(object_type="user", object_id=str(user.pk), action="create").exists()


def test_createadmin_refuses_weak_passwords_and_existing_names(db: Any, monkeypatch: Any) -> None:
    with pytest.raises(CommandError, match="Nothing was changed"):
        _create(monkeypatch, "short", "chief", "--email", "c@example.org", "--agency", "New Agency")
    assert not User.objects.filter(username="chief").exists()
    assert not Agency.objects.filter(name="New Agency").exists()
    _create(monkeypatch, "Long-enough-Passphrase-42", "chief", "--email", "c@example.org", "--agency", "New Agency")
    with pytest.raises(CommandError, match="exists already"):
        _create(monkeypatch, "Long-enough-Passphrase-42", "Chief", "--email", "d@example.org", "--agency", "New Agency")
    assert User.objects.filter(username__iexact="chief").count() == 1

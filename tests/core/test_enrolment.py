"""Two-step sign-in enrolment: only through a one-time link; recovery codes; admin MFA reset; createadmin."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.core.models import AuditEvent, EnrolmentToken, Role, User
from beacon.core.services_people import user_invite, user_reset_mfa
from tests.conftest import TEST_PASSWORD, current_totp

NEW_PASSWORD = "Granite-Lantern-Orchard-42"


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def pending_code(user: User) -> str:
    return code_of(TOTPDevice.objects.get(user=user, confirmed=False))


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def invited(db: Any, agency_factory: Any) -> tuple[User, str]:
    user, url = user_invite(username="newbie", email="newbie@example.org", agency=agency_factory(),
                            roles=[Role.INVESTIGATOR], acting_user=None)
    return user, path_of(url)


def enrol(client: Client, path: str, user: User, **extra: str) -> Any:
    client.get(path)  # shows the QR code and creates the pending device
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "token": pending_code(user), **extra}
    return client.post(path, data)


def test_invitation_link_enrols_once(invited: tuple[User, str], settings: Any) -> None:
    user, path = invited
    assert not user.is_active and not user.has_usable_password()
    assert path.startswith("/accounts/enrol/")
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and b"<svg" in page.content and b"Choose a password" in page.content
    response = enrol(client, path, user)
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(codes)
    # Signed in and verified straight away.
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, object_type="user", summary__startswith="enrolled").count() == 1
    # Second use of the same link: refused, and nothing changes.
    again = Client().get(path)
    assert again.status_code == 404 and b"no longer works" in again.content
    second = Client().post(path, {"password1": "Other-Password-777", "password2": "Other-Password-777",
                                  "token": code_of(TOTPDevice.objects.get(user=user))})
    assert second.status_code == 404
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and TOTPDevice.objects.filter(user=user).count() == 1


def test_enrolment_refuses_bad_input_and_keeps_the_link(invited: tuple[User, str]) -> None:
    user, path = invited
    client = Client()
    client.get(path)
    mismatch = client.post(path, {"password1": NEW_PASSWORD, "password2": "different-Password-1",
                                  "token": pending_code(user)})
    assert mismatch.status_code == 200 and b"do not match" in mismatch.content
    weak = client.post(path, {"password1": "123", "password2": "123", "token": pending_code(user)})
    assert weak.status_code == 200 and b"too short" in weak.content
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                               "token": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert EnrolmentToken.objects.get(user=user).used_at is None
    # The link still works once the input is right.
    TOTPDevice.objects.get(user=user).throttle_reset()
    assert enrol(client, path, user).status_code == 200
    assert User.objects.get(pk=user.pk).is_active


def test_expired_link_is_refused(invited: tuple[User, str]) -> None:
    user, path = invited
    EnrolmentToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(path).status_code == 404
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_resending_an_invitation_retires_the_old_link(platform_admin: Any, invited: tuple[User, str],
                                                      django_capture_on_commit_callbacks: Any) -> None:
    user, old_path = invited
    admin_client, _ = platform_admin
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("core:person_resend_invite", args=[user.pk]))
    assert len(mail.outbox) == 1
    new_path = path_of(re.search(r"https?://\S+", mail.outbox[0].body).group(0))  # type: ignore[union-attr]
    assert new_path != old_path
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200


def test_recovery_code_signs_in_once(invited: tuple[User, str]) -> None:
    user, path = invited
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", enrol(Client(), path, user).content.decode())
    client = Client()
    client.post(reverse("core:login"), {"username": user.username, "password": NEW_PASSWORD})
    ok = client.post(reverse("core:mfa"), {"token": codes[0].upper()})
    assert ok.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="login", summary__contains="recovery code").count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 9
    # The same code a second time: refused.
    other = Client()
    other.post(reverse("core:login"), {"username": user.username, "password": NEW_PASSWORD})
    refused = other.post(reverse("core:mfa"), {"token": codes[0]})
    assert refused.status_code == 200 and b"not right" in refused.content
    assert other.get(reverse("core:dashboard")).status_code == 302


def test_admin_mfa_reset_invalidates_the_old_device(staff_client: Any, platform_admin: Any, user_factory: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    target = user_factory("investigator")
    old_code = current_totp(target)  # enrolled device
    old_device = TOTPDevice.objects.get(user=target)
    target_client, _ = staff_client(user=target)
    admin_client, admin = platform_admin
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("core:person_mfa_reset", args=[target.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    # The signed-in session of the user ended with the reset.
    assert target_client.get(reverse("core:dashboard")).status_code == 302
    # Password plus the old code no longer signs in: no device, and no enrolment without the link.
    client = Client()
    client.post(reverse("core:login"), {"username": target.username, "password": TEST_PASSWORD})
    assert client.post(reverse("core:mfa"), {"token": old_code}).status_code == 403
    assert AuditEvent.objects.filter(actor=admin, object_id=str(target.pk), summary__contains="reset").exists()
    path = path_of(re.search(r"https?://\S+", mail.outbox[0].body).group(0))  # type: ignore[union-attr]
    # The reset link alone is not enough: the user's password is asked for.
    enrol_client = Client()
    enrol_client.get(path)
    wrong = enrol_client.post(path, {"password": "not-the-password", "token": pending_code(target)})
    assert wrong.status_code == 200 and b"password is not right" in wrong.content
    ok = enrol_client.post(path, {"password": TEST_PASSWORD, "token": pending_code(target)})
    assert ok.status_code == 200 and b"recovery codes" in ok.content
    new_device = TOTPDevice.objects.get(user=target)
    assert new_device.pk != old_device.pk and new_device.confirmed and new_device.key != old_device.key


def test_createadmin_prints_a_one_time_link(db: Any, settings: Any) -> None:
    settings.BEACON_BASE_URL = "https://beacon.example.org"
    out = StringIO()
    call_command("createadmin", "firstadmin", "--email", "first@example.org", "--no-email", stdout=out)
    url = re.search(r"https://beacon\.example\.org/accounts/enrol/\S+", out.getvalue())
    assert url is not None
    user = User.objects.get(username="firstadmin")
    assert not user.is_active and user.has_role(Role.ADMIN) and user.agency is None
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk), detail__via="cli").exists()
    client = Client()
    assert enrol(client, path_of(url.group(0)), user).status_code == 200
    assert client.get(reverse("core:users")).status_code == 200  # a working administrator
    with pytest.raises(CommandError, match="already exists"):
        call_command("createadmin", "firstadmin", "--email", "other@example.org", stdout=StringIO())
    reset = StringIO()
    call_command("createadmin", "firstadmin", "--email", "x@example.org", "--reset", "--no-email", stdout=reset)
    assert "/accounts/enrol/" in reset.getvalue() and not TOTPDevice.objects.filter(user=user).exists()


def test_reset_requires_a_set_up_account(invited: tuple[User, str]) -> None:
    user, _ = invited
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_reset_mfa(user=user, acting_user=None)


def test_demo_users_keep_signing_in_with_their_seeded_totp(db: Any, mo: Any) -> None:
    from beacon.core.seed import DEMO_PASSWORD, seed_demo_users

    seed_demo_users()
    user = User.objects.get(username="supervisor")
    client = Client()
    client.post(reverse("core:login"), {"username": "supervisor", "password": DEMO_PASSWORD})
    assert client.post(reverse("core:mfa"), {"token": current_totp(user)}).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200

"""Writes for core records: users, agencies, task forces.  Each writes its audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import audit
from .models import Agency, User, UserRole


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    agency: Agency | None,
    roles: Iterable[str],
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    acting_user: Any = None,
    validate: bool = True,
) -> User:
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, agency=agency)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(set(roles))])
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="user", object_id=user.pk,
                 summary=f"user {username} with roles {', '.join(sorted(set(roles)))}")
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], acting_user: Any) -> None:
    wanted = set(roles)
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(wanted - have)])
    user.__dict__.pop("_role_cache", None)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"roles set to {', '.join(sorted(wanted))}")


@transaction.atomic
def user_set_language(*, user: User, language: str, acting_user: Any) -> None:
    """Keep the staff pages' language a user chose (one of ``settings.LANGUAGES``), with its audit event."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"staff pages language set to {language}")


def totp_device_for(user: User, *, key_hex: str | None = None, confirmed: bool = True) -> TOTPDevice:
    """The user's TOTP device (created if missing, optionally with a known key for demo users)."""
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    if device is None:
        kwargs: dict[str, Any] = {"user": user, "name": "default", "confirmed": confirmed}
        if key_hex:
            kwargs["key"] = key_hex
        device = TOTPDevice.objects.create(**kwargs)
    return device


@transaction.atomic
def token_create(*, user: User, acting_user: Any = None) -> str:
    """A fresh API token for the user (any earlier token stops working)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="api_token", object_id=user.pk,
                 summary=f"API token issued for {user.username}")
    return token.key

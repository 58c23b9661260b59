"""Writes for staff accounts: invitation, enrolment of two-step sign-in, roles and agency,
deactivation, password and MFA resets.  Each writes its audit event in the same transaction;
e-mails leave after the commit (``core.tasks.send_account_email``).

Enrolment rule: nobody enrols a TOTP device with a password alone.  A device is enrolled only
through a one-time, expiring link (``EnrolmentToken``) from an invitation, from an
administrator's MFA reset, or from ``beacon createadmin``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import audit, crypto
from .models import Agency, EnrolmentToken, Role, User, UserRole

RECOVERY_CODE_COUNT = 10


def _acting(user: Any) -> User | None:
    return user if isinstance(user, User) and user.pk else None


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def absolute_url(path: str) -> str:
    return f"{settings.BEACON_BASE_URL.rstrip('/')}{path}"


def enrolment_url(raw: str) -> str:
    return absolute_url(reverse("core_public:enrol", args=[raw]))


def _clean_roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted(set(roles))
    unknown = [r for r in wanted if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}})
    if not wanted:
        raise ValidationError({"roles": _("Choose at least one role.")})
    return wanted


def _issue_enrolment_token(*, user: User, purpose: str, acting_user: Any) -> str:
    """A new one-time link for ``user``; any earlier unused link of theirs stops working."""
    now = timezone.now()
    EnrolmentToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    raw = secrets.token_urlsafe(32)
    EnrolmentToken.objects.create(
        user=user, digest=token_digest(raw), purpose=purpose, created_by=_acting(acting_user),
        expires_at=now + timedelta(hours=settings.BEACON_ENROLMENT_LINK_HOURS),
    )
    return raw


def mail_after_commit(to: str, subject: str, body: str) -> None:
    if not to:
        return
    from .tasks import send_account_email

    sealed = crypto.encrypt(body)  # the link in the body must not sit readable in the task queue
    transaction.on_commit(lambda: send_account_email.enqueue(to, subject, sealed, sealed=True))


def _enrolment_mail(user: User, url: str, purpose: str) -> None:
    hours = settings.BEACON_ENROLMENT_LINK_HOURS
    if purpose == EnrolmentToken.Purpose.INVITE:
        subject = _("Your Beacon account")
        intro = _("You have been invited to Beacon, Missouri's anti-trafficking platform, as %(username)s.") % {
            "username": user.username}
        step = _("Open this link to choose a password and set up two-step sign-in with an authenticator app:")
    else:
        subject = _("Set up two-step sign-in for Beacon again")
        intro = _("An administrator reset two-step sign-in for your Beacon account %(username)s.") % {
            "username": user.username}
        step = _("Open this link, confirm your password and set up your authenticator app again:")
    closing = _("The link works once and expires in %(hours)s hours. If you did not expect this e-mail, "
                "tell your administrator.") % {"hours": hours}
    mail_after_commit(user.email, subject, f"{intro}\n\n{step}\n{url}\n\n{closing}\n")


# --- Invitation and first administrator -------------------------------------------------------
@transaction.atomic
def user_invite(
    *,
    username: str,
    email: str,
    agency: Agency | None,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
    send_email: bool = True,
) -> tuple[User, str]:
    """Create an inactive account and a one-time enrolment link (e-mailed); returns both.

    The account has no usable password and no device until the invitee opens the link.
    """
    wanted = _clean_roles(roles)
    user = User(username=username.strip(), email=email.strip(), first_name=first_name, last_name=last_name,
                agency=agency, is_active=False)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if email and User.objects.filter(email__iexact=email.strip()).exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in wanted])
    raw = _issue_enrolment_token(user=user, purpose=EnrolmentToken.Purpose.INVITE, acting_user=acting_user)
    audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="user", object_id=user.pk,
                 summary=f"invited {user.username} ({', '.join(wanted)})", request=request,
                 detail={"roles": wanted, "agency": agency.pk if agency else None, "via": "web" if request else "cli"})
    url = enrolment_url(raw)
    if send_email:
        _enrolment_mail(user, url, EnrolmentToken.Purpose.INVITE)
    return user, url


# --- Enrolment through a link ---------------------------------------------------------------
def pending_device_for(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device shown on the enrolment page (created on first view)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def enrolment_link(raw: str) -> EnrolmentToken | None:
    """The unused, unexpired enrolment link with this token, else None."""
    return (EnrolmentToken.objects.select_related("user")
            .filter(digest=token_digest(raw), used_at__isnull=True, expires_at__gt=timezone.now()).first())


def enrolment_complete(
    *, token_id: int, code: str, password: str = "", request: HttpRequest | None = None,
) -> tuple[User, TOTPDevice, list[str]]:
    """Use an enrolment link once: (new password), confirm the TOTP device, issue recovery codes.

    The code is checked first (a wrong code counts towards the device's throttle and is kept
    even though the enrolment is refused); then the link row is locked, so two submissions of
    one link cannot both succeed.  Raises ``ValidationError`` and changes nothing else when refused.
    """
    gone = _("This link has already been used or has expired. Ask an administrator for a new one.")
    token = EnrolmentToken.objects.select_related("user").filter(
        pk=token_id, used_at__isnull=True, expires_at__gt=timezone.now()).first()
    if token is None:
        raise ValidationError(gone)
    user = token.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError(_("Reload this page to get a new code to scan."))
    if token.purpose == EnrolmentToken.Purpose.INVITE:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from exc
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"token": _("Too many wrong codes. Wait a few seconds, then try again.")})
    if not device.verify_token(code.strip()):  # counts the failure on the device itself
        raise ValidationError({"token": _("That code is not right or has expired. Wait for a new code and try again.")})
    with transaction.atomic():
        now = timezone.now()
        locked = EnrolmentToken.objects.select_for_update().filter(
            pk=token.pk, used_at__isnull=True, expires_at__gt=now).first()
        if locked is None:
            raise ValidationError(gone)
        if locked.purpose == EnrolmentToken.Purpose.INVITE:
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = "default"
        device.save(update_fields=["confirmed", "name"])
        codes = recovery_codes_issue(user=user)
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        audit.record(actor=user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                     summary=f"enrolled two-step sign-in ({locked.purpose} link); {len(codes)} recovery codes issued",
                     request=request)
    return user, device, codes


def recovery_code_use(*, user: User, code: str) -> StaticDevice | None:
    """Spend one recovery code (single use, throttled); the device on success, else None."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return None
    with transaction.atomic():
        # The delete is the check: of two concurrent uses of one code, only one deletes the row.
        deleted, _rows = StaticToken.objects.filter(device=device, token=code.strip().lower()).delete()
    if not deleted:
        device.throttle_increment()
        return None
    device.throttle_reset()
    return device


# --- Administration -------------------------------------------------------------------------
def _revoke_sessions(user: User) -> int:
    """Delete every live session of ``user`` (database-backed session engines)."""
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    revoked = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()
            revoked += 1
    return revoked


@transaction.atomic
def user_update(
    *,
    user: User,
    agency: Agency | None,
    roles: Iterable[str],
    email: str,
    first_name: str = "",
    last_name: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
) -> None:
    wanted = _clean_roles(roles)
    if user.pk == getattr(acting_user, "pk", None) and Role.ADMIN not in wanted:
        raise ValidationError({"roles": _("You cannot remove your own administrator role.")})
    before = {"agency": user.agency_id, "roles": sorted(user.roles.values_list("role", flat=True)),
              "email": user.email, "first_name": user.first_name, "last_name": user.last_name}
    if email and User.objects.filter(email__iexact=email.strip()).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    user.agency, user.email, user.first_name, user.last_name = agency, email.strip(), first_name, last_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["agency", "email", "first_name", "last_name"])
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in wanted if r not in have])
    user.__dict__.pop("_role_cache", None)
    after = {"agency": user.agency_id, "roles": wanted, "email": user.email, "first_name": first_name,
             "last_name": last_name}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"updated {user.username}: {', '.join(changed) or 'no change'}", request=request,
                 detail={"changed": changed})


@transaction.atomic
def user_deactivate(*, user: User, acting_user: Any, request: HttpRequest | None = None) -> int:
    """Deactivate at once: sign-in refused, live sessions deleted, API token and links revoked."""
    if user.pk == getattr(acting_user, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _revoke_sessions(user)
    tokens, _rows = Token.objects.filter(user=user).delete()
    EnrolmentToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"deactivated {user.username}; {sessions} session(s) and {tokens} API token(s) revoked",
                 request=request, detail={"sessions": sessions, "api_tokens": tokens})
    return sessions


@transaction.atomic
def user_reactivate(*, user: User, acting_user: Any, request: HttpRequest | None = None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"reactivated {user.username}", request=request)


@transaction.atomic
def user_reset_mfa(
    *, user: User, acting_user: Any, request: HttpRequest | None = None, send_email: bool = True,
) -> str:
    """Remove the user's TOTP device and recovery codes, end their sessions, issue a new link."""
    if not user.has_usable_password():
        raise ValidationError(_("This account has not been set up yet; send a new invitation instead."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions = _revoke_sessions(user)
    raw = _issue_enrolment_token(user=user, purpose=EnrolmentToken.Purpose.MFA_RESET, acting_user=acting_user)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"two-step sign-in reset for {user.username}; {sessions} session(s) ended; new link issued",
                 request=request, detail={"sessions": sessions, "via": "web" if request else "cli"})
    url = enrolment_url(raw)
    if send_email:
        _enrolment_mail(user, url, EnrolmentToken.Purpose.MFA_RESET)
    return url


@transaction.atomic
def user_resend_invite(*, user: User, acting_user: Any, request: HttpRequest | None = None) -> str:
    """A new invitation link for an account that has not been set up yet (the old link stops working)."""
    if user.has_usable_password():
        raise ValidationError(_("This account is already set up; reset its password or two-step sign-in instead."))
    raw = _issue_enrolment_token(user=user, purpose=EnrolmentToken.Purpose.INVITE, acting_user=acting_user)
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"invitation sent again to {user.username}", request=request)
    url = enrolment_url(raw)
    _enrolment_mail(user, url, EnrolmentToken.Purpose.INVITE)
    return url


def password_reset_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse("core_public:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]))


@transaction.atomic
def user_send_password_reset(*, user: User, acting_user: Any, request: HttpRequest | None = None) -> None:
    """E-mail the user a link to choose a new password (Django's reset tokens: one use, expiring)."""
    if not user.is_active or not user.has_usable_password():
        raise ValidationError(_("Only an active, set-up account can reset its password."))
    if not user.email:
        raise ValidationError(_("This account has no e-mail address; add one first."))
    audit.record(actor=acting_user, action=audit.Action.UPDATE, object_type="user", object_id=user.pk,
                 summary=f"password reset e-mail sent to {user.username}", request=request)
    body = "\n\n".join([
        _("An administrator asked Beacon to send you a link to choose a new password for %(username)s.")
        % {"username": user.username},
        password_reset_url(user),
        _("The link works once. If you did not expect this e-mail, tell your administrator."),
    ])
    mail_after_commit(user.email, _("Choose a new Beacon password"), body + "\n")

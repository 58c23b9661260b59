from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.core.models import User
from beacon.core.seed import DEMO_USERS


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("`beacon totp` is a demo helper and is disabled when BEACON_ENV=production.")
        username = options["username"]
        if username not in {u[0] for u in DEMO_USERS}:
            raise CommandError(f"{username!r} is not a demo user.")
        user = User.objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, name="default").first() if user else None
        if device is None:
            raise CommandError(f"{username!r} has no TOTP device; run `beacon seed` first.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")

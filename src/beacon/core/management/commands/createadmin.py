"""``beacon createadmin USERNAME --email E --agency NAME``: the first administrator of a new deployment."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from beacon.core.models import Agency, Role, User
from beacon.core.services import user_create


class Command(BaseCommand):
    help = ("Create an administrator (role admin) in the named agency (created if missing).  The password is asked "
            "twice, or read from standard input with --password-stdin; it must pass the password rules.  The first "
            "sign-in enrolls the authenticator app (TOTP).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--agency", required=True, help="The administrator's agency (created if it does not exist).")
        parser.add_argument("--agency-kind", default="other", choices=[c for c, _ in Agency.Kind.choices])
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} exists already; nothing was changed.")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The passwords differ; nothing was changed.")
        try:
            with transaction.atomic():
                agency = Agency.objects.filter(name=options["agency"].strip()).first()
                if agency is None:
                    agency = Agency(name=options["agency"].strip(), kind=options["agency_kind"],
                                    contact_email=options["email"].strip())
                    agency.full_clean()
                    agency.save()
                user = user_create(username=username, password=password, agency=agency, roles=[Role.ADMIN],
                                   email=options["email"].strip())
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages
            raise CommandError("Refused: " + " ".join(messages) + " Nothing was changed.") from exc
        self.stdout.write(f"Administrator {user.username} created in {agency.name}.")
        self.stdout.write(f"Sign in at {settings.BEACON_BASE_URL}/accounts/login/: the first sign-in shows a QR code "
                          "to enroll an authenticator app.")

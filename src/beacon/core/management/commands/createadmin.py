"""``beacon createadmin USERNAME --email ...``: the first administrator of a fresh database.

Prints a one-time enrolment link (``BEACON_BASE_URL``): whoever opens it chooses the password
and sets up the authenticator app.  No password ever appears on the command line.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from beacon.core.models import Agency, Role, User
from beacon.core.services_people import user_invite, user_reset_mfa


class Command(BaseCommand):
    help = "Create an administrator and print a one-time link to set the password and two-step sign-in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="The administrator's e-mail address")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--agency", default="", help="Exact name of an existing agency (default: none, which "
                                                          "makes a platform-wide administrator)")
        parser.add_argument("--reset", action="store_true",
                            help="The administrator exists and lost their authenticator: reset two-step sign-in "
                                 "and print a new link")
        parser.add_argument("--no-email", action="store_true", help="Only print the link; send no e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        send = not options["no_email"]
        if options["reset"]:
            user = User.objects.filter(username=username, is_active=True, roles__role=Role.ADMIN).first()
            if user is None:
                raise CommandError(f"No active administrator {username!r}.")
            try:
                url = user_reset_mfa(user=user, acting_user=None, send_email=send)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        else:
            agency = None
            if options["agency"]:
                agency = Agency.objects.filter(name=options["agency"]).first()
                if agency is None:
                    raise CommandError(f"No agency named {options['agency']!r}; create it first with "
                                       "`beacon taskforce add-agency ... --kind ...`, or leave --agency out.")
            try:
                _user, url = user_invite(username=username, email=options["email"], agency=agency, roles=[Role.ADMIN],
                                         first_name=options["first_name"], last_name=options["last_name"],
                                         acting_user=None, send_email=send)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        hours = settings.BEACON_ENROLMENT_LINK_HOURS
        self.stdout.write(self.style.SUCCESS(f"Administrator {username!r} is ready to enrol."))
        self.stdout.write(f"Open this link once, within {hours} hours, to set the password and the authenticator app:")
        self.stdout.write(url)

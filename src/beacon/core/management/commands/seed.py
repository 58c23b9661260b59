from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beacon.core import seed as core_seed
from beacon.core.seed import DEMO_PASSWORD


class Command(BaseCommand):
    help = ("Load Missouri reference data (geography, hotlines, courses) and, in development, the demo "
            "(agencies, task forces, users, and each area's demo data).  In production (BEACON_ENV=production) "
            "only reference data is loaded and --demo is refused.")

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--demo", action="store_true", default=None,
                           help="Load the demo too (the default in development; refused in production).")
        group.add_argument("--no-demo", action="store_true", help="Load only public reference data.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo"] and settings.PRODUCTION:
            raise CommandError("Refused: `beacon seed --demo` would create demo users with a published password and "
                               "TOTP secrets, and BEACON_ENV=production.  Run `beacon seed` (reference data only).")
        demo = not options["no_demo"] and not settings.PRODUCTION
        result = core_seed.run(demo=demo)
        created = result["created"]
        self.stdout.write(f"Geography: {created}")
        if not demo:
            self.stdout.write("Reference data only (no demo).")
        for config in apps.get_app_configs():
            if not config.name.startswith("beacon.") or config.name == "beacon.core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.seed")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.seed":
                    continue
                raise
            summary = module.run(demo=demo)
            self.stdout.write(f"{config.label}: {summary}")
        if demo:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}); add the TOTP secret to an")
            self.stdout.write("authenticator app, or print the current code with `.venv/bin/beacon totp USERNAME`:")
            for username, roles, secret in result["users"]:  # type: ignore[attr-defined]
                self.stdout.write(f"  {username:<18} {roles:<14} TOTP secret {secret}")

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from beacon.core import seed as core_seed
from beacon.core.seed import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load Missouri geography and the demo (agencies, task forces, users, and each area's demo data)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Load only public reference data (production).")

    def handle(self, *args: Any, **options: Any) -> None:
        demo = not options["no_demo"]
        result = core_seed.run(demo=demo)
        created = result["created"]
        self.stdout.write(f"Geography: {created}")
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

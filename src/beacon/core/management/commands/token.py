from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beacon.core.models import User
from beacon.core.services import token_create


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME` prints a new token (replacing the user's old one)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        self.stdout.write(token_create(user=user))

"""``beacon sms purge [--days N]``: close SMS conversations idle for BEACON_SMS_RETENTION_DAYS and wipe their numbers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beacon.tips import sms


class Command(BaseCommand):
    help = "Text-a-tip maintenance: 'purge' wipes the numbers of conversations idle past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Close idle conversations and wipe their encrypted numbers.")
        purge.add_argument("--days", type=int, default=None,
                           help="Idle days before a number is wiped (default: BEACON_SMS_RETENTION_DAYS).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge":
            days = options["days"]
            if days is not None and days < 0:
                raise CommandError("--days must be 0 or more.")
            closed = sms.purge(days=days)
            self.stdout.write(f"Closed {closed} SMS conversation(s); their numbers were wiped.")

"""``beacon purge_rate_limits``: delete the counters and random keys of ended rate-limit windows.

Requests already purge them; run this from cron (e.g. every 15 minutes) so that they also go
when no public request arrives after a window ends.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from beacon.core import ratelimit


class Command(BaseCommand):
    help = "Delete the counters and keys of ended rate-limit windows."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = ratelimit.purge()
        self.stdout.write(f"Deleted {deleted} ended rate-limit rows.")

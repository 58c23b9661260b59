"""Django's ``flush`` (empty every table), allowed to empty the append-only audit table on SQLite
as TRUNCATE does on PostgreSQL: the whole database goes, never single audit rows."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from beacon.core import audit


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with audit.flushing():
            super().handle(**options)

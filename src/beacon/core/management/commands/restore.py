"""``beacon restore DIR``: verify a backup's checksums, then restore database, key files and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from beacon.core import audit
from beacon.core.backup import BackupError, restore

from .backup import progress_bar, source


class Command(BaseCommand):
    help = ("Restore a `beacon backup` directory: checks every file's SHA-256, refuses to overwrite an existing "
            "database or different key files unless --force, restores, then checks every table's row count.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory")
        parser.add_argument("--force", action="store_true",
                            help="Overwrite the existing database and key files (stop Beacon first).")
        parser.add_argument("--database", help="SQLite only: restore into this file instead of the configured one.")
        parser.add_argument("--var-dir", help="Restore the key files here instead of the configured var directory.")
        parser.add_argument("--media-root", help="Restore uploaded files here instead of MEDIA_ROOT.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = source(options)
        connection.close()  # the restore replaces the database under Django's connection
        try:
            with progress_bar("restoring", options["quiet"] or options["verbosity"] == 0) as progress:
                manifest = restore(Path(options["directory"]), target, force=options["force"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["database"]:
            audit.record(actor=None, action=audit.Action.CREATE, object_type="backup",
                         summary=f"restored the backup of {manifest['created_at']}")
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {rows} rows in {len(manifest['counts'])} tables (counts checked) and "
                          f"{len(manifest['keys'])} key files from the backup of {manifest['created_at']}.")
        if manifest["keys_from_environment"]:
            self.stdout.write(f"Set {', '.join(manifest['keys_from_environment'])} in the environment as they were "
                              "when the backup was taken.")

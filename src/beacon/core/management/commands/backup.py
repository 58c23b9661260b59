"""``beacon backup DIR``: database, key files and uploaded files, with a checksummed manifest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beacon.core import audit
from beacon.core.backup import BackupError, Progress, Source, backup


@contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr (SQLite pages copied)."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def source(options: dict[str, Any]) -> Source:
    database: dict[str, Any] = dict(settings.DATABASES["default"])
    if options.get("database"):
        if "sqlite3" not in str(database["ENGINE"]):
            raise CommandError("--database names an SQLite file; for PostgreSQL set DATABASE_URL.")
        database["NAME"] = options["database"]
    return Source(database=database, var_dir=Path(options.get("var_dir") or settings.VAR_DIR),
                  media_root=Path(options.get("media_root") or settings.MEDIA_ROOT))


class Command(BaseCommand):
    help = ("Back up the database (SQLite: online backup API, safe while Beacon serves; PostgreSQL: pg_dump -Fc), "
            "the key files under the var directory (mode 0600) and uploaded files into a new directory DIR, "
            "with manifest.json (row counts and SHA-256 checksums).  Restore with `beacon restore DIR`.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="A new or empty directory.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["directory"])
        src = source(options)
        audit.record(actor=None, action=audit.Action.EXPORT, object_type="backup", summary=f"backup to {target}"[:300])
        try:
            with progress_bar("backing up", options["quiet"] or options["verbosity"] == 0) as progress:
                manifest = backup(target, src, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {rows} rows in {len(manifest['counts'])} tables, {len(manifest['keys'])} key "
                          f"files and {sum(1 for f in manifest['files'] if f.startswith('media/'))} uploaded files "
                          f"to {target}.")
        if manifest["keys_from_environment"]:
            self.stdout.write(f"Not in the backup (set in the environment; keep them safe separately): "
                              f"{', '.join(manifest['keys_from_environment'])}.")
        self.stdout.write("The backup holds the keys that decrypt it: store it encrypted, off this machine.")

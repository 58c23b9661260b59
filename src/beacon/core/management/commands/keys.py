"""``beacon keys generate|generate-index|rotate|rotate-index`` (see docs/security.md, "Keys")."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from beacon.core import keys
from beacon.core.keys import Progress, RotationResult


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr, one line per table."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True)) as bar:
        tasks: dict[str, Any] = {}

        def update(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=max(total, done))
            bar.update(tasks[label], completed=done, total=max(total, done))

        yield update


class Command(BaseCommand):
    help = ("Keys: `generate` prints a new field key, `generate-index` a new index key; `rotate` re-encrypts every "
            "field under the first BEACON_FIELD_KEY; `rotate-index` recomputes every blind index under the first "
            "BEACON_INDEX_KEY.  Both rotations are safe to run again after an interruption.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["generate", "generate-index", "rotate", "rotate-index"])
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        if action == "generate-index":
            self.stdout.write(secrets.token_urlsafe(48))
            return
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        with progress_bar(options["quiet"] or options["verbosity"] == 0) as progress:
            if action == "rotate":
                result = keys.rotate_field_key(batch=options["batch"], progress=progress)
            else:
                result = keys.rotate_index_key(batch=options["batch"], progress=progress)
        self._report(action, result)

    def _report(self, action: str, result: RotationResult) -> None:
        for label, rows in result.tables.items():
            self.stdout.write(f"{label}: {rows} rows")
        if action == "rotate":
            self.stdout.write(f"Re-encrypted {result.changed} rows under the first BEACON_FIELD_KEY.")
        else:
            self.stdout.write(f"Recomputed {result.changed} of {result.rows} blind indexes under the first "
                              "BEACON_INDEX_KEY.")
        problems = []
        if result.unreadable:
            problems.append(f"{result.unreadable} rows cannot be decrypted with the configured BEACON_FIELD_KEY")
        if result.unmatched:
            problems.append(f"{result.unmatched} indexes match no configured BEACON_INDEX_KEY (left unchanged)")
        if result.conflicts:
            problems.append(f"{result.conflicts} indexes duplicate an existing row (left unchanged)")
        if problems:
            raise CommandError("Rotation finished with problems: " + "; ".join(problems)
                               + ". Keep the old key configured until this is resolved.")
        self.stdout.write("Done. The old key can now be removed (see docs/security.md, \"Keys\").")

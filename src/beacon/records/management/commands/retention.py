"""``beacon retention run [--dry-run] [--kind KIND]`` and ``beacon retention schedule``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from beacon.records.models import RecordKind
from beacon.records.retention import run_retention


@contextmanager
def _bar(enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        tasks: dict[str, Any] = {}

        def update(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = progress.add_task(f"retention: {kind}", total=total)
            progress.update(tasks[kind], completed=done, total=max(total, done))

        yield update


class Command(BaseCommand):
    help = ("Records retention: 'run' purges or anonymizes expired records now (--dry-run: only count); "
            "'schedule' enqueues the self-renewing daily task.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "schedule"])
        parser.add_argument("--dry-run", action="store_true", help="Count what would be purged or anonymized.")
        parser.add_argument("--kind", action="append", choices=RecordKind.values,
                            help="Only this kind of record (repeatable).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schedule":
            from django.utils import timezone

            from beacon.records.tasks import schedule_next, waiting

            # Safe to run on every start (a deploy script, `make run`): a waiting run is kept.
            already = waiting()
            at = already or schedule_next()
            if at is None:
                raise CommandError("Not scheduled: the task backend cannot defer work (use a cron or systemd "
                                   "timer: docs/operations.md).")
            note = " (already scheduled)" if already else ""
            self.stdout.write(f"Next retention run: {timezone.localtime(at):%Y-%m-%d %H:%M %Z}{note}")
            return
        with _bar(not options["no_progress"] and not options["dry_run"]) as progress:
            result = run_retention(dry_run=options["dry_run"], kinds=options["kind"], progress=progress)
        verb = "would be" if result.dry_run else "were"
        for kind, counts in result.counts.items():
            self.stdout.write(f"{kind}: {counts['purged']} {verb} purged, {counts['anonymised']} {verb} anonymized, "
                              f"{counts['held']} kept under legal hold")
        self.stdout.write(f"{'Dry run: ' if result.dry_run else ''}{result.total()} record(s) in all.")

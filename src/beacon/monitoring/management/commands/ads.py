"""``beacon ads ingest INPUT`` (store ads in the database), ``beacon ads rescore`` (re-apply the
indicator weights to stored ads and operations) and ``beacon ads scan INPUT --out DIR`` (no database)."""

from __future__ import annotations

import argparse
import gzip
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

CHUNK_SIZE = 2000  # = services.CHUNK_SIZE (kept here so that --help does not import the models)
PROGRESS_FROM = 1000  # records: smaller inputs finish before a bar is worth drawing


def count_records(path: Path) -> int:
    """Lines of the input (a header line included for CSV): the progress bar's total. For a scan
    folder: the lines of its ``store.jsonl`` and ``rejected.jsonl``."""
    if path.is_dir():
        from beacon.adscan.handoff import rejected_files, store_files  # (also a Spark scan's part files)

        return sum(count_records(f) for f in (*store_files(path), *rejected_files(path)))
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else path.open("rb")) as fh:
        return sum(1 for line in fh if line.strip())


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr for ``total`` items (None below ``PROGRESS_FROM``)."""
    if total < PROGRESS_FROM:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # speed = rich's smoothed rate of the task (items per second over its recent updates)
    rate = TextColumn("{task.fields[rate]}")
    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), rate, TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, rate="")

        def update(n: int) -> None:
            bar.update(task, completed=n)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f} ads/s" if speed else "")

        yield update


class Command(BaseCommand):
    help = ("Online ad monitoring: 'ingest INPUT' stores ads; 'rescore' re-applies the indicator weights; "
            "'scan INPUT --out DIR' runs the database-free scan (with the analysts' identifier marks); "
            "'marks' prints those marks as JSON lines (for 'scan --marks FILE' elsewhere).")
    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's attribute
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["ingest", "rescore", "scan", "marks"])
        parser.add_argument("rest", nargs=argparse.REMAINDER, help="INPUT and options (see 'beacon ads ACTION -h')")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "scan":
            from beacon.adscan.cli import main

            rest = list(options["rest"])
            with tempfile.TemporaryDirectory(prefix="beacon-marks-") as tmp:
                if not {"--marks", "-h", "--help"}.intersection(rest):
                    rest += ["--marks", self.platform_marks(Path(tmp) / "marks.jsonl")]
                # the platform's scan also writes store.jsonl, for 'beacon ads ingest DIR'
                if not {"--store", "-h", "--help"}.intersection(rest):
                    rest += ["--store"]
                code = main(["scan", *rest])
            if code:
                raise CommandError(f"scan exited with status {code}", returncode=code)
            return
        if options["action"] == "marks":
            from ...marks import export_marks

            n = export_marks(self.stdout)
            self.stderr.write(f"{n} identifier mark(s)")
            return
        if options["action"] == "rescore":
            self.rescore(options["rest"])
            return
        self.ingest(options["rest"])

    @staticmethod
    def platform_marks(path: Path) -> str:
        """The analysts' identifier marks written to ``path`` (none when there is no database to read)."""
        from ...marks import export_marks

        with path.open("w", encoding="utf-8") as f:
            try:
                export_marks(f)
            except Exception:  # noqa: BLE001 - no reachable or migrated database: the scan runs without marks
                f.truncate(0)
        return str(path)

    def rescore(self, argv: list[str]) -> None:
        parser = argparse.ArgumentParser(prog="beacon ads rescore", description="Re-apply the current indicator "
                                         "weights to every stored ad and operation (after the catalogue changed).")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        opts = parser.parse_args(argv)
        from ...models import Ad
        from ...services import rescore

        with progress_bar("re-weighing ads", 0 if opts.quiet else Ad.objects.count()) as progress:
            result = rescore(progress=progress)
        self.stdout.write(f"{result['ads_changed']} of {result['ads']} ads changed; "
                          f"{result['operations']} operations re-summarised")

    def ingest(self, argv: list[str]) -> None:
        parser = argparse.ArgumentParser(prog="beacon ads ingest", description="Store ads (JSONL or CSV, gzip allowed, or "
                                         "the folder 'beacon ads scan INPUT --out DIR' wrote: its analysis is kept). "
                                         "Idempotent and resumable: run it again after an interruption.")
        parser.add_argument("input", type=Path)
        parser.add_argument("--user", help="username recorded as the submitter (default: the system)")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE,
                            help=f"records per transaction (default {CHUNK_SIZE})")
        parser.add_argument("--kind", default="escort", help="kind of the feed's ads: escort (default) or job "
                            "(job ads and recruitment posts); a record's own 'kind' column wins")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        opts = parser.parse_args(argv)
        from beacon.adscan.records import KINDS
        from beacon.core.models import User

        from ...services import IngestError, ingest_file

        actor = None
        if opts.user:
            actor = User.objects.filter(username=opts.user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {opts.user!r}.")
        if opts.kind not in KINDS:
            raise CommandError(f"unknown kind {opts.kind!r}: expected one of {', '.join(KINDS)}")
        if not opts.input.exists():
            raise CommandError(f"input not found: {opts.input}")
        total = 0 if opts.quiet else count_records(opts.input)
        try:
            with progress_bar("storing ads", total) as progress:
                run = ingest_file(opts.input, acting_user=actor, chunk_size=opts.chunk_size, progress=progress,
                                  kind=opts.kind)
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"run {run.pk}: read {run.received}, stored {run.created} new, {run.updated} updated "
                          f"(new version), {run.unchanged} unchanged, {run.rejected} rejected")
        for row in run.rejected_rows.all()[:20]:
            self.stdout.write(f"  line {row.line}: {row.reason}")
        if run.rejected > 20:
            self.stdout.write(f"  ... {run.rejected - 20} more (staff page /staff/ads/ingest/{run.pk}/)")

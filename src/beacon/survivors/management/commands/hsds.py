from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beacon.survivors import hsds_io

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Open Referral HSDS: `hsds import PATH` (HSDS 1.1, 2.0 or 3.x: a data package directory, its "
            "datapackage.json or a zip of it, or an HSDS JSON file) and `hsds export PATH` (HSDS 3.1; a directory: "
            "data package; a *.json file: HSDS JSON).  Exit status of an import: 0 all imported, 1 the package "
            "cannot be read (nothing imported), 2 imported with rows rejected (see the report).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("path")
        parser.add_argument("--report", help="Write the per-record import report (JSON) to this file")
        parser.add_argument("--agency", help="Name of the Beacon agency that runs the imported organisations")
        parser.add_argument("--hsds-version", choices=hsds_io.legacy.SUPPORTED,
                            help="Read the package as this HSDS version (default: recognized from its tables)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if options["action"] == "export":
            counts = hsds_io.export_path(path)
            self.stdout.write(f"Exported to {path}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            return
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        agency = None
        if options["agency"]:
            from beacon.core.models import Agency

            agency = Agency.objects.filter(name=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency named {options['agency']!r}.")
        try:
            report = hsds_io.import_path(path, agency=agency, version=options["hsds_version"])
        except hsds_io.PackageError as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc
        except Exception as exc:  # never a traceback as the answer; the log keeps it for the developers
            logger.error("hsds import of %s failed: %r", path, exc)
            logger.debug("hsds import of %s failed", path, exc_info=True)
            raise CommandError(f"Nothing imported: the import failed unexpectedly ({type(exc).__name__}: {exc}). "
                               "The details are in the server log.") from exc
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(report.summary())
        for r in report.rejected:
            self.stdout.write(f"REJECTED {r.table} {r.id or '-'} at {r.where}: {'; '.join(r.reasons)}")
        if options["report"]:
            Path(options["report"]).write_text(json.dumps(report.as_dict(), indent=2))
        if report.rejected:
            count = len(report.rejected)
            raise CommandError(f"{count} {'row was' if count == 1 else 'rows were'} not imported (listed above).",
                               returncode=2)

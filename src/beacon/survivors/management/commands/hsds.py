from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beacon.survivors import hsds_io


class Command(BaseCommand):
    help = ("Open Referral HSDS 3.1: `hsds import PATH` (a data package directory or datapackage.json, or an HSDS JSON "
            "file) and `hsds export PATH` (a directory: data package; a *.json file: HSDS JSON).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("path")
        parser.add_argument("--report", help="Write the per-record import report (JSON) to this file")
        parser.add_argument("--agency", help="Name of the Beacon agency that runs the imported organisations")

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
            report = hsds_io.import_path(path, agency=agency)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        for r in report.rejected:
            self.stdout.write(f"REJECTED {r.table} {r.id or '-'} at {r.where}: {'; '.join(r.reasons)}")
        if options["report"]:
            Path(options["report"]).write_text(json.dumps(report.as_dict(), indent=2))

"""``beacon taskforce list|create|add-agency|remove-agency|cover|uncover``: the CLI twin of the
task-force pages.  Both go through ``beacon.core.services_taskforces`` and are audited
(actor: none, detail ``via: cli``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from beacon.core import selectors, services_taskforces
from beacon.core.models import Agency, County, TaskForce


def _task_force(slug: str) -> TaskForce:
    tf = TaskForce.objects.filter(slug=slug).first()
    if tf is None:
        known = ", ".join(TaskForce.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No task force {slug!r} (known: {known}).")
    return tf


def _counties(names: list[str]) -> list[County]:
    """FIPS codes ('29095') or names ('Jackson', 'Jackson County', 'St. Louis city'), case-insensitive."""
    found: list[County] = []
    unknown: list[str] = []
    for name in names:
        key = name.strip()
        matches = list(County.objects.filter(Q(fips=key) | Q(name__iexact=key) | Q(name__iexact=f"{key} County")))
        if len(matches) == 1:
            found.append(matches[0])
        elif matches:
            unknown.append(f"{name} (ambiguous: {', '.join(c.name for c in matches)}; use the FIPS code)")
        else:
            unknown.append(name)
    if unknown:
        raise CommandError(f"Unknown Missouri county: {'; '.join(unknown)}. Use a FIPS code such as 29095 "
                           "or a name such as 'Jackson'.")
    return found


def _errors(exc: ValidationError) -> CommandError:
    return CommandError(" ".join(exc.messages))


class Command(BaseCommand):
    help = "Task forces, member agencies and county coverage (tips are routed by coverage)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List task forces with their agencies and counties.")
        create = sub.add_parser("create", help="Create a task force.")
        create.add_argument("slug")
        create.add_argument("name")
        create.add_argument("--description", default="")
        create.add_argument("--statewide", action="store_true", help="Covers every county (only one may exist).")
        add = sub.add_parser("add-agency", help="Add an agency (created when --kind is given and it is new).")
        add.add_argument("slug")
        add.add_argument("agency", help="The agency's exact name")
        add.add_argument("--kind", choices=Agency.Kind.values, help="Create the agency with this type if missing")
        add.add_argument("--county", help="The new agency's county (FIPS or name)")
        remove = sub.add_parser("remove-agency", help="Remove an agency from the task force.")
        remove.add_argument("slug")
        remove.add_argument("agency")
        for name, text in (("cover", "Add counties to the coverage."), ("uncover", "Remove counties from the coverage.")):
            p = sub.add_parser(name, help=text)
            p.add_argument("slug")
            p.add_argument("counties", nargs="+", help="FIPS codes or county names")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except ValidationError as exc:
            raise _errors(exc) from exc

    def do_list(self, options: dict[str, Any]) -> None:
        forces = selectors.task_force_list().prefetch_related("agencies")
        if not forces:
            self.stdout.write("No task forces yet: `beacon taskforce create SLUG NAME`.")
        for tf in forces:
            scope = "statewide" if tf.statewide else f"{tf.county_count} counties"  # type: ignore[attr-defined]
            self.stdout.write(f"{tf.slug}\t{tf.name}\t{scope}\t{tf.agency_count} agencies")  # type: ignore[attr-defined]
            for agency in tf.agencies.all():
                self.stdout.write(f"    {agency.name} ({agency.kind})")

    def do_create(self, options: dict[str, Any]) -> None:
        tf = services_taskforces.task_force_create(slug=options["slug"], name=options["name"],
                                                  description=options["description"],
                                                  statewide=options["statewide"], acting_user=None)
        self.stdout.write(self.style.SUCCESS(f"Created task force {tf.slug}: {tf.name}"))

    def do_add_agency(self, options: dict[str, Any]) -> None:
        tf = _task_force(options["slug"])
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            if not options["kind"]:
                raise CommandError(f"No agency named {options['agency']!r}; add --kind "
                                   f"({', '.join(Agency.Kind.values)}) to create it.")
            county = _counties([options["county"]])[0] if options["county"] else None
            agency = services_taskforces.agency_create(name=options["agency"], kind=options["kind"], county=county,
                                                       acting_user=None)
            self.stdout.write(f"Created agency {agency.name} ({agency.kind}).")
        added = services_taskforces.task_force_add_agency(task_force=tf, agency=agency, acting_user=None)
        self.stdout.write(self.style.SUCCESS(f"{agency.name} {'joined' if added else 'was already in'} {tf.slug}."))

    def do_remove_agency(self, options: dict[str, Any]) -> None:
        tf = _task_force(options["slug"])
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency named {options['agency']!r}.")
        removed = services_taskforces.task_force_remove_agency(task_force=tf, agency=agency, acting_user=None)
        self.stdout.write(self.style.SUCCESS(f"{agency.name} {'left' if removed else 'was not in'} {tf.slug}."))

    def do_cover(self, options: dict[str, Any]) -> None:
        tf = _task_force(options["slug"])
        added = services_taskforces.task_force_cover(task_force=tf, counties=_counties(options["counties"]),
                                                     acting_user=None)
        self.stdout.write(self.style.SUCCESS(f"{tf.slug} now covers {len(added)} more county(ies): "
                                             f"{', '.join(added) or 'none new'}."))

    def do_uncover(self, options: dict[str, Any]) -> None:
        tf = _task_force(options["slug"])
        removed = services_taskforces.task_force_uncover(task_force=tf, counties=_counties(options["counties"]),
                                                         acting_user=None)
        self.stdout.write(self.style.SUCCESS(f"{tf.slug} no longer covers {len(removed)} county(ies): "
                                             f"{', '.join(removed) or 'none'}."))

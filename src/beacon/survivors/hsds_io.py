"""HSDS 3.1 in and out: serialisation, import (JSON or data package) and export.

Import works on flat HSDS tables.  HSDS JSON (fully nested organisations or services, a
list, a single object, or a paged ``{"contents": [...]}`` response) is first flattened into
the same tables a data package holds, filling the foreign keys the nesting implies.  Every
row is then validated on its own against the vendored HSDS JSON Schema of its table
(``hsds/schema/<table>.json``, jsonschema Draft 2020-12 with format checks) and the
data package's required-field constraints, then against Beacon's own rules (links to rows
that exist, field lengths); a failing row is rejected with its reasons and the rest are kept.
Rows are upserted by their HSDS ``id`` (a UUID), so a re-import updates and never duplicates.
An import can make a location confidential (its confidential attribute) but never makes a
confidential location public again: only its managers can, in the staff form.
Tables Beacon does not store (contact, funding, program, cost_option, ...) are counted as
skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from beacon.core import audit, geo
from beacon.core.models import County

from . import hsds_legacy as legacy
from . import taxonomy
from .models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from .services import bump_directory, location_county_fips

HSDS_DIR = Path(__file__).resolve().parent / "hsds"
SCHEMA_DIR = HSDS_DIR / "schema"

# The tables Beacon stores, in dependency order, with their model and the stored HSDS columns.
TABLES: dict[str, tuple[type[models.Model], list[str]]] = {
    "taxonomy": (Taxonomy, ["name", "description", "uri", "version"]),
    "taxonomy_term": (TaxonomyTerm, ["code", "name", "description", "parent_id", "taxonomy_id", "language", "term_uri"]),
    "organization": (Organization, ["name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
                                    "year_incorporated", "legal_status", "uri", "parent_organization_id"]),
    "location": (Location, ["organization_id", "location_type", "url", "name", "alternate_name", "description",
                            "transportation", "latitude", "longitude"]),
    "address": (Address, ["location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                          "postal_code", "country", "address_type"]),
    "service": (Service, ["organization_id", "name", "alternate_name", "description", "url", "email", "status",
                          "interpretation_services", "application_process", "fees_description", "wait_time",
                          "eligibility_description", "minimum_age", "maximum_age", "alert", "last_modified"]),
    "attribute": (ServiceAttribute, []),  # handled specially
    "service_at_location": (ServiceAtLocation, ["service_id", "location_id", "description"]),
    "phone": (Phone, ["organization_id", "service_id", "location_id", "number", "extension", "type", "description"]),
    "schedule": (Schedule, ["service_id", "location_id", "freq", "byday", "opens_at", "closes_at", "description"]),
    "language": (Language, ["service_id", "location_id", "name", "code", "note"]),
    "service_area": (ServiceArea, ["service_id", "name", "description", "extent", "extent_type", "uri"]),
}
PARENTS = {  # foreign key column -> table it points to
    "organization_id": "organization", "service_id": "service", "location_id": "location", "taxonomy_id": "taxonomy",
    "parent_id": "taxonomy_term", "taxonomy_term_id": "taxonomy_term",
}


# --- Schemas ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=32)
def schema_of(table: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text())


@lru_cache(maxsize=32)
def validator_of(table: str) -> Draft202012Validator:
    return Draft202012Validator(schema_of(table), registry=_registry(), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def datapackage() -> dict[str, Any]:
    return json.loads((HSDS_DIR / "datapackage.json").read_text())


def resource_of(table: str) -> dict[str, Any]:
    return next(r for r in datapackage()["resources"] if r["name"] == table)


def tabular_required(table: str) -> list[str]:
    return [f["name"] for f in resource_of(table)["schema"]["fields"] if f.get("constraints", {}).get("required")]


def validate_row(table: str, row: dict[str, Any]) -> list[str]:
    errors = [f"{'/'.join(str(p) for p in e.absolute_path) or table}: {e.message}"
              for e in validator_of(table).iter_errors(row)]
    errors += [f"{name}: required" for name in tabular_required(table) if row.get(name) in (None, "")
               and not any(e.startswith(f"{name}:") for e in errors)]
    return errors


# --- Report -------------------------------------------------------------------------------
@dataclass
class Rejection:
    table: str
    id: str
    where: str  # file and line, or position in the JSON
    reasons: list[str]


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejected: list[Rejection] = field(default_factory=list)
    version: str = ""  # "1.1", "2.0" or "3": the HSDS version the package was read as
    notes: list[str] = field(default_factory=list)  # about the package as a whole (version, encoding)

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "notes": list(self.notes), "created": dict(self.created),
                "updated": dict(self.updated), "skipped": dict(self.skipped),
                "rejected": [r.__dict__ for r in self.rejected]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(version=str(data.get("version", "")), notes=list(data.get("notes", [])),
                     rejected=[Rejection(**r) for r in data.get("rejected", [])])
        for key in ("created", "updated", "skipped"):
            getattr(report, key).update(data.get(key, {}))
        return report

    def summary(self) -> str:
        parts = [f"{t}: {self.created.get(t, 0)} new, {self.updated.get(t, 0)} updated"
                 for t in TABLES if self.created.get(t) or self.updated.get(t)]
        skipped = sum(self.skipped.values())
        return "; ".join(parts + [f"{skipped} skipped", f"{len(self.rejected)} rejected"])


@dataclass
class Row:
    table: str
    data: dict[str, Any]
    where: str


# --- Reading ------------------------------------------------------------------------------
class PackageError(ValueError):
    """A package that cannot be read at all (not a zip, no tables, not HSDS): a clear message,
    nothing imported."""


MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a zip's tables, unpacked (a small zip can unpack to gigabytes)
MAX_ZIP_MEMBERS = 500


def _props(table: str) -> dict[str, Any]:
    """The table's HSDS 3.1 properties; none for a table that has no 3.1 schema."""
    if not (SCHEMA_DIR / f"{table}.json").is_file():
        return {}
    return dict(schema_of(table).get("properties", {}))


def _convert(table: str, raw: dict[str, str]) -> dict[str, Any]:
    """CSV strings to the JSON types the table schema declares; empty cells are absent."""
    props = _props(table)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None or value is None or value == "":
            continue
        kind = props.get(key, {}).get("type")
        if kind in ("number", "integer"):
            try:
                num = float(value)
                out[key] = int(num) if num.is_integer() else num
            except ValueError:
                out[key] = value  # left for the schema to reject
        elif kind == "boolean":
            out[key] = value.strip().lower() in ("true", "1", "yes")
        else:
            out[key] = value
    return out


class _Files:
    """The files of a package: a directory or a zip (the package may sit in one top folder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            self.names = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
            return
        try:
            self.zip = zipfile.ZipFile(path)
            infos = [i for i in self.zip.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(f"{path.name} is not a readable zip file ({exc}).") from exc
        if len(infos) > MAX_ZIP_MEMBERS:
            raise PackageError(f"{path.name} holds {len(infos)} files; an HSDS package has at most {MAX_ZIP_MEMBERS}.")
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise PackageError(f"{path.name} unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; "
                               "import it from a directory on the server with 'beacon hsds import'.")
        names = [i.filename for i in infos]
        descriptors = sorted((n for n in names if n.rsplit("/", 1)[-1] == "datapackage.json"), key=lambda n: n.count("/"))
        top = {n.split("/", 1)[0] for n in names}
        if descriptors:
            self.prefix = descriptors[0][: -len("datapackage.json")]
        elif len(top) == 1 and all("/" in n for n in names):
            self.prefix = next(iter(top)) + "/"
        self.names = sorted(n[len(self.prefix):] for n in names if n.startswith(self.prefix))

    def read(self, name: str) -> bytes | None:
        """The file's bytes; ``None`` when the package does not hold it."""
        name = name.removeprefix("./")
        if self.zip is not None:
            try:
                return self.zip.read(self.prefix + name)
            except KeyError:
                return None
        target = (self.path / name).resolve()
        if not target.is_relative_to(self.path.resolve()) or not target.is_file():
            return None
        return target.read_bytes()


def _decode(data: bytes, name: str, report: ImportReport) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.notes.append(f"{name} is not UTF-8; it was read as Windows-1252.")
        return data.decode("cp1252", "replace")


def _read_csv(text: str, table: str, name: str, report: ImportReport) -> tuple[list[str], list[tuple[dict[str, str], str]]]:
    """Header and rows of one CSV; a row with more or fewer cells than the header goes to the report."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[dict[str, str], str]] = []
    header: list[str] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        start = reader.line_num + 1
        for cells in reader:
            where = f"{name}:{start}"
            start = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                row_id = cells[header.index("id")] if "id" in header and header.index("id") < len(cells) else ""
                report.rejected.append(Rejection(table, row_id, where, [
                    f"the row has {len(cells)} cells and the header {len(header)}: a quote or separator is out of place"]))
                continue
            rows.append((dict(zip(header, cells, strict=True)), where))
    except csv.Error as exc:
        report.rejected.append(Rejection(table, "", f"{name}:{reader.line_num}",
                                         [f"unreadable CSV ({exc}); the rest of {name} was not read"]))
    return header, rows


def read_package(path: Path, *, version: str | None = None) -> tuple[list[Row], ImportReport]:
    """A CSV data package (a directory, its datapackage.json, or a zip) as 3.1 rows, and the report
    of what could not be read or mapped so far.  Without datapackage.json, every CSV is a table
    named after its file (``organizations.csv``: organization)."""
    if path.name == "datapackage.json" and path.is_file():
        path = path.parent
    files = _Files(path)
    report = ImportReport()
    resources: list[tuple[str, str]] = []  # (table, file)
    try:
        raw = files.read("datapackage.json")
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise PackageError(f"datapackage.json cannot be read from {path.name} ({exc}).") from exc
    if raw is not None:
        try:
            descriptor = json.loads(_decode(raw, "datapackage.json", report))
            for res in descriptor.get("resources") or []:
                name = str(res.get("name") or Path(str(res.get("path") or "")).stem)
                resources.append((legacy.canonical(name), str(res.get("path") or f"{name}.csv")))
        except (json.JSONDecodeError, AttributeError, TypeError) as exc:
            raise PackageError(f"datapackage.json is not a valid data package descriptor ({exc}).") from exc
    else:
        resources = [(legacy.canonical(Path(n).stem), n) for n in files.names if n.lower().endswith(".csv")]
    if not resources:
        raise PackageError(f"{path.name} holds no datapackage.json and no CSV table.")
    headers: dict[str, list[str]] = {}
    tables: list[tuple[str, list[tuple[dict[str, str], str]]]] = []
    for table, name in resources:
        try:
            data = files.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            report.rejected.append(Rejection(table, "", name, [f"the file cannot be read from the package ({exc}); "
                                                               "the table was not imported"]))
            continue
        if data is None:
            report.rejected.append(Rejection(table, "", name, ["file missing: datapackage.json lists it but the package "
                                                               "does not hold it; the table was not imported"]))
            continue
        header, rows = _read_csv(_decode(data, name, report), table, name, report)
        headers[table] = sorted(set(headers.get(table, [])) | set(header))
        tables.append((table, rows))
    return _to_rows(tables, headers, report, version=version, label=path.name)


def _to_rows(tables: list[tuple[str, list[tuple[dict[str, Any], str]]]], headers: dict[str, list[str]],
             report: ImportReport, *, version: str | None, label: str, typed: bool = False) -> tuple[list[Row], ImportReport]:
    """Rows of any version as 3.1 rows (``typed``: JSON values, not CSV strings)."""
    detected = legacy.detect_version(headers)
    if version is None:
        if detected.version is None:
            raise PackageError(f"{label} is not an HSDS package that Beacon can read ({'; '.join(detected.evidence)}). "
                               f"Supported: HSDS {', '.join(legacy.SUPPORTED[:-1])} and 3.x.")
        version = detected.version
        report.notes.insert(0, f"HSDS {version}{'.x' if version == '3' else ''} (recognized by "
                               f"{', '.join(detected.evidence[:6])})")
    elif version not in legacy.SUPPORTED:
        raise PackageError(f"HSDS {version} is not supported; supported: {', '.join(legacy.SUPPORTED)}.")
    else:
        report.notes.insert(0, f"HSDS {version} (as requested)")
    report.version = version
    if version == "3":
        rows = [Row(t, r if typed else _convert(t, r), where) for t, table_rows in tables for r, where in table_rows]
        return rows, report
    mapped, notes = legacy.map_tables([legacy.LegacyRow(t, r, where) for t, table_rows in tables for r, where in table_rows],
                                      version)
    for n in notes:
        if n.skipped:
            report.skipped[n.table] += 1
        else:
            report.rejected.append(Rejection(n.table, n.id, n.where, [n.reason]))
    return [Row(m.table, _convert(m.table, m.data),
                m.where if m.source_id in ("", m.data["id"]) else f"{m.where} (id {m.source_id})") for m in mapped], report


NESTED: dict[str, dict[str, tuple[str, str | None]]] = {
    # table -> nested key -> (child table, foreign key set on the child)
    "organization": {"phones": ("phone", "organization_id"), "locations": ("location", "organization_id"),
                     "services": ("service", "organization_id")},
    "service": {"phones": ("phone", "service_id"), "schedules": ("schedule", "service_id"),
                "service_areas": ("service_area", "service_id"), "languages": ("language", "service_id"),
                "attributes": ("attribute", "link_id"), "service_at_locations": ("service_at_location", "service_id"),
                **{k: (legacy.canonical(k), "service_id") for k in (
                    "regular_schedule", "regular_schedules", "holiday_schedule", "holiday_schedules", "eligibility",
                    "service_taxonomy", "service_attributes", "contacts", "fundings", "required_documents",
                    "payments_accepted")}},
    "location": {"addresses": ("address", "location_id"), "phones": ("phone", "location_id"),
                 "schedules": ("schedule", "location_id"), "languages": ("language", "location_id"),
                 "attributes": ("attribute", "link_id"),
                 # HSDS 1.1/2.0 objects (HSDA responses) nest their own tables
                 **{k: (legacy.canonical(k), "location_id") for k in (
                     "physical_address", "physical_addresses", "postal_address", "postal_addresses", "regular_schedule",
                     "regular_schedules", "holiday_schedule", "holiday_schedules", "accessibility_for_disabilities")}},
    "service_at_location": {},
    "attribute": {},
}
NESTED_ONE = {  # table -> nested single object key -> (table, column on the parent pointing to it)
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {"location": ("location", "location_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
LINK_ENTITY = {"service": "service", "location": "location"}


def flatten_json(document: Any) -> list[Row]:
    """Nested HSDS JSON to flat rows.  Lists, a single object or ``{"contents": [...]}``."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    rows: list[Row] = []

    def walk(table: str, obj: Any, where: str, fk: tuple[str, Any] | None = None, parent_table: str = "") -> None:
        if not isinstance(obj, dict):
            rows.append(Row(table, {"_invalid": obj}, where))
            return
        flat = {k: v for k, v in obj.items() if not isinstance(v, (list, dict))}
        if fk and fk[0] not in flat:
            flat[fk[0]] = fk[1]
        if table == "attribute" and parent_table and "link_entity" not in flat:
            flat["link_entity"] = LINK_ENTITY.get(parent_table, parent_table)
        for key, (child, one_col) in NESTED_ONE.get(table, {}).items():
            if isinstance(obj.get(key), dict):
                walk(child, obj[key], f"{where}.{key}")
                flat.setdefault(one_col, obj[key].get("id"))
        rows.append(Row(table, flat, where))
        if table not in NESTED:
            return
        for key, (child, col) in NESTED[table].items():
            for i, item in enumerate(obj.get(key) or []):
                walk(child, item, f"{where}.{key}[{i}]", (col, obj.get("id")) if col else None, table)

    for n, item in enumerate(items):
        table = "service" if isinstance(item, dict) and "status" in item else "organization"
        walk(table, item, f"[{n}]")
    return rows


# --- Writing ------------------------------------------------------------------------------
def _model_value(model: type[models.Model], column: str, value: Any) -> Any:
    if column == "last_modified":
        parsed = parse_datetime(str(value)) if value else None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt.UTC)
        return parsed or timezone.now()
    if value is None:
        f = next(f for f in model._meta.concrete_fields if f.attname == column)
        return None if f.null else ""
    if column in ("minimum_age", "maximum_age", "year_incorporated", "extension") and isinstance(value, float):
        return int(value)
    return value


def _resolve_area(row: dict[str, Any]) -> tuple[str | None, bool]:
    extent = str(row.get("extent") or "").strip()
    name = str(row.get("name") or "").strip()
    if re.fullmatch(r"29\d{3}", extent):
        return extent, False
    if extent == "29" or name.lower() in ("missouri", "statewide", "missouri (statewide)"):
        return None, True
    if name:
        county = geo.resolve_place(name.removesuffix(", Missouri").removesuffix(", MO"))
        if county is not None:
            return county.fips, False
    return None, False


def import_rows(rows: list[Row], *, acting_user: Any = None, source: str = "", agency: Any = None,
                report: ImportReport | None = None) -> ImportReport:
    """Validate and upsert flat HSDS rows; one transaction, each row in its own savepoint.

    ``agency``: the Beacon agency that runs the imported organisations which have none yet
    (so its staff can manage them and receive their referrals).  ``report``: the report of reading
    the package, completed here."""
    report = report if report is not None else ImportReport()
    by_table: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        if row.table not in TABLES:
            report.skipped[row.table] += 1
            continue
        if "_invalid" in row.data:
            report.rejected.append(Rejection(row.table, "", row.where, ["not an object"]))
            continue
        errors = validate_row(row.table, row.data)
        if errors:
            report.rejected.append(Rejection(row.table, str(row.data.get("id", "")), row.where, errors))
            continue
        by_table[row.table][str(row.data["id"]).lower()] = row  # the same object nested twice: last wins
    with transaction.atomic():
        taxonomy.ensure_taxonomies()  # Beacon's facet terms are always known
        terms_by_id = {str(t.id): t.code for t in TaxonomyTerm.objects.all()}
        known: dict[str, set[str]] = defaultdict(set)
        for table in TABLES:
            model = TABLES[table][0]
            known[table] = {str(x) for x in model._default_manager.filter(pk__in=list(by_table[table])).values_list("pk", flat=True)}
        touched_locations: set[str] = set()
        deferred_parents: list[tuple[str, str]] = []
        for table, (model, columns) in TABLES.items():
            for rid, row in by_table[table].items():
                reasons = _row_rules(table, row.data, known, terms_by_id)
                if reasons:
                    report.rejected.append(Rejection(table, rid, row.where, reasons))
                    continue
                try:
                    with transaction.atomic():
                        created = _upsert(table, model, columns, rid, row.data, terms_by_id, deferred_parents)
                except (ValidationError, IntegrityError, ValueError, TypeError) as exc:
                    msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    report.rejected.append(Rejection(table, rid, row.where, [str(m) for m in msgs]))
                    continue
                if created is None:
                    report.skipped[table] += 1
                    continue
                known[table].add(rid)
                if table == "taxonomy_term":
                    terms_by_id[rid] = str(row.data.get("code") or "")
                (report.created if created else report.updated)[table] += 1
                if table == "location":
                    touched_locations.add(rid)
                elif table == "address":
                    touched_locations.add(str(row.data["location_id"]).lower())
        for term_id, parent_id in deferred_parents:
            if parent_id in known["taxonomy_term"]:
                TaxonomyTerm.objects.filter(pk=term_id).update(parent_id=parent_id)
        for loc in Location.objects.filter(pk__in=touched_locations).prefetch_related("addresses"):
            addr = next(iter(loc.addresses.all()), None)
            fips = location_county_fips(loc, addr.postal_code if addr else "")
            if fips != loc.county_id:
                Location.objects.filter(pk=loc.pk).update(county_id=fips)
        if agency is not None:
            Organization.objects.filter(pk__in=known["organization"] & set(by_table["organization"]),
                                        agency__isnull=True).update(agency=agency)
        bump_directory()
        audit.record(actor=acting_user, action=audit.Action.CREATE, object_type="hsds_import", object_id=source[:64],
                     summary=report.summary(), detail={"rejected": len(report.rejected)})
    return report


def _row_rules(table: str, data: dict[str, Any], known: dict[str, set[str]], terms_by_id: dict[str, str]) -> list[str]:
    reasons = []
    for col, target in PARENTS.items():
        if col in ("parent_id", "taxonomy_id") or col not in data or data[col] in (None, ""):
            continue
        if col in TABLES[table][1] and str(data[col]).lower() not in known[target]:
            reasons.append(f"{col}: no {target} with id {data[col]}")
    if table == "service" and not data.get("organization_id"):
        reasons.append("organization_id: Beacon needs the organisation that provides the service")
    if table in ("phone", "schedule", "language") and not any(
        data.get(c) and str(data[c]).lower() in known[PARENTS[c]] for c in ("organization_id", "service_id", "location_id")
        if c in TABLES[table][1]
    ):
        reasons.append("linked to no organization, service or location in the directory")
    if table == "attribute":
        entity = data.get("link_entity")
        term = str(data.get("taxonomy_term_id", "")).lower()
        if term not in terms_by_id:
            reasons.append(f"taxonomy_term_id: no taxonomy_term with id {data.get('taxonomy_term_id')}")
        elif entity == "service" and str(data.get("link_id", "")).lower() not in known["service"]:
            reasons.append(f"link_id: no service with id {data.get('link_id')}")
        elif entity == "location" and str(data.get("link_id", "")).lower() not in known["location"]:
            reasons.append(f"link_id: no location with id {data.get('link_id')}")
    return reasons


def _upsert(table: str, model: type[models.Model], columns: list[str], rid: str, data: dict[str, Any],
            terms_by_id: dict[str, str], deferred_parents: list[tuple[str, str]]) -> bool | None:
    """Create or update one row; ``None`` when the row is valid HSDS that Beacon does not keep."""
    if table == "attribute":
        term = str(data["taxonomy_term_id"]).lower()
        link = str(data["link_id"]).lower()
        if data.get("link_entity") == "location":
            if terms_by_id.get(term) != taxonomy.CONFIDENTIAL_LOCATION:
                return None
            Location.objects.filter(pk=link).update(confidential=True)
            return False
        if data.get("link_entity") != "service":
            return None
        existing = ServiceAttribute.objects.filter(service_id=link, taxonomy_term_id=uuid.UUID(term)).first()
        if existing is not None:
            ServiceAttribute.objects.filter(pk=existing.pk).update(value=str(data.get("value") or ""),
                                                                   label=str(data.get("label") or ""))
            return False
        ServiceAttribute.objects.create(id=rid, service_id=link, taxonomy_term_id=term,
                                        value=str(data.get("value") or ""), label=str(data.get("label") or ""))
        return True
    values = {c: _model_value(model, c, data.get(c)) for c in columns if c != "parent_id"}
    if table == "taxonomy_term" and data.get("taxonomy_id") and not Taxonomy.objects.filter(pk=data["taxonomy_id"]).exists():
        values["taxonomy_id"] = None
    if table == "taxonomy_term" and data.get("parent_id"):
        deferred_parents.append((rid, str(data["parent_id"]).lower()))
    if table == "service_area":
        fips, statewide = _resolve_area(data)
        values["county_id"] = fips if fips and County.objects.filter(pk=fips).exists() else None
        values["statewide"] = statewide
    obj = model._default_manager.filter(pk=rid).first()
    created = obj is None
    if obj is None:
        obj = model(pk=rid)
    for k, v in values.items():
        setattr(obj, k, v)
    obj.full_clean(exclude=[c.removesuffix("_id") for c in columns if c.endswith("_id") and c != "tax_id"] + ["parent"],
                   validate_unique=False)
    obj.save()
    return created


def read_json(path: Path, *, version: str | None = None) -> tuple[list[Row], ImportReport]:
    """HSDS JSON (3.x nested objects; 1.1/2.0 objects nesting their legacy tables) as 3.1 rows."""
    report = ImportReport()
    try:
        data = path.read_bytes()
        document = json.loads(_decode(data, path.name, report))
    except json.JSONDecodeError as exc:
        raise PackageError(f"{path.name} is not JSON: {exc}.") from exc
    except OSError as exc:
        raise PackageError(f"{path.name} cannot be read: {exc}.") from exc
    if not isinstance(document, (dict, list)):
        raise PackageError(f"{path.name} is not HSDS JSON: expected an object or a list of objects.")
    rows = flatten_json(document)
    headers: dict[str, set[str]] = defaultdict(set)
    grouped: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for row in rows:
        table = legacy.canonical(row.table)
        headers[table] |= set(row.data)
        grouped[table].append((row.data, row.where))
    return _to_rows(list(grouped.items()), {t: sorted(f) for t, f in headers.items()}, report, version=version,
                    label=path.name, typed=True)


def _is_zip(path: Path) -> bool:
    """A zip by its name or its first bytes (a member, or the end record that is all an empty zip holds)."""
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) in {b"PK\x03\x04", b"PK\x05\x06"}
    except OSError:
        return False


def read_path(path: Path, *, version: str | None = None) -> tuple[list[Row], ImportReport]:
    """Rows and the reading report of a data package (directory, datapackage.json, zip) or a JSON file."""
    if not path.exists():
        raise PackageError(f"{path} does not exist.")
    if path.is_dir() or path.name == "datapackage.json" or _is_zip(path):
        return read_package(path, version=version)
    if path.suffix.lower() == ".csv":
        raise PackageError(f"{path.name} is a single CSV file: import the folder or zip that holds the package.")
    return read_json(path, version=version)


def import_path(path: Path, *, acting_user: Any = None, agency: Any = None, version: str | None = None) -> ImportReport:
    """Import a data package (a directory, its datapackage.json, or a zip) or an HSDS JSON file of
    HSDS 1.1, 2.0 or 3.x.  Raises ``PackageError`` (a message for people) when the package
    cannot be read at all; every row that cannot be imported is in the report."""
    rows, report = read_path(path, version=version)
    return import_rows(rows, acting_user=acting_user, source=path.name, agency=agency, report=report)


# --- Serialising --------------------------------------------------------------------------
def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are optional: leave empty ones out rather than sending null."""
    return {k: v for k, v in d.items() if v not in (None, "", [])}


def _s(v: Any) -> Any:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return v


def row_of(obj: models.Model, columns: list[str]) -> dict[str, Any]:
    return _clean({"id": str(obj.pk), **{c: _s(getattr(obj, c)) for c in columns}})


def taxonomy_dict(t: Taxonomy) -> dict[str, Any]:
    return row_of(t, TABLES["taxonomy"][1])


def term_dict(t: TaxonomyTerm, *, nested: bool = False) -> dict[str, Any]:
    d = row_of(t, TABLES["taxonomy_term"][1])
    if t.taxonomy_id and t.taxonomy is not None:
        d["taxonomy"] = t.taxonomy.name
        if nested:
            d["taxonomy_detail"] = taxonomy_dict(t.taxonomy)
    return d


def attribute_dict(a: ServiceAttribute, *, nested: bool = True) -> dict[str, Any]:
    d = _clean({"id": str(a.id), "link_id": str(a.service_id), "link_type": "service_taxonomy", "link_entity": "service",
                "taxonomy_term_id": str(a.taxonomy_term_id), "value": a.value, "label": a.label})
    if nested:
        d["taxonomy_term"] = term_dict(a.taxonomy_term, nested=True)
    return d


def confidential_attribute(loc: Location) -> dict[str, Any]:
    return {"id": str(uuid.uuid5(taxonomy.NAMESPACE, f"confidential:{loc.id}")), "link_id": str(loc.id),
            "link_type": "location_confidential", "link_entity": "location",
            "taxonomy_term_id": str(taxonomy.term_id(taxonomy.CONFIDENTIAL_LOCATION)), "value": "true"}


def location_dict(loc: Location, *, public: bool) -> dict[str, Any]:
    """A location; a confidential one, publicly, keeps only its type and county: no address, no point."""
    if public and loc.confidential:
        county = loc.county.name if loc.county else "Missouri"
        return {"id": str(loc.id), "location_type": loc.location_type, "name": f"Confidential location ({county})",
                "description": "The address is given only to people referred by a provider."}
    d = row_of(loc, TABLES["location"][1])
    d["addresses"] = [row_of(a, TABLES["address"][1]) for a in loc.addresses.all()]
    d["phones"] = [row_of(p, TABLES["phone"][1]) for p in loc.phones.all()]
    d["languages"] = [row_of(x, TABLES["language"][1]) for x in loc.languages.all()]
    d["schedules"] = [row_of(x, TABLES["schedule"][1]) for x in loc.schedules.all()]
    if loc.confidential:
        d["attributes"] = [confidential_attribute(loc)]
    return d


def service_dict(s: Service, *, public: bool, full: bool = True, with_organization: bool = True) -> dict[str, Any]:
    d = row_of(s, TABLES["service"][1])
    if with_organization:
        d["organization"] = row_of(s.organization, TABLES["organization"][1])
    if not full:
        return d
    d["phones"] = [row_of(p, TABLES["phone"][1]) for p in s.phones.all()]
    d["schedules"] = [row_of(x, TABLES["schedule"][1]) for x in s.schedules.all()]
    d["service_areas"] = [row_of(x, TABLES["service_area"][1]) for x in s.service_areas.all()]
    d["languages"] = [row_of(x, TABLES["language"][1]) for x in s.languages.all()]
    d["attributes"] = [attribute_dict(a) for a in s.attributes.all()]
    d["service_at_locations"] = [
        {**row_of(sal, TABLES["service_at_location"][1]), "location": location_dict(sal.location, public=public)}
        for sal in s.service_at_locations.all()
    ]
    return d


SERVICE_PREFETCH = ["phones", "schedules", "service_areas", "languages", "attributes__taxonomy_term__taxonomy",
                    "service_at_locations__location__addresses", "service_at_locations__location__phones",
                    "service_at_locations__location__languages", "service_at_locations__location__schedules",
                    "service_at_locations__location__county"]


def organization_full(org: Organization, services: list[Service], locations: list[Location]) -> dict[str, Any]:
    d = row_of(org, TABLES["organization"][1])
    d["phones"] = [row_of(p, TABLES["phone"][1]) for p in org.phones.all()]
    d["locations"] = [location_dict(loc, public=False) for loc in locations]
    d["services"] = []
    for s in services:
        sd = service_dict(s, public=False, with_organization=False)
        for sal in sd["service_at_locations"]:
            sal.pop("location", None)  # the organisation's locations list holds it
        d["services"].append(sd)
    return d


# --- Export -------------------------------------------------------------------------------
def export_json() -> list[dict[str, Any]]:
    """The whole directory as a list of fully nested HSDS organisations (staff use: includes
    confidential addresses and non-public services)."""
    services_by_org: dict[uuid.UUID, list[Service]] = defaultdict(list)
    for s in Service.objects.prefetch_related(*SERVICE_PREFETCH).order_by("name", "id"):
        services_by_org[s.organization_id].append(s)
    locations_by_org: dict[uuid.UUID | None, list[Location]] = defaultdict(list)
    for loc in Location.objects.prefetch_related("addresses", "phones", "languages", "schedules").order_by("name", "id"):
        locations_by_org[loc.organization_id].append(loc)
    return [organization_full(o, services_by_org[o.id], locations_by_org[o.id])
            for o in Organization.objects.prefetch_related("phones").order_by("name", "id")]


def export_tables() -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, (model, columns) in TABLES.items():
        if table == "attribute":
            continue
        tables[table] = [row_of(o, columns) for o in model._default_manager.order_by("pk")]
    attrs = [attribute_dict(a, nested=False) for a in ServiceAttribute.objects.order_by("pk")]
    attrs += [confidential_attribute(loc) for loc in Location.objects.filter(confidential=True).order_by("pk")]
    tables["attribute"] = attrs
    return tables


def export_datapackage(directory: Path) -> dict[str, int]:
    """Write datapackage.json (the vendored HSDS descriptor, limited to Beacon's tables) and one CSV per table."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = export_tables()
    descriptor = {k: v for k, v in datapackage().items() if k != "resources"}
    descriptor["resources"] = [r for r in datapackage()["resources"] if r["name"] in tables]
    (directory / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    counts = {}
    for resource in descriptor["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in tables[resource["name"]]:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        (directory / resource["path"]).write_text(buf.getvalue(), encoding="utf-8")
        counts[resource["name"]] = len(tables[resource["name"]])
    return counts


def export_path(path: Path, *, acting_user: Any = None) -> dict[str, int]:
    """``*.json``: HSDS JSON; anything else: a data package directory."""
    with transaction.atomic():
        if path.suffix == ".json":
            document = export_json()
            path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
            counts = {"organization": len(document)}
        else:
            counts = export_datapackage(path)
        audit.record(actor=acting_user, action=audit.Action.EXPORT, object_type="hsds_export", object_id=path.name[:64],
                     summary=f"directory exported: {counts}")
    return counts

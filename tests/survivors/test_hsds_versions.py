"""HSDS 1.1, 2.0 and 3.x packages: version recognition, mapping to 3.1, the per-record report,
broken packages (a report or a clear message, never a traceback) and the command's exit status."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from beacon.core.models import AuditEvent
from beacon.survivors import hsds_io, hsds_legacy
from beacon.survivors.models import (
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
    TaxonomyTerm,
)

DATA = Path(__file__).parent / "data"
V11 = DATA / "hsds-1.1-sample"  # openreferral/sample-HSDS-datapackage, all_resources, unmodified
V20 = DATA / "hsds-2.0-package"
EXAMPLES = Path("/work/shared/hsds/examples")
REPO = Path(__file__).resolve().parents[2]

NEVER_HOMELESS = "c89eb05c-62dd-4b64-b494-0cc347b6ea7f"
SANCTUARY_5TH = "30b83c60-64a1-11e6-8b77-86f30ca893d3"


def legacy_id(table: str, value: str) -> str:
    return str(uuid.uuid5(hsds_legacy.NAMESPACE, f"{table}:{value}"))


def counts() -> dict[str, int]:
    return {"organization": Organization.objects.count(), "service": Service.objects.count(),
            "location": Location.objects.count(), "address": Address.objects.count(),
            "service_at_location": ServiceAtLocation.objects.count(), "phone": Phone.objects.count(),
            "schedule": Schedule.objects.count(), "language": Language.objects.count(),
            "service_area": ServiceArea.objects.count()}


def zip_dir(src: Path, dest: Path, *, top: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(src.iterdir()):
            zf.write(f, f"{top}{f.name}")
    return dest


# --- Recognizing the version ---------------------------------------------------------------
@pytest.mark.parametrize(("tables", "version"), [
    ({"organization": ["id", "name", "url"], "regular_schedule": ["id", "weekday"]}, "1.1"),
    ({"taxonomy": ["id", "name", "parent_id", "vocabulary"]}, "1.1"),
    ({"service_attribute": ["id", "service_id", "taxonomy_term_id"], "schedule": ["id", "freq"]}, "2.0"),
    ({"organizations": ["id", "name", "url"], "physical_addresses": ["id", "location_id"]}, "2.0"),
    ({"organization": ["id", "name", "website"], "address": ["id", "address_type"]}, "3"),
    ({"organization": ["id", "name"], "service": ["id", "name", "status"]}, "3"),
])
def test_version_is_recognized_from_tables_and_fields(tables: dict[str, list[str]], version: str) -> None:
    assert hsds_legacy.detect_version(tables).version == version


def test_tables_that_are_not_hsds_are_not_guessed() -> None:
    detected = hsds_legacy.detect_version({"customers": ["id", "name"], "orders": ["id"]})
    assert detected.version is None
    assert "customers" in detected.evidence[0]


# --- HSDS 1.1: Open Referral's own sample -------------------------------------------------
def test_hsds_11_sample_imports(mo: Any) -> None:
    report = hsds_io.import_path(V11)
    assert report.version == "1.1"
    assert report.rejected == []
    assert counts() == {"organization": 10, "service": 13, "location": 10, "address": 2, "service_at_location": 13,
                        "phone": 5, "schedule": 4, "language": 2, "service_area": 1}
    # physical_address and postal_address become addresses with their type
    assert set(Address.objects.filter(location_id=SANCTUARY_5TH).values_list("address_type", "city")) == {
        ("physical", "New York City"), ("postal", "New York City")}
    # regular_schedule: weekday 1..3 -> weekly MO, TU, WE; holiday_schedule -> a dated description
    service = Service.objects.get(pk=NEVER_HOMELESS)
    weekly = service.schedules.filter(freq="WEEKLY")
    assert sorted(weekly.values_list("byday", flat=True)) == ["MO", "TU", "WE"]
    assert {(s.opens_at, s.closes_at) for s in weekly} == {("09:00", "17:00")}
    assert service.schedules.filter(description="Closed 2019-12-24 to 2019-12-26").count() == 1
    # eligibility rows -> eligibility_description; language names -> name and ISO code
    assert service.eligibility_description == "Eligibility: adult"
    assert set(service.languages.values_list("name", "code")) == {("English", "en"), ("Spanish", "es")}
    # a phone linked only through its service_at_location gets that service and location
    phone = Phone.objects.get(pk="e9c19752-c8d4-494f-b527-b65c9c86c8ce")
    assert (str(phone.service_id), str(phone.location_id)) == ("21a1192b-abb9-45e8-bc52-c81ca4087240",
                                                               "30b84a0c-64a1-11e6-8b77-86f30ca893d3")
    org = Organization.objects.get(name="Sanctuary Example City")
    assert (org.website, org.year_incorporated, org.tax_status) == ("http://example.com", 1997, "nonprofit")
    assert ServiceArea.objects.get().name == "Sample service area"
    term = TaxonomyTerm.objects.get(pk="df7be950-1b0f-11e9-b56e-0800200c9a66")
    assert (term.name, term.taxonomy.name if term.taxonomy else None) == ("Taxonomy A", "AIRS")
    # tables Beacon does not keep are counted, not lost silently
    assert report.skipped == {"program": 1, "contact": 1, "funding": 1, "required_document": 1, "payment_accepted": 2,
                              "accessibility_for_disabilities": 1, "metadata": 1, "meta_table_description": 1}
    assert "HSDS 1.1" in report.notes[0]


def test_hsds_11_reimport_updates_and_never_duplicates(mo: Any) -> None:
    first = hsds_io.import_path(V11)
    before = counts()
    second = hsds_io.import_path(V11)
    assert counts() == before
    assert second.created == {}
    assert second.updated == first.created


def test_hsds_11_sample_as_zip_and_through_the_command(mo: Any, tmp_path: Path) -> None:
    package = zip_dir(V11, tmp_path / "sample.zip", top="all_resources/")
    out = StringIO()
    call_command("hsds", "import", str(package), "--report", str(tmp_path / "r.json"), stdout=out)  # exit status 0
    assert out.getvalue().startswith("HSDS 1.1")
    assert Organization.objects.count() == 10
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["version"] == "1.1" and saved["rejected"] == [] and saved["created"]["service"] == 13


# --- HSDS 2.0 ------------------------------------------------------------------------------
def test_hsds_20_package_imports_with_its_report(mo: Any) -> None:
    report = hsds_io.import_path(V20)
    assert report.version == "2.0"
    assert counts() == {"organization": 2, "service": 3, "location": 2, "address": 2, "service_at_location": 3,
                        "phone": 2, "schedule": 2, "language": 2, "service_area": 0}
    # integer ids become the same name-based UUIDs on every import
    helpline = Service.objects.get(pk=legacy_id("service", "10"))
    assert helpline.fees_description == "Free"
    assert helpline.schedules.get().byday == "MO,TU,WE,TH"
    physical = Address.objects.get(address_type="physical")
    assert (physical.address_2, physical.country) == ("Floor 2", "US")
    assert Address.objects.get(address_type="postal").attention == "Intake"
    # DAILY becomes weekly on every day; the schedule reached through service_at_location 201
    daily = Schedule.objects.get(pk=legacy_id("schedule", "501"))
    assert (daily.freq, daily.byday, str(daily.service_id)) == ("WEEKLY", "MO,TU,WE,TH,FR,SA,SU",
                                                               legacy_id("service", "11"))
    assert set(Language.objects.values_list("name", "code")) == {("Spanish", "es"), ("Vietnamese", "vi")}
    shelter = TaxonomyTerm.objects.get(pk=legacy_id("taxonomy_term", "T2"))
    assert str(shelter.parent_id) == legacy_id("taxonomy_term", "T1")
    assert shelter.taxonomy is not None and shelter.taxonomy.name == "Open Eligibility"
    assert ServiceAttribute.objects.get(service=helpline).taxonomy_term == shelter
    # what cannot be mapped is reported with table, the package's own id and reason
    [rejected] = report.rejected
    assert (rejected.table, rejected.where) == ("schedule", "schedules.csv:4 (id 502)")
    assert "YEARLY" in rejected.reasons[0]
    assert report.skipped == {"funding": 1, "eligibility": 1, "attribute": 1}


def test_hsds_20_zip_in_a_folder_and_forced_version(mo: Any, tmp_path: Path) -> None:
    package = zip_dir(V20, tmp_path / "hsds20.zip", top="export-2024/")
    report = hsds_io.import_path(package, version="2.0")
    assert report.notes[0] == "HSDS 2.0 (as requested)"
    assert Service.objects.count() == 3
    assert hsds_io.import_path(package).updated["service"] == 3


# --- HSDS 3.x ------------------------------------------------------------------------------
def test_hsds_3_package_is_read_as_3(mo: Any) -> None:
    rows, report = hsds_io.read_path(EXAMPLES / "csv")
    assert report.version == "3"
    assert {r.table for r in rows} >= {"organization", "service", "location", "address"}


# --- JSON of 1.1/2.0 objects --------------------------------------------------------------
def test_legacy_json_nesting_legacy_tables_is_mapped(mo: Any, tmp_path: Path) -> None:
    org_id, loc_id, svc_id = (str(uuid.uuid4()) for _ in range(3))
    doc = {"id": org_id, "name": "Legacy JSON Org", "description": "From an HSDA 1.1 API", "url": "https://example.org",
           "locations": [{"id": loc_id, "name": "Main office", "physical_addresses": [
               {"id": "pa-1", "address_1": "1 Main St", "city": "Columbia", "state_province": "MO",
                "postal_code": "65201", "country": "US"}]}],
           "services": [{"id": svc_id, "name": "Food pantry", "status": "active", "regular_schedules": [
               {"id": "rs-1", "weekday": 5, "opens_at": "10:00", "closes_at": "14:00"}]}]}
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(doc))
    report = hsds_io.import_path(path)
    assert report.version == "1.1" and report.rejected == []  # regular_schedules: a 1.1 table
    assert Address.objects.get(location_id=loc_id).address_type == "physical"
    assert Schedule.objects.get(service_id=svc_id).byday == "FR"
    assert Organization.objects.get(pk=org_id).website == "https://example.org"


# --- Broken packages: a report, never a traceback ------------------------------------------
def test_missing_table_file_is_reported_and_the_rest_imported(mo: Any, tmp_path: Path) -> None:
    pkg = shutil.copytree(V11, tmp_path / "pkg")
    (pkg / "phones.csv").unlink()
    report = hsds_io.import_path(pkg)
    missing = [r for r in report.rejected if r.where == "phones.csv"]
    assert len(missing) == 1 and missing[0].table == "phone" and "file missing" in missing[0].reasons[0]
    assert Phone.objects.count() == 0
    assert Service.objects.count() == 13


def test_bad_csv_row_is_reported_with_its_line(mo: Any, tmp_path: Path) -> None:
    pkg = shutil.copytree(V11, tmp_path / "pkg")
    with (pkg / "organizations.csv").open("a", encoding="utf-8") as fh:
        fh.write('1899600a-0000-11e6-8b77-86f30ca893d3,Broken "quote,,x,y,z\n')
    with (pkg / "locations.csv").open("a", encoding="utf-8") as fh:
        fh.write("not-a-location,too,few\n")
    report = hsds_io.import_path(pkg)
    by_table = {r.table: r for r in report.rejected}
    assert by_table["location"].where == "locations.csv:12"
    assert "cells" in by_table["location"].reasons[0]
    assert "organization" in by_table  # the unclosed quote swallows the rest of the file: one bad row
    assert Organization.objects.count() == 10 and Location.objects.count() == 10


def test_row_without_id_and_bad_values_are_reported(mo: Any, tmp_path: Path) -> None:
    pkg = shutil.copytree(V11, tmp_path / "pkg")
    text = (pkg / "regular_schedules.csv").read_text()
    (pkg / "regular_schedules.csv").write_text(text + f",{NEVER_HOMELESS},,,2,09:00,17:00\n"
                                               f"a1b2,{NEVER_HOMELESS},,,9,09:00,17:00\n")
    report = hsds_io.import_path(pkg)
    reasons = {(r.table, r.where): r.reasons[0] for r in report.rejected}
    assert reasons[("regular_schedule", "regular_schedules.csv:5")] == "id: required"
    assert "not 1 (Monday) to 7 (Sunday)" in reasons[("regular_schedule", "regular_schedules.csv:6")]
    assert Schedule.objects.count() == 4


@pytest.mark.parametrize(("name", "content", "message"), [
    ("not-hsds", {"datapackage.json": json.dumps({"resources": [{"name": "customers", "path": "customers.csv"}]}),
                  "customers.csv": "id,name\n1,A\n"}, "not an HSDS package"),
    ("bad-descriptor", {"datapackage.json": "{not json", "organizations.csv": "id,name\n"}, "not a valid data package"),
    ("empty", {"readme.txt": "hello"}, "no datapackage.json and no CSV"),
])
def test_unreadable_packages_give_a_clear_message(mo: Any, tmp_path: Path, name: str, content: dict[str, str],
                                                  message: str) -> None:
    pkg = tmp_path / name
    pkg.mkdir()
    for file, text in content.items():
        (pkg / file).write_text(text)
    with pytest.raises(hsds_io.PackageError, match=message):
        hsds_io.import_path(pkg)
    with pytest.raises(CommandError, match=f"Nothing imported: .*{message}") as exc:
        call_command("hsds", "import", str(pkg), stdout=StringIO())
    assert exc.value.returncode == 1
    assert not Organization.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("broken.zip", b"PK\x03\x04 this is not really a zip", "not a readable zip"),
    ("empty.zip", b"PK\x05\x06" + b"\x00" * 18, "no datapackage.json and no CSV"),
    ("renamed.zip", b"hello, not a zip", "not a readable zip"),
    ("broken.json", b'{"id": ', "is not JSON"),
    ("scalar.json", b"42", "expected an object or a list"),
    ("table.csv", b"id,name\n", "single CSV file"),
])
def test_unreadable_files_give_a_clear_message(mo: Any, tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(hsds_io.PackageError, match=message):
        hsds_io.import_path(path)


def test_exit_status_without_traceback(tmp_path: Path) -> None:
    """The real command line: 1 and one line of explanation for a package that cannot be read."""
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    env = {**os.environ, "BEACON_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "beacon.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, str(REPO / "manage.py"), "hsds", "import", str(tmp_path / "broken.zip")],
                            capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)
    assert result.returncode == 1
    assert "Nothing imported: broken.zip is not a readable zip file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_command_exit_status_two_when_rows_are_rejected(mo: Any) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="1 row was not imported") as exc:
        call_command("hsds", "import", str(V20), stdout=out)
    assert exc.value.returncode == 2
    assert "REJECTED schedule" in out.getvalue() and "(id 502)" in out.getvalue()
    assert Service.objects.count() == 3  # the rest is imported
    assert AuditEvent.objects.filter(object_type="hsds_import").count() == 1


def test_damaged_table_in_a_zip_is_reported_and_the_rest_imported(mo: Any, tmp_path: Path) -> None:
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for f in sorted(V11.iterdir()):
            zf.write(f, f.name)
    data = bytearray(path.read_bytes())
    at = data.index(b"(0123) 4567 8900")  # a phone number inside the stored phones.csv
    data[at:at + 6] = b"XXXXXX"  # its CRC no longer matches
    path.write_bytes(bytes(data))
    report = hsds_io.import_path(path)
    [damaged] = report.rejected
    assert (damaged.table, damaged.where) == ("phone", "phones.csv")
    assert "cannot be read" in damaged.reasons[0]
    assert Phone.objects.count() == 0 and Service.objects.count() == 13

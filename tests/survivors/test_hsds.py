from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from beacon.core.models import AuditEvent
from beacon.survivors import hsds_io, seed
from beacon.survivors.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)

EXAMPLES = Path("/work/shared/hsds/examples")


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """The directory's content, table by table, as comparable tuples."""
    return {
        "organization": set(Organization.objects.values_list("id", "name", "description", "website")),
        "service": set(Service.objects.values_list("id", "organization_id", "name", "description", "status", "url",
                                                   "minimum_age", "maximum_age", "last_modified")),
        "terms": set(ServiceAttribute.objects.values_list("service_id", "taxonomy_term__code")),
        "location": set(Location.objects.values_list("id", "organization_id", "name", "latitude", "longitude",
                                                     "confidential", "county_id")),
        "address": set(Address.objects.values_list("id", "location_id", "address_1", "city", "postal_code")),
        "sal": set(ServiceAtLocation.objects.values_list("id", "service_id", "location_id")),
        "phone": set(Phone.objects.values_list("id", "service_id", "location_id", "organization_id", "number", "type")),
        "language": set(Language.objects.values_list("id", "service_id", "code")),
        "area": set(ServiceArea.objects.values_list("id", "service_id", "county_id", "statewide", "name")),
        "taxonomy_term": set(TaxonomyTerm.objects.values_list("id", "code", "name", "taxonomy_id")),
    }


def wipe() -> None:
    Organization.objects.all().delete()
    Location.objects.all().delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()


@pytest.fixture
def directory(mo: Any) -> None:
    from beacon.core.seed import seed_demo_users

    seed_demo_users()
    seed.run(demo=True)


def test_seed_is_idempotent_and_labelled(directory: None) -> None:
    before = snapshot()
    assert seed.run(demo=True) == {"organizations": 0, "services": 0}
    assert snapshot() == before
    hotline = Service.objects.get(name="National Human Trafficking Hotline")
    assert {p.number for p in hotline.phones.all()} == {"1-888-373-7888", "Text 233733 (BEFREE)"}
    for org in Organization.objects.filter(is_demo=True):
        assert org.name.endswith("(demo)")
        assert all(s.name.endswith("(demo)") for s in org.services.all())
    assert Organization.objects.get(name="Heartland Survivor Services (demo)").agency.name == "Heartland Survivor Services (demo)"


def test_datapackage_round_trip(directory: None, tmp_path: Path) -> None:
    before = snapshot()
    counts = hsds_io.export_path(tmp_path / "pkg")
    assert counts["service"] == Service.objects.count()
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} >= {"organization", "service", "location", "attribute"}
    wipe()
    assert Service.objects.count() == 0
    report = hsds_io.import_path(tmp_path / "pkg")
    assert report.rejected == []
    assert snapshot() == before
    # re-import updates, never duplicates
    again = hsds_io.import_path(tmp_path / "pkg")
    assert sum(again.created.values()) == 0 and again.rejected == []
    assert snapshot() == before


def test_json_round_trip_through_the_command(directory: None, tmp_path: Path) -> None:
    before = snapshot()
    out = StringIO()
    call_command("hsds", "export", str(tmp_path / "dir.json"), stdout=out)
    document = json.loads((tmp_path / "dir.json").read_text())
    assert all("services" in org for org in document)
    wipe()
    call_command("hsds", "import", str(tmp_path / "dir.json"), stdout=out)
    assert "0 rejected" in out.getvalue()
    after = snapshot()
    # JSON carries only the taxonomy terms in use; everything else is the same directory
    assert after.pop("taxonomy_term") <= before.pop("taxonomy_term")
    assert after == before
    assert AuditEvent.objects.filter(object_type="hsds_export").exists()
    assert AuditEvent.objects.filter(object_type="hsds_import").exists()


def _rewrite(path: Path, change: Any) -> None:
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    change(rows)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def test_invalid_records_are_reported_and_valid_ones_kept(directory: None, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    hsds_io.export_path(pkg)
    total = Service.objects.count()
    bad_status_id = str(Service.objects.order_by("name").first().id)  # type: ignore[union-attr]

    def break_services(rows: list[dict[str, str]]) -> None:
        for r in rows:
            if r["id"] == bad_status_id:
                r["status"] = "open-ish"
        rows.append({**rows[0], "id": "not-a-uuid", "name": "Broken id"})
        rows.append({**rows[0], "id": "9b0e7f0e-0000-4000-8000-000000000001", "name": ""})

    _rewrite(pkg / "services.csv", break_services)
    _rewrite(pkg / "phones.csv", lambda rows: rows.append(
        {**rows[0], "id": "9b0e7f0e-0000-4000-8000-000000000002", "service_id": "9b0e7f0e-0000-4000-8000-0000000000ff",
         "location_id": "", "organization_id": ""}))
    wipe()
    report = hsds_io.import_path(pkg)
    reasons = {(r.table, r.id): " ".join(r.reasons) for r in report.rejected}
    assert "open-ish" in reasons[("service", bad_status_id)]
    assert "uuid" in reasons[("service", "not-a-uuid")]
    assert "name" in reasons[("service", "9b0e7f0e-0000-4000-8000-000000000001")]
    assert "no service" in reasons[("phone", "9b0e7f0e-0000-4000-8000-000000000002")]
    # the rejected service's dependants are rejected with a reason, everything else is kept
    assert Service.objects.count() == total - 1
    assert not Service.objects.filter(name="Broken id").exists()
    assert any(r.table == "attribute" and "no service" in " ".join(r.reasons) for r in report.rejected)
    assert report.as_dict()["rejected"][0]["where"].endswith(tuple("0123456789"))


def test_upstream_example_package_and_json(mo: Any, tmp_path: Path, agency_factory: Any) -> None:
    # The upstream CSV example has a location whose organization_id points nowhere (fixed in 3.1.1).
    agency = agency_factory("ngo", name="Importing NGO")
    out = StringIO()
    with pytest.raises(CommandError) as exc:  # imported, with rows rejected: exit status 2
        call_command("hsds", "import", str(EXAMPLES / "csv"), "--agency", "Importing NGO",
                     "--report", str(tmp_path / "r.json"), stdout=out)
    assert exc.value.returncode == 2
    assert "REJECTED location 3a19ff88" in out.getvalue()
    assert json.loads((tmp_path / "r.json").read_text())["rejected"]
    assert Organization.objects.get(name="Example Organization Inc.").agency == agency
    report = hsds_io.import_path(EXAMPLES / "csv")
    rejected = {(r.table, r.id) for r in report.rejected}
    assert ("location", "3a19ff88-4620-4d17-9830-ac1d859eb5d5") in rejected
    assert Service.objects.filter(name="Community Counselling").count() == 1
    assert report.skipped["contact"] == 1  # valid HSDS that Beacon does not store
    report = hsds_io.import_path(EXAMPLES / "service_full.json")
    assert report.rejected == []
    assert Service.objects.filter(name="Community Counselling").count() == 1  # updated, not duplicated
    assert Location.objects.filter(pk="3a19ff88-4620-4d17-9830-ac1d859eb5d5").exists()


def test_json_validation_rejects_bad_nested_records(mo: Any, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "service_full.json").read_text())
    doc["phones"][0]["number"] = 12345  # must be a string
    doc["status"] = "sometimes"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    report = hsds_io.import_path(path)
    tables = {r.table for r in report.rejected}
    assert {"service", "phone"} <= tables
    assert not Service.objects.exists()
    assert Organization.objects.filter(pk=doc["organization"]["id"]).exists()  # the valid organisation is kept


def test_vendored_schemas_carry_their_licence() -> None:
    assert "Attribution-ShareAlike" in (hsds_io.HSDS_DIR / "LICENSE").read_text()
    assert "abc731c8ac11825010e9d74a0ab61dcd48e880ec" in (hsds_io.HSDS_DIR / "README.md").read_text()


def test_reimport_never_makes_a_confidential_location_public(directory: None, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    hsds_io.export_path(pkg)
    confidential = set(Location.objects.filter(confidential=True).values_list("id", flat=True))
    assert confidential
    _rewrite(pkg / "attributes.csv", lambda rows: rows.__setitem__(
        slice(None), [r for r in rows if r["link_entity"] != "location"]))
    report = hsds_io.import_path(pkg)
    assert report.rejected == []
    assert set(Location.objects.filter(confidential=True).values_list("id", flat=True)) == confidential

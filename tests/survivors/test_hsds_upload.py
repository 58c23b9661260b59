"""The administrators' HSDS upload page: content checks, size limit, CSRF, permissions, the
background import (immediate task backend) and its report page."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from beacon.core.models import AuditEvent, Role
from beacon.survivors import services
from beacon.survivors.models import DirectoryImport, Organization, Service

DATA = Path(__file__).parent / "data"
URL = "/staff/survivors/directory/import/"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def package_zip(src: Path, *, top: str = "pkg/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(src.iterdir()):
            zf.write(f, f"{top}{f.name}")
    return buf.getvalue()


def upload(client: Client, name: str, data: bytes, **extra: str) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})


def test_admin_uploads_the_11_sample_and_reads_the_report(mo: Any, staff_client: Any, agency_factory: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    client, admin = staff_client(Role.ADMIN)
    ngo = agency_factory("ngo", name="Sample NGO")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "sample.zip", package_zip(DATA / "hsds-1.1-sample"), agency=str(ngo.pk))
    job = DirectoryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("survivors:directory_import", args=[job.pk])
    assert job.status == DirectoryImport.Status.DONE
    assert (job.original_name, job.uploaded_by, job.report["version"]) == ("sample.zip", admin, "1.1")
    assert Organization.objects.count() == 10 and Service.objects.count() == 13
    assert set(Organization.objects.values_list("agency", flat=True)) == {ngo.pk}
    page = client.get(response["Location"]).content.decode()
    assert "Imported: every row was imported." in page
    assert "payment_accepted: 2" in page  # the skipped tables
    assert 'hx-trigger="every 2s"' not in page  # finished: no more polling
    events = set(AuditEvent.objects.filter(actor=admin).values_list("action", "object_type"))
    assert {("create", "hsds_import_upload"), ("update", "hsds_import_upload"), ("create", "hsds_import")} <= events
    listing = client.get(URL).content.decode()
    assert "sample.zip" in listing and "Done" in listing


def test_rejected_rows_are_listed_on_the_report_page(mo: Any, staff_client: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    client, _ = staff_client(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "hsds20.zip", package_zip(DATA / "hsds-2.0-package"))
    page = client.get(response["Location"]).content.decode()
    assert "1 row was not imported" in page
    assert "schedules.csv:4 (id 502)" in page and "YEARLY" in page


def test_a_package_that_cannot_be_read_fails_with_its_message(mo: Any, staff_client: Any,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    client, _ = staff_client(Role.ADMIN)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("customers.csv", "id,name\n1,A\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "customers.zip", buf.getvalue())
    job = DirectoryImport.objects.get()
    assert job.status == DirectoryImport.Status.FAILED
    assert "not an HSDS package" in job.error
    assert "not an HSDS package" in client.get(response["Location"]).content.decode()
    assert not Organization.objects.exists()


def test_status_is_polled_until_the_import_ends(mo: Any, staff_client: Any) -> None:
    client, _ = staff_client(Role.ADMIN)
    upload(client, "sample.zip", package_zip(DATA / "hsds-1.1-sample"))  # on_commit not run: still queued
    job = DirectoryImport.objects.get()
    assert job.status == DirectoryImport.Status.QUEUED
    detail = reverse("survivors:directory_import", args=[job.pk])
    partial = client.get(detail, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial and "Queued" in partial
    services.directory_import_run(job.pk)
    job.refresh_from_db()
    finished_at = job.finished_at
    assert job.status == DirectoryImport.Status.DONE
    assert 'hx-trigger' not in client.get(detail, headers={"HX-Request": "true"}).content.decode()
    services.directory_import_run(job.pk)  # idempotent: a finished import is left alone
    job.refresh_from_db()
    assert job.finished_at == finished_at


@pytest.mark.parametrize(("name", "data"), [
    ("package.zip", b"id,name\n1,A\n"),  # text named .zip
    ("package.json", b"\x89PNG\r\n\x1a\n0000"),  # an image named .json
    ("package.csv", b"id,name\n1,A\n"),  # neither zip nor JSON
    ("package.zip", b"PK\x03\x04 not really a zip"),
    ("empty.json", b""),
])
def test_file_type_is_checked_by_content(mo: Any, staff_client: Any, settings: Any, name: str, data: bytes) -> None:
    client, _ = staff_client(Role.ADMIN)
    response = upload(client, name, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not DirectoryImport.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).glob("hsds-imports/*"))  # nothing stored


def test_json_upload_is_accepted(mo: Any, staff_client: Any, django_capture_on_commit_callbacks: Any) -> None:
    client, _ = staff_client(Role.ADMIN)
    doc = json.dumps({"id": "5a1c2b3d-0000-4000-8000-000000000001", "name": "JSON Org", "description": "Uploaded",
                      "website": "https://example.org"}).encode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "org.json", b"\xef\xbb\xbf\n" + doc)
    assert DirectoryImport.objects.get().status == DirectoryImport.Status.DONE
    assert Organization.objects.filter(name="JSON Org").exists()


def test_uploads_over_the_limit_are_refused(mo: Any, staff_client: Any, settings: Any) -> None:
    settings.BEACON_HSDS_UPLOAD_MAX_BYTES = 1024
    client, _ = staff_client(Role.ADMIN)
    response = upload(client, "big.json", b"[" + b" " * 200_000 + b"]")
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not DirectoryImport.objects.exists()
    # just over the limit, within the slack for the form: the service refuses it
    response = upload(client, "big.json", b"[" + b" " * 2048 + b"]")
    assert response.status_code == 200 and "larger than" in str(response.context["form"].errors["file"])
    assert not DirectoryImport.objects.exists()


def test_csrf_is_enforced(mo: Any, staff_client: Any) -> None:
    _, admin = staff_client(Role.ADMIN)
    from tests.conftest import verify_client

    client = verify_client(Client(enforce_csrf_checks=True), admin)
    response = upload(client, "sample.zip", package_zip(DATA / "hsds-1.1-sample"))
    assert response.status_code == 403
    assert not DirectoryImport.objects.exists()


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.SUPERVISOR, Role.ANALYST])
def test_non_administrators_are_refused_and_audited(mo: Any, staff_client: Any, role: str) -> None:
    client, user = staff_client(role, kind="ngo")
    response = upload(client, "sample.zip", package_zip(DATA / "hsds-1.1-sample"))
    assert response.status_code == 403
    assert not DirectoryImport.objects.exists() and not Organization.objects.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 1
    assert client.get(URL).status_code == 403
    assert "directory/import" not in client.get("/staff/survivors/").content.decode()


def test_an_import_that_does_not_exist_is_a_404_with_a_denied_row(mo: Any, staff_client: Any) -> None:
    client, admin = staff_client(Role.ADMIN)
    assert client.get(reverse("survivors:directory_import", args=[999])).status_code == 404
    assert AuditEvent.objects.filter(actor=admin, action="denied", object_type="hsds_import_upload").count() == 1
    assert "directory/import" in client.get("/staff/survivors/").content.decode()

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.cases import services
from beacon.cases.archive import WrongPassword, read_protected_zip, write_protected_zip
from beacon.cases.models import Attachment
from beacon.core import crypto
from beacon.core.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_export_is_a_password_protected_audited_archive(world: Any, open_case: Any, staff_client: Any) -> None:
    case = open_case(world.kc_inv, title="Export me")
    services.person_add(case=case, acting_user=world.kc_inv, role="victim", name="Secret Name")
    services.identifier_add(case=case, acting_user=world.kc_inv, kind="phone", raw="816-555-0144")
    services.attachment_add(case=case, acting_user=world.kc_inv, upload=SimpleUploadedFile("report.pdf", PDF))
    client, _ = staff_client(user=world.kc_inv)
    short = client.post(reverse("cases:export", args=[case.pk]), {"password": "short", "confirm": "short"})
    assert short.status_code == 200 and short["Content-Type"].startswith("text/html")
    response = client.post(reverse("cases:export", args=[case.pk]),
                           {"password": "correct horse battery", "confirm": "correct horse battery"})
    assert response["Content-Type"] == "application/zip"
    data = response.content
    assert b"Secret Name" not in data and b"Export me" not in data
    with zipfile.ZipFile(BytesIO(data)) as zf:
        assert all(info.flag_bits & 0x1 for info in zf.infolist())  # every entry encrypted
        assert {i.filename for i in zf.infolist()} >= {"case.json", "timeline.csv"}
    with pytest.raises(WrongPassword):
        read_protected_zip(data, "wrong password!!")
    files = read_protected_zip(data, "correct horse battery")
    doc = json.loads(files["case.json"])
    assert doc["title"] == "Export me" and doc["persons"][0]["name"] == "Secret Name"
    assert doc["identifiers"][0]["value"] == "+18165550144"
    assert any(name.endswith("report.pdf") and body == PDF for name, body in files.items())
    assert AuditEvent.objects.filter(actor=world.kc_inv, action="export", object_type="case",
                                     object_id=str(case.pk)).count() == 1


def test_export_by_participant_withholds_victim_identity(world: Any, open_case: Any) -> None:
    case = open_case(world.kc_inv)
    services.person_add(case=case, acting_user=world.kc_inv, role="victim", name="Secret Name")
    services.case_add_agency(case=case, agency=world.stl, acting_user=world.kc_inv)
    data = services.case_export(case=case, acting_user=world.stl_inv, password="another long password")
    doc = json.loads(read_protected_zip(data, "another long password")["case.json"])
    assert doc["persons"][0]["name"] is None


@settings(max_examples=25, deadline=None)
@given(entries=st.dictionaries(st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s), st.binary(max_size=3000),
                               max_size=4),
       password=st.text(min_size=1, max_size=40))
def test_archive_round_trip(entries: dict[str, bytes], password: str) -> None:
    data = write_protected_zip(entries.items(), password)
    assert read_protected_zip(data, password) == entries


def test_attachments_are_stored_outside_the_database_and_checked(world: Any, open_case: Any, staff_client: Any,
                                                                 media: Any, monkeypatch: Any) -> None:
    case = open_case(world.kc_inv)
    client, _ = staff_client(user=world.kc_inv)
    client.post(reverse("cases:attachment_add", args=[case.pk]), {"file": SimpleUploadedFile("scan.pdf", PDF)})
    item = Attachment.objects.get()
    assert item.content_type == "application/pdf" and item.size == len(PDF)
    stored = media / item.file.name
    assert str(stored).startswith(str(media)) and item.encrypted
    # Encrypted at rest with the field key: the file on disk holds none of the document.
    assert b"%PDF" not in stored.read_bytes() and crypto.decrypt_bytes(stored.read_bytes()) == PDF
    download = client.get(reverse("cases:attachment", args=[case.pk, item.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="read", object_type="case_attachment", object_id=str(item.pk)).exists()
    # An executable renamed .pdf, a mismatched extension, an unknown type: refused.
    for name, body in [("invoice.pdf", b"MZ\x90\x00binary"), ("photo.png", PDF), ("run.exe", b"MZ\x90\x00"),
                       ("notes.txt", b"\x00\x01\x02binary")]:
        client.post(reverse("cases:attachment_add", args=[case.pk]), {"file": SimpleUploadedFile(name, body)})
    assert Attachment.objects.count() == 1
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 10)
    client.post(reverse("cases:attachment_add", args=[case.pk]), {"file": SimpleUploadedFile("big.pdf", PDF)})
    assert Attachment.objects.count() == 1
    # Another agency cannot download it.
    other, _ = staff_client(user=world.stl_inv)
    assert other.get(reverse("cases:attachment", args=[case.pk, item.pk])).status_code == 404


@given(name=st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.gif", "a.docx", "a.txt", "a.exe", "a"]),
       head=st.binary(max_size=64))
@settings(max_examples=200)
def test_detect_type_needs_matching_magic_and_extension(name: str, head: bytes) -> None:
    found = services.detect_type(name, head)
    if found == "application/pdf":
        assert name.endswith(".pdf") and head.startswith(b"%PDF-")
    if found == "image/png":
        assert name.endswith(".png") and head.startswith(b"\x89PNG")
    if name in ("a.exe", "a"):
        assert found is None


def test_attachments_download_as_attachments_and_are_not_served_from_media(world: Any, open_case: Any,
                                                                           staff_client: Any) -> None:
    """A stored file is only reachable through the case door: as a download (never rendered inline,
    no content sniffing), and not at its ``MEDIA_URL`` address."""
    case = open_case(world.kc_inv)
    client, _ = staff_client(user=world.kc_inv)
    client.post(reverse("cases:attachment_add", args=[case.pk]),
                {"file": SimpleUploadedFile('report "final".pdf', PDF)})
    item = Attachment.objects.get()
    download = client.get(reverse("cases:attachment", args=[case.pk, item.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    assert client.get("/media/" + item.file.name).status_code == 404
    assert client.get(item.file.url).status_code == 404

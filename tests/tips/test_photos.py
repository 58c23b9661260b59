"""Photos and screenshots on a tip: content check, metadata stripped, encrypted storage, tip door, audit."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from beacon.core.models import AuditEvent
from beacon.tips import photos
from beacon.tips.models import Tip, TipPhoto

from .conftest import JACKSON
from .test_views import FORM


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def gps_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying GPS, device and XMP metadata, as a phone camera writes it."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (38.0, 37.0, 37.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "W", (90.0, 11.0, 52.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>", comment=b"secret")
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries what the test removes
        assert check.getexif().get_ifd(0x8825)[1] == "N" and check.getexif()[0x0110] == "Phone 15"
    return data


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_plain(photo: TipPhoto) -> bytes:
    with photo.file.open("rb") as fh:
        return photos.decrypt(fh.read())


def test_web_upload_strips_exif_gps_and_stores_encrypted(mo: Any, media: Any) -> None:
    original = gps_jpeg()
    response = Client().post("/report/", follow=True, data={**FORM, "photos": [upload("IMG_0001.JPG", original)]})
    assert response.status_code == 200
    tip = Tip.objects.get()
    photo = tip.photos.get()
    raw = (media / photo.file.name).read_bytes()
    assert raw[:3] != b"\xff\xd8\xff" and b"Phone 15" not in raw  # encrypted at rest, not a JPEG
    plain = stored_plain(photo)
    with Image.open(io.BytesIO(plain)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert len(image.getexif()) == 0 and not image.info.get("exif")
        assert "xmp" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    assert b"Phone 15" not in plain and b"PhoneMaker" not in plain and b"secret" not in plain
    assert photo.name == "IMG_0001.jpg" and photo.content_type == "image/jpeg" and photo.size == len(plain)
    assert "1 photo was added" in response.content.decode()
    created = AuditEvent.objects.get(action="create", object_type="tip", object_id=str(tip.pk))
    assert created.detail["photos"] == [photo.pk]


def test_wrong_type_refused_with_message_and_tip_kept(mo: Any) -> None:
    response = Client().post("/report/", follow=True, data={**FORM, "photos": [
        upload("notes.pdf", b"%PDF-1.4 not an image at all", "application/pdf"),
        upload("screenshot.png", png_bytes(), "image/png"),
        upload("fake.jpg", b"\xff\xd8\xff\xe0 truncated jpeg", "image/jpeg"),
    ]})
    assert response.status_code == 200
    html = response.content.decode()
    tip = Tip.objects.get()
    assert tip.narrative == FORM["narrative"] and tip.receipt_code in html
    assert [p.content_type for p in tip.photos.all()] == ["image/png"]
    assert "these files were not added" in html and "notes.pdf" in html and "fake.jpg" in html
    assert "Only photos and screenshots can be added" in html


def test_sixth_file_refused(mo: Any) -> None:
    files = [upload(f"shot{i}.png", png_bytes(), "image/png") for i in range(6)]
    response = Client().post("/report/", follow=True, data={**FORM, "photos": files})
    tip = Tip.objects.get()
    assert tip.photos.count() == 5
    assert "shot5.png: A report can have at most 5 photos." in response.content.decode()


def test_file_over_10_mb_refused(mo: Any) -> None:
    big = png_bytes() + b"\0" * photos.MAX_BYTES  # a PNG padded past the limit
    response = Client().post("/report/", follow=True, data={**FORM, "photos": [upload("huge.png", big, "image/png")]})
    assert response.status_code == 200
    assert Tip.objects.get().photos.count() == 0
    assert "huge.png: The file is larger than 10 MB." in response.content.decode()


def test_large_dimensions_are_capped(mo: Any) -> None:
    good, refused = photos.prepare([upload("wide.png", png_bytes((5000, 10)), "image/png")])
    assert not refused and (good[0].width, good[0].height) == (4096, 8)


def test_decompression_bomb_refused() -> None:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 Mpx in a small file
    good, refused = photos.prepare([upload("bomb.png", buffer.getvalue(), "image/png")])
    assert not good and refused[0].name == "bomb.png"


def test_public_body_limit_raised_only_for_multipart_tip_posts(mo: Any, settings: Any) -> None:
    # urlencoded over 64 KB: still refused on the tip form
    encoded = Client().post("/report/", "narrative=" + "x" * 70_000, content_type="application/x-www-form-urlencoded")
    assert encoded.status_code == 413
    # multipart with a 2 MB photo: accepted
    response = Client().post("/report/", follow=True, data={**FORM, "photos": [upload("p.png", png_bytes() + b"\0" * 2_000_000, "image/png")]})
    assert response.status_code == 200 and Tip.objects.get().photos.count() == 1
    # multipart elsewhere on the public site keeps the 64 KB limit
    other = Client().post("/report/follow-up/", {"receipt_code": "x", "photos": [upload("p.png", b"\0" * 100_000)]})
    assert other.status_code == 413
    settings.BEACON_TIP_PHOTO_BODY_LIMIT = 100_000
    assert Client().post("/report/", {**FORM, "photos": [upload("p.png", b"\0" * 200_000)]}).status_code == 413


def _tip_with_photo(mo: Any) -> Tip:
    Client().post("/report/", {**FORM, "county": JACKSON, "place_text": "", "photos": [upload("a.jpg", gps_jpeg())]})
    return Tip.objects.get()


def test_staff_of_routed_task_force_see_and_download_with_audit(mo: Any, staff_client: Any, tf_user: Any) -> None:
    tip = _tip_with_photo(mo)
    photo = tip.photos.get()
    client, user = staff_client(user=tf_user("kansas-city", "investigator"))
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    url = reverse("tips:photo", args=[tip.pk, photo.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == stored_plain(photo) and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    read = AuditEvent.objects.get(actor=user, action="read", object_type="tip_photo")
    assert read.object_id == str(photo.pk) and read.detail == {"tip": tip.pk}


def test_other_agency_and_roles_are_denied_with_audit(mo: Any, staff_client: Any, tf_user: Any) -> None:
    tip = _tip_with_photo(mo)
    photo = tip.photos.get()
    url = reverse("tips:photo", args=[tip.pk, photo.pk])
    client, user = staff_client(user=tf_user("st-louis", "supervisor"))
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied", object_type="tip", object_id=str(tip.pk)).exists()
    trainer, tr = staff_client("trainer")
    assert trainer.get(url).status_code == 403
    assert AuditEvent.objects.filter(actor=tr, action="denied").exists()
    assert Client().get(url).status_code in {302, 403}
    assert not AuditEvent.objects.filter(action="read", object_type="tip_photo").exists()
    # a photo id of another tip is not reachable through this tip
    own, _ = staff_client(user=tf_user("kansas-city", "investigator"))
    assert own.get(reverse("tips:photo", args=[tip.pk, photo.pk + 1000])).status_code == 404


def test_api_multipart_submit_and_audited_download(mo: Any, api_client_for: Any, tf_user: Any) -> None:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/tips/", {
        "narrative": "Two girls brought to the motel every night.", "county": JACKSON,
        "photos": [upload("a.jpg", gps_jpeg()), upload("b.txt", b"hello", "text/plain")],
    }, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["photos"] == 1 and body["photos_refused"][0]["name"] == "b.txt"
    tip = Tip.objects.get(receipt_code=body["receipt_code"])
    photo = tip.photos.get()
    client, user = api_client_for(user=tf_user("kansas-city", "investigator"))
    detail = client.get(f"/api/v1/tips/queue/{tip.pk}/").json()
    assert detail["photos"][0]["id"] == photo.pk and detail["photos"][0]["width"] == 64
    download = client.get(detail["photos"][0]["url"])
    assert download.status_code == 200 and download.content == stored_plain(photo)
    assert AuditEvent.objects.filter(actor=user, action="read", object_type="tip_photo", object_id=str(photo.pk)).count() == 1
    other, o = api_client_for(user=tf_user("st-louis", "supervisor"))
    assert other.get(detail["photos"][0]["url"]).status_code == 404
    assert AuditEvent.objects.filter(actor=o, action="denied", object_type="tip").exists()


def test_json_api_submit_unchanged(mo: Any) -> None:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/tips/", {"narrative": "A tip without any photo at all."}, format="json")
    assert response.status_code == 201 and response.json()["photos"] == 0 and response.json()["photos_refused"] == []


def test_spanish_form_and_refusal_messages(mo: Any) -> None:
    page = Client().get("/es/report/").content.decode()
    assert 'enctype="multipart/form-data"' in page and "Fotos o capturas de pantalla" in page
    response = Client().post("/es/report/", follow=True, data={**FORM, "language": "es", "photos": [
        upload("a.png", png_bytes(), "image/png"), upload("b.txt", b"hola", "text/plain")]})
    html = response.content.decode()
    assert "Se agregó 1 foto a su reporte." in html
    assert "b.txt: Solo se pueden agregar fotos y capturas de pantalla" in html
